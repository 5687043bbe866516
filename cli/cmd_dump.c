/*
 * cmd_dump.c - looking inside objects: 'pccf disasm', 'vc', 'proof',
 * and taking them apart and back together: 'unpack', 'pack'.
 * Untrusted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "print.h"
#include "verify.h"

/* The section files of an unpacked object, in object order. */
static const char *const part_file[5] = {
	"header.bin", "code.bin", "reloc.bin", "annot.bin", "proof.bin"
};

/* le32 - the little-endian word at 'p'. */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* put_le32 - store 'v' little-endian at 'p'. */
static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* parse - read object 'path' and slice it with the consumer's parser. */
static int parse(const char *path, struct buf *file, struct obj *o)
{
	struct pccf_limits lim;
	struct pccf_err e;

	memset(&e, 0, sizeof(e));
	if (cli_read(path, file))
		return -1;
	pccf_default_limits(&lim);
	if (file->n > UINT32_MAX ||
	    obj_parse(file->p, (u32)file->n, &lim.obj, o, &e)) {
		fprintf(stderr, "%s: rejected: %s\n", path,
			e.code ? e.msg : "object too large");
		return -1;
	}
	return 0;
}

/* ---- disasm ------------------------------------------------------------ */

/* print_bytes - up to 8 bytes of the instruction at 'p', padded. */
static void print_bytes(const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < 8; i++) {
		if (i < n)
			printf("%02x ", p[i]);
		else
			printf("   ");
	}
	printf(n > 8 ? "+ " : "  ");
}

/* cmd_disasm - 'pccf disasm F.pcc'. */
int cmd_disasm(int argc, char **argv)
{
	struct buf file = { 0 };
	struct cli_opts op;
	struct x86_relocs rel;
	uint32_t *offs = NULL, i, off;
	struct obj o;
	int rc;

	rc = cli_opts(argc, argv, "", 1, &op);
	if (rc)
		return rc;
	if (parse(op.pos[0], &file, &o)) {
		free(file.p);
		return EXIT_FAIL;
	}
	offs = calloc(o.nreloc + 1, sizeof(*offs));
	if (!offs) {
		free(file.p);
		return cli_err("out of memory");
	}
	for (i = 0; i < o.nreloc; i++)
		offs[i] = le32(o.reloc + 8 * (size_t)i);
	rel.off = offs;
	rel.n = o.nreloc;
	for (off = 0; off < o.ncode;) {
		struct x86_insn in;
		struct pccf_err e;

		memset(&e, 0, sizeof(e));
		printf("%6x:  ", off);
		if (x86_decode(o.code, o.ncode, off, &rel, &in, &e)) {
			print_bytes(o.code + off, 1);
			printf("(bad) %s\n", e.msg);
			off++;
			continue;
		}
		print_bytes(o.code + off, in.len);
		print_insn(stdout, &in);
		if (in.mnem == X86_RET)
			printf(in.len == 5 ? "    ; return (relocated)" :
			       "    ; bare return");
		putchar('\n');
		off += in.len;
	}
	free(offs);
	free(file.p);
	return EXIT_OK;
}

/* ---- vc, proof ---------------------------------------------------------- */

/* cmd_vc - 'pccf vc F.pcc'. */
int cmd_vc(int argc, char **argv)
{
	struct buf file = { 0 };
	struct pccf_limits lim;
	struct pccf_arena ar = { 0 };
	struct pccf_verified v;
	struct pccf_err e;
	struct cli_opts op;
	int rc;

	rc = cli_opts(argc, argv, "", 1, &op);
	if (rc)
		return rc;
	if (cli_read(op.pos[0], &file))
		return EXIT_FAIL;
	memset(&e, 0, sizeof(e));
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	rc = EXIT_FAIL;
	if (!ar.base)
		cli_err("out of memory (arena of %zu bytes)", ar.size);
	else if (file.n > UINT32_MAX ||
		 pccf_verify(file.p, (u32)file.n, &lim, PCCF_VCGEN, &ar, &v, &e))
		fprintf(stderr, "%s: rejected: %s\n", op.pos[0],
			e.code ? e.msg : "object too large");
	else {
		print_term(stdout, &v.tab, v.vc);
		rc = EXIT_OK;
	}
	free(ar.base);
	free(file.p);
	return rc;
}

/* cmd_proof - 'pccf proof F.pcc'. */
int cmd_proof(int argc, char **argv)
{
	struct buf file = { 0 };
	struct cli_opts op;
	struct obj o;
	int rc;

	rc = cli_opts(argc, argv, "", 1, &op);
	if (rc)
		return rc;
	rc = EXIT_FAIL;
	if (!parse(op.pos[0], &file, &o)) {
		print_proof(stdout, o.proof, o.nproof);
		rc = EXIT_OK;
	}
	free(file.p);
	return rc;
}

/* ---- unpack, pack -------------------------------------------------------- */

/* part_path - "DIR/NAME" into 'out' ('n' bytes); 0 or -1 when too long. */
static int part_path(char *out, size_t n, const char *dir, int part)
{
	int k = snprintf(out, n, "%s/%s", dir, part_file[part]);

	if (k < 0 || (size_t)k >= n) {
		cli_err("%s: path too long", dir);
		return -1;
	}
	return 0;
}

/* cmd_unpack - 'pccf unpack F.pcc DIR': the header's lengths only. */
int cmd_unpack(int argc, char **argv)
{
	struct buf file = { 0 };
	struct cli_opts op;
	uint64_t len[5], at = 0;
	char path[4096];
	int rc, i;

	rc = cli_opts(argc, argv, "", 2, &op);
	if (rc)
		return rc;
	if (cli_read(op.pos[0], &file))
		return EXIT_FAIL;
	rc = EXIT_FAIL;
	if (file.n < OBJ_HDR) {
		cli_err("%s: shorter than the %d-byte header", op.pos[0], OBJ_HDR);
		goto out;
	}
	len[0] = OBJ_HDR;
	for (i = 1; i < 5; i++)
		len[i] = le32(file.p + 4 + 4 * i);
	if (len[0] + len[1] + len[2] + len[3] + len[4] != file.n) {
		cli_err("%s: the header's lengths do not add up to the file's %zu "
			"bytes", op.pos[0], file.n);
		goto out;
	}
	if (mkdir(op.pos[1], 0777) && errno != EEXIST) {
		cli_err("%s: %s", op.pos[1], strerror(errno));
		goto out;
	}
	for (i = 0; i < 5; i++) {
		if (part_path(path, sizeof(path), op.pos[1], i) ||
		    cli_write(path, file.p + at, len[i]))
			goto out;
		at += len[i];
	}
	rc = EXIT_OK;
out:
	free(file.p);
	return rc;
}

/* read_part - DIR's part 'i' into 'b'; a missing file is empty. */
static int read_part(const char *dir, int i, struct buf *b)
{
	char path[4096];
	struct stat st;

	if (part_path(path, sizeof(path), dir, i))
		return -1;
	if (stat(path, &st) && errno == ENOENT)
		return 0;
	return cli_read(path, b);
}

/* cmd_pack - 'pccf pack DIR -o F.pcc': recomputed lengths, no checks. */
int cmd_pack(int argc, char **argv)
{
	struct buf part[5], obj = { 0 };
	struct cli_opts op;
	uint8_t hdr[OBJ_HDR];
	int rc, i;

	rc = cli_opts(argc, argv, "o", 1, &op);
	if (rc)
		return rc;
	if (!op.out)
		return cli_usage(argv[0], "missing -o F.pcc");
	memset(part, 0, sizeof(part));
	rc = EXIT_FAIL;
	for (i = 0; i < 5; i++)
		if (read_part(op.pos[0], i, &part[i]))
			goto out;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, OBJ_MAGIC, 4);
	hdr[4] = OBJ_VERSION;
	hdr[6] = OBJ_POLICY;
	if (part[0].n >= 8)
		memcpy(hdr, part[0].p, 8);
	for (i = 1; i < 5; i++) {
		if (part[i].n > UINT32_MAX) {
			cli_err("%s: %s too large", op.pos[0], part_file[i]);
			goto out;
		}
		put_le32(hdr + 4 + 4 * i, (uint32_t)part[i].n);
	}
	buf_put(&obj, hdr, sizeof(hdr));
	for (i = 1; i < 5; i++)
		buf_put(&obj, part[i].p, part[i].n);
	if (!cli_write(op.out, obj.p, obj.n))
		rc = EXIT_OK;
out:
	for (i = 0; i < 5; i++)
		free(part[i].p);
	free(obj.p);
	return rc;
}
