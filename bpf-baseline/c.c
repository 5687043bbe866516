/*
 * c.c - the native reference: the paper's four filters written in C as a
 * programmer would (filters/paper/<name>_c.c, compiled with gcc -O2 by
 * bench/bench.mk with the flags filters/paper/README.md gives), looked up
 * by name.  Untrusted.
 */
#include <string.h>
#include "baseline.h"
#include "paper/paper.h"

/* baseline_c - see baseline.h. */
baseline_fn baseline_c(const char *name)
{
#define ROW_(n, e) { #n, paper_##n##_c },
	static const struct {
		const char *name;
		baseline_fn fn;
	} t[] = { PAPER_FILTERS(ROW_) };
#undef ROW_
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, name))
			return t[i].fn;
	return NULL;
}
