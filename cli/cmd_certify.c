/*
 * cmd_certify.c - 'pccf certify SRC -o F.pcc': load code from assembly,
 * an ELF64 relocatable or raw bytes, certify it, write the object.
 * Untrusted.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

/* ends_with - 1 when 's' ends with 'suffix'. */
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* in_file - 1 when [off, off + n) lies inside a file of 'len' bytes. */
static int in_file(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

/* section - section header 'i' of the ELF image 'p' (bounds checked). */
static void section(const uint8_t *p, const Elf64_Ehdr *eh, unsigned i,
		    Elf64_Shdr *sh)
{
	memcpy(sh, p + eh->e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* sec_name - the name of 'sh' in string table 'str' ('nstr' bytes). */
static const char *sec_name(const Elf64_Shdr *sh, const char *str, size_t nstr)
{
	if (sh->sh_name >= nstr || !memchr(str + sh->sh_name, 0, nstr - sh->sh_name))
		return "";
	return str + sh->sh_name;
}

/* elf_header - check that 'p' is an x86-64 ELF64 relocatable. */
static int elf_header(const char *src, const uint8_t *p, size_t n,
		      Elf64_Ehdr *eh)
{
	if (n < sizeof(*eh) || memcmp(p, ELFMAG, SELFMAG))
		return cli_err("%s: not an ELF file", src);
	memcpy(eh, p, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return cli_err("%s: not a little-endian x86-64 ELF64 file", src);
	if (eh->e_type != ET_REL)
		return cli_err("%s: not a relocatable object (.o)", src);
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    eh->e_shstrndx >= eh->e_shnum ||
	    !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), n))
		return cli_err("%s: malformed ELF section headers", src);
	return 0;
}

/* count_relocs - relocation entries that apply to section 'text'. */
static uint64_t count_relocs(const uint8_t *p, const Elf64_Ehdr *eh,
			     unsigned text)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh;

		section(p, eh, i, &sh);
		if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
		    sh.sh_info == text)
			total += sh.sh_entsize ? sh.sh_size / sh.sh_entsize :
				 sh.sh_size ? 1 : 0;
	}
	return total;
}

/* elf_text - copy the .text of ELF relocatable 'p' into 'code'. */
static int elf_text(const char *src, const uint8_t *p, size_t n,
		    struct buf *code)
{
	Elf64_Ehdr eh;
	Elf64_Shdr str, sh;
	uint64_t nrel;
	unsigned i;

	if (elf_header(src, p, n, &eh))
		return -1;
	section(p, &eh, eh.e_shstrndx, &str);
	if (!in_file(str.sh_offset, str.sh_size, n))
		return cli_err("%s: malformed ELF section name table", src);
	for (i = 0; i < eh.e_shnum; i++) {
		section(p, &eh, i, &sh);
		if (!strcmp(sec_name(&sh, (const char *)p + str.sh_offset,
				     str.sh_size), ".text"))
			break;
	}
	if (i == eh.e_shnum || sh.sh_type != SHT_PROGBITS)
		return cli_err("%s: no .text section", src);
	if (!in_file(sh.sh_offset, sh.sh_size, n))
		return cli_err("%s: .text lies outside the file", src);
	if (sh.sh_size == 0)
		return cli_err("%s: .text is empty (code in another section, as "
			       "with -ffunction-sections?)", src);
	nrel = count_relocs(p, &eh, i);
	if (nrel)
		return cli_err("%s: .text has %llu relocation%s; pccf needs "
			       "position-independent code with no relocations",
			       src, (unsigned long long)nrel, nrel > 1 ? "s" : "");
	buf_put(code, p + sh.sh_offset, sh.sh_size);
	return 0;
}

/* assemble - run 'cc -c -x assembler-with-cpp SRC -o OUT'. */
static int assemble(const char *src, const char *out)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return cli_err("fork: %s", strerror(errno));
	if (pid == 0) {
		execlp("cc", "cc", "-c", "-x", "assembler-with-cpp", src, "-o",
		       out, (char *)NULL);
		fprintf(stderr, "pccf: cc: %s\n", strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return cli_err("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cli_err("%s: the assembler failed", src);
	return 0;
}

/* load_asm - assemble 'src' into a temporary .o and take its .text. */
static int load_asm(const char *src, struct buf *code)
{
	char dir[] = "/tmp/pccf.XXXXXX", obj[sizeof(dir) + 8];
	struct buf elf = { 0 };
	int rc = -1;

	if (!mkdtemp(dir))
		return cli_err("mkdtemp: %s", strerror(errno));
	snprintf(obj, sizeof(obj), "%s/a.o", dir);
	if (!assemble(src, obj) && !cli_read(obj, &elf))
		rc = elf_text(src, elf.p, elf.n, code);
	unlink(obj);
	rmdir(dir);
	free(elf.p);
	return rc ? -1 : 0;
}

/* load_code - the code bytes of 'src', by its kind. */
static int load_code(const char *src, struct buf *code)
{
	struct buf raw = { 0 };
	int rc;

	if (ends_with(src, ".s") || ends_with(src, ".S"))
		return load_asm(src, code);
	if (cli_read(src, &raw))
		return -1;
	if (ends_with(src, ".o") ||
	    (!ends_with(src, ".bin") && raw.n >= 4 && !memcmp(raw.p, ELFMAG, 4)))
		rc = elf_text(src, raw.p, raw.n, code) ? -1 : 0;
	else if (ends_with(src, ".bin")) {
		buf_put(code, raw.p, raw.n);
		rc = 0;
	} else {
		cli_err("%s: unknown input kind (expected .s, .S, .o or .bin)", src);
		rc = -1;
	}
	free(raw.p);
	return rc;
}

/* cmd_certify - 'pccf certify SRC -o F.pcc'. */
int cmd_certify(int argc, char **argv)
{
	struct buf code = { 0 }, obj = { 0 };
	struct cli_opts o;
	char err[512];
	int rc;

	rc = cli_opts(argc, argv, "o no-proof", 1, &o);
	if (rc)
		return rc;
	if (!o.out)
		return cli_usage(argv[0], "missing -o F.pcc");
	rc = EXIT_FAIL;
	if (load_code(o.pos[0], &code))
		goto out;
	if (code.n == 0) {
		cli_err("%s: no code", o.pos[0]);
		goto out;
	}
	if (certify_flags(code.p, code.n, o.noproof ? CERTIFY_NO_PROOF : 0,
			  &obj, err, sizeof(err))) {
		cli_err("%s: %s", o.pos[0], err);
		goto out;
	}
	if (!cli_write(o.out, obj.p, obj.n))
		rc = EXIT_OK;
out:
	free(code.p);
	free(obj.p);
	return rc;
}
