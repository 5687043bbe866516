/*
 * rust.c - the safe-Rust technique: the paper's four filters in
 * bpf-baseline/rust/ (filters.rs forbids unsafe code; shim.rs is the one
 * audited file that turns the C ABI's pointer and length into a slice),
 * built by rustc -O as a static library when rustc is found
 * (bench/bench.mk defines PCCF_RUST then).  Untrusted.
 */
#include <string.h>
#include "baseline.h"

#ifdef PCCF_RUST
#include "paper/paper.h"

#define DECL_(n, e) uint32_t pccf_rust_##n(const uint8_t *, uint64_t, uint64_t, uint32_t *);
PAPER_FILTERS(DECL_)
#undef DECL_

const char *baseline_rust_missing = "not a paper filter";

/* baseline_rust - see baseline.h. */
baseline_fn baseline_rust(const char *name)
{
#define ROW_(n, e) { #n, pccf_rust_##n },
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
#else
const char *baseline_rust_missing = "not built (no rustc found)";

/* baseline_rust - see baseline.h: the library was not built. */
baseline_fn baseline_rust(const char *name)
{
	(void)name;
	return NULL;
}
#endif
