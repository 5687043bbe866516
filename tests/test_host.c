/*
 * test_host.c - the user-space installer (kernel/host.c), its guard
 * pages, and the producer's return rewriting (filters/rewrite.c).
 *
 * The installer is exercised with tiny hand-assembled filters installed
 * without verification; the guard tests check that a copy lies exactly
 * against an inaccessible page (a forked child touching the byte past
 * it must die).
 */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"
#include "rewrite.h"

/* install - install 'code' with RET relocs 'rel' into 'hf'; 0 or code. */
static int install(const u8 *code, u32 n, const u32 *rel, u32 nrel,
		   struct host_filter *hf, struct pccf_err *e)
{
	struct obj o;
	struct x86_relocs r = { rel, nrel };

	memset(&o, 0, sizeof(o));
	memset(e, 0, sizeof(*e));
	o.code = code;
	o.ncode = n;
	return host_install(&o, &r, hf, e);
}

/* mov eax, 7; jmp <return> */
static const u8 ret7[] = { 0xb8, 0x07, 0, 0, 0, 0xe9, 0, 0, 0, 0 };

static void test_install_ret7(void)
{
	static const u32 rel[] = { 6 };
	struct host_filter hf;
	struct pccf_err e;
	u32 mem[16] = { 0 };

	CU_ASSERT_EQUAL_FATAL(install(ret7, sizeof(ret7), rel, 1, &hf, &e), 0);
	CU_ASSERT_EQUAL(host_run(&hf, (const u8 *)"", 0, 0, mem), 7);
	/* the return became ret; int3 x4 */
	CU_ASSERT_EQUAL(hf.map[5], HOST_RET);
	CU_ASSERT_EQUAL(pccf_le32(hf.map + 6), 0xccccccccu);
	CU_ASSERT_EQUAL(memcmp(hf.map, ret7, 5), 0);
	host_free(&hf);
	host_free(&hf);		/* idempotent */
	CU_ASSERT_PTR_NULL(hf.map);
}

static void test_install_two_returns(void)
{
	/* test esi, esi; je L; mov eax, 1; jmp <return>; L: xor eax, eax;
	 * jmp <return> */
	static const u8 code[] = { 0x85, 0xf6, 0x74, 0x0a, 0xb8, 0x01, 0, 0, 0,
				   0xe9, 0, 0, 0, 0, 0x31, 0xc0, 0xe9, 0, 0,
				   0, 0 };
	static const u32 rel[] = { 10, 17 };
	struct host_filter hf;
	struct pccf_err e;
	u32 mem[16] = { 0 };

	CU_ASSERT_EQUAL_FATAL(install(code, sizeof(code), rel, 2, &hf, &e), 0);
	CU_ASSERT_EQUAL(host_run(&hf, (const u8 *)"ab", 2, 2, mem), 1);
	CU_ASSERT_EQUAL(host_run(&hf, (const u8 *)"", 0, 0, mem), 0);
	CU_ASSERT_EQUAL(hf.map[9], HOST_RET);
	CU_ASSERT_EQUAL(hf.map[16], HOST_RET);
	CU_ASSERT_EQUAL(pccf_le32(hf.map + 10), 0xccccccccu);
	CU_ASSERT_EQUAL(pccf_le32(hf.map + 17), 0xccccccccu);
	host_free(&hf);
}

static void test_install_rejects(void)
{
	static const u32 bad_off[] = { 1 };	/* not after an e9 */
	static const u32 past_end[] = { 8 };
	static const u8 nonzero[] = { 0xe9, 1, 0, 0, 0 };
	static const u32 rel1[] = { 1 };
	struct host_filter hf;
	struct pccf_err e;

	CU_ASSERT_NOT_EQUAL(install(ret7, sizeof(ret7), bad_off, 1, &hf, &e), 0);
	CU_ASSERT_EQUAL(e.code, PCCF_EOBJ);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not the zero rel32"));
	CU_ASSERT_PTR_NULL(hf.map);
	CU_ASSERT_NOT_EQUAL(install(ret7, sizeof(ret7), past_end, 1, &hf, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "outside"));
	CU_ASSERT_NOT_EQUAL(install(nonzero, sizeof(nonzero), rel1, 1, &hf, &e), 0);
	CU_ASSERT_NOT_EQUAL(install(ret7, 0, NULL, 0, &hf, &e), 0);
}

/* quiet_child - in a forked child about to fault: silence stderr (the
 * sanitizers report the expected fault there). */
static void quiet_child(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0)
		dup2(fd, 2);
}

static void test_install_not_writable(void)
{
	static const u32 rel[] = { 6 };
	struct host_filter hf;
	struct pccf_err e;
	pid_t pid;
	int st;

	CU_ASSERT_EQUAL_FATAL(install(ret7, sizeof(ret7), rel, 1, &hf, &e), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		quiet_child();
		*(volatile u8 *)hf.map = 0xcc;
		_exit(0);
	}
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(!(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	host_free(&hf);
}

/* faults - 1 when reading the byte at 'p' kills a forked child. */
static int faults(const volatile u8 *p)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		quiet_child();
		(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_guard_placement(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct host_guard g;
	u8 src[100], *p;

	memset(src, 0x5a, sizeof(src));
	CU_ASSERT_EQUAL_FATAL(host_guard_init(&g, sizeof(src)), 0);
	p = host_guard_end(&g, src, sizeof(src));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(((uintptr_t)(p + sizeof(src))) % pg, 0);
	CU_ASSERT_EQUAL(memcmp(p, src, sizeof(src)), 0);
	CU_ASSERT(!faults(p + sizeof(src) - 1));
	CU_ASSERT(faults(p + sizeof(src)));
	p = host_guard_start(&g, src, sizeof(src));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL((uintptr_t)p % pg, 0);
	CU_ASSERT(!faults(p));
	CU_ASSERT(faults(p - 1));
	CU_ASSERT_PTR_NULL(host_guard_end(&g, src, g.cap + 1));
	host_guard_free(&g);
	host_guard_free(&g);
}

static void test_guard_run(void)
{
	/* movzx eax, byte [rdi+rsi-1]; add eax, [rcx+60]; jmp <return> */
	static const u8 code[] = { 0x0f, 0xb6, 0x44, 0x37, 0xff, 0x03, 0x41,
				   0x3c, 0xe9, 0, 0, 0, 0 };
	static const u32 rel[] = { 9 };
	static const u8 pkt[] = { 1, 2, 3, 40 };
	u32 scratch[16] = { 0 };
	struct host_guard gp, gm;
	struct host_filter hf;
	struct pccf_err e;
	u8 *p, *m;

	scratch[15] = 2;
	CU_ASSERT_EQUAL_FATAL(install(code, sizeof(code), rel, 1, &hf, &e), 0);
	CU_ASSERT_EQUAL_FATAL(host_guard_init(&gp, 64), 0);
	CU_ASSERT_EQUAL_FATAL(host_guard_init(&gm, 64), 0);
	p = host_guard_end(&gp, pkt, sizeof(pkt));
	m = host_guard_end(&gm, scratch, sizeof(scratch));
	CU_ASSERT_EQUAL(host_run(&hf, p, sizeof(pkt), 60, (u32 *)m), 42);
	p = host_guard_start(&gp, pkt, sizeof(pkt));
	m = host_guard_start(&gm, scratch, sizeof(scratch));
	CU_ASSERT_EQUAL(host_run(&hf, p, sizeof(pkt), 60, (u32 *)m), 42);
	host_guard_free(&gp);
	host_guard_free(&gm);
	host_free(&hf);
}

/* ---- rewrite_returns --------------------------------------------------- */

/* rewrite - run rewrite_returns on 'code'; 0 or -1 ('err' filled). */
static int rewrite(const u8 *code, size_t n, struct buf *out, uint32_t **rel,
		   uint32_t *nrel, char *err)
{
	memset(out, 0, sizeof(*out));
	return rewrite_returns(code, n, out, rel, nrel, err, 256);
}

static void test_rewrite_ret(void)
{
	/* mov eax, 7; ret; int3 int3 (padding) */
	static const u8 code[] = { 0xb8, 0x07, 0, 0, 0, 0xc3, 0xcc, 0xcc };
	struct buf out;
	uint32_t *rel, nrel;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(rewrite(code, sizeof(code), &out, &rel, &nrel, err), 0);
	CU_ASSERT_EQUAL(out.n, sizeof(ret7));
	CU_ASSERT_EQUAL(memcmp(out.p, ret7, sizeof(ret7)), 0);
	CU_ASSERT_EQUAL(nrel, 1);
	CU_ASSERT_EQUAL(rel[0], 6);
	free(out.p);
	free(rel);
}

static void test_rewrite_widen(void)
{
	/* test esi, esi; je L (rel8, +90); 30 x { jne +1; ret }; L: xor eax,
	 * eax; ret.  The 30 rets grow by 4 bytes each, so the je must become
	 * 0f 84 rel32 (+210); the jne +1 become jne +5. */
	u8 code[4 + 90 + 3];
	struct buf out;
	uint32_t *rel, nrel, i;
	char err[256];

	code[0] = 0x85;
	code[1] = 0xf6;
	code[2] = 0x74;
	code[3] = 90;
	for (i = 0; i < 30; i++) {
		code[4 + 3 * i] = 0x75;
		code[5 + 3 * i] = 0x01;
		code[6 + 3 * i] = 0xc3;
	}
	code[94] = 0x31;
	code[95] = 0xc0;
	code[96] = 0xc3;
	CU_ASSERT_EQUAL_FATAL(rewrite(code, sizeof(code), &out, &rel, &nrel, err), 0);
	CU_ASSERT_EQUAL(nrel, 31);
	CU_ASSERT_EQUAL_FATAL(out.n, 2 + 6 + 210 + 2 + 5);
	CU_ASSERT_EQUAL(out.p[2], 0x0f);
	CU_ASSERT_EQUAL(out.p[3], 0x84);
	CU_ASSERT_EQUAL(pccf_le32(out.p + 4), 210);
	CU_ASSERT_EQUAL(out.p[8], 0x75);
	CU_ASSERT_EQUAL(out.p[9], 0x05);
	for (i = 0; i < nrel; i++) {
		CU_ASSERT_EQUAL(out.p[rel[i] - 1], 0xe9);
		CU_ASSERT_EQUAL(pccf_le32(out.p + rel[i]), 0);
		CU_ASSERT(i == 0 || rel[i] > rel[i - 1]);
	}
	free(out.p);
	free(rel);
}

static void test_rewrite_backward_and_rep_ret(void)
{
	/* jmp L2; L1: rep ret; L2: mov eax, 1; jmp L1  (backward, short) */
	static const u8 code[] = { 0xeb, 0x02, 0xf3, 0xc3, 0xb8, 1, 0, 0, 0,
				   0xeb, 0xf7 };
	/* jmp +5 (to L2); L1: jmp <return>; L2: mov eax, 1; jmp L1 */
	static const u8 want[] = { 0xeb, 0x05, 0xe9, 0, 0, 0, 0, 0xb8, 1, 0, 0,
				   0, 0xeb, 0xf4 };
	struct buf out;
	uint32_t *rel, nrel;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(rewrite(code, sizeof(code), &out, &rel, &nrel, err), 0);
	CU_ASSERT_EQUAL_FATAL(out.n, sizeof(want));
	CU_ASSERT_EQUAL(memcmp(out.p, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(nrel, 1);
	CU_ASSERT_EQUAL(rel[0], 3);
	free(out.p);
	free(rel);
}

static void test_rewrite_errors(void)
{
	static const u8 falls[] = { 0xb8, 1, 0, 0, 0 };	/* mov eax, 1 */
	/* xor eax, eax; je 1 (inside the xor); ret */
	static const u8 inside[] = { 0x31, 0xc0, 0x74, 0xfd, 0xc3 };
	struct buf out;
	uint32_t *rel, nrel;
	char err[256];

	CU_ASSERT_NOT_EQUAL(rewrite(falls, sizeof(falls), &out, &rel, &nrel, err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "falls off"));
	free(out.p);
	CU_ASSERT_NOT_EQUAL(rewrite(inside, sizeof(inside), &out, &rel, &nrel, err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "inside"));
	free(out.p);
	CU_ASSERT_NOT_EQUAL(rewrite(falls, 0, &out, &rel, &nrel, err), 0);
	free(out.p);
}

int main(void)
{
	CU_pSuite s;
	unsigned nfail;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("host", NULL, NULL);
	CU_add_test(s, "install ret7", test_install_ret7);
	CU_add_test(s, "install two returns", test_install_two_returns);
	CU_add_test(s, "install rejects bad relocs", test_install_rejects);
	CU_add_test(s, "code pages not writable", test_install_not_writable);
	CU_add_test(s, "guard placement", test_guard_placement);
	CU_add_test(s, "run against guard pages", test_guard_run);
	s = CU_add_suite("rewrite", NULL, NULL);
	CU_add_test(s, "ret to reloc, padding dropped", test_rewrite_ret);
	CU_add_test(s, "short jcc widened", test_rewrite_widen);
	CU_add_test(s, "backward jmp, rep ret", test_rewrite_backward_and_rep_ret);
	CU_add_test(s, "errors", test_rewrite_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	nfail = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	printf("%u passed, %u failed\n",
	       CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	       CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return nfail ? 1 : 0;
}
