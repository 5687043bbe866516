# bench/bench.mk - the benchmark of issue 5: the objects 'pccf bench' needs
# and 'make bench'.  Included by the top Makefile (after B, CC, CFLAGS,
# APPFLAGS and the library rules); it defines
#
#   BENCH_LIB      $(B)/bench/libbench.a: bench/*.c (trace, tech, harness,
#                  report, domain, pkey, trusted), bpf-baseline/*.c and
#                  the paper's C filters (filters/paper/*_c.c, gcc -O2 with
#                  the flags of filters/paper/README.md)
#   RUST_LIB       $(B)/bench/libpccf_baseline_rust.a (rustc from PATH;
#                  RUSTC=... overrides; without rustc the 'rust' technique
#                  reports "not built" and nothing else changes)
#   BENCH_LDLIBS   what the pccf link line needs after the CLI objects:
#                  $(CC) ... -o $(B)/pccf $(CLI_OBJ) $(BENCH_LDLIBS) $(B)/libpccf.a $(LIBS)
#
# and the targets 'bench' (the full comparison, written under
# $(B)/bench/) and 'bench-quick' (the cross-check alone).

BENCH_SRC    := $(wildcard bench/*.c) $(wildcard bpf-baseline/*.c)
BENCH_OBJ    := $(BENCH_SRC:%.c=$(B)/%.o)
BENCH_PAPER  := $(wildcard filters/paper/*_c.c)
BENCH_PAPER_OBJ := $(BENCH_PAPER:filters/paper/%.c=$(B)/bench/obj/%.o)
BENCH_HDR    := $(wildcard bench/*.h bpf-baseline/*.h filters/paper/paper.h)
BENCH_FLAGS  := -Ibench -Ibpf-baseline
# trusted.c counts the compiler's and the TCB's lines in the source tree.
$(B)/bench/trusted.o: BENCH_FLAGS += -DPCCF_SRC_DIR='"$(CURDIR)"'
# The native reference is gcc -O2 whatever CC is (the ASan build uses clang).
BENCH_PAPER_CC    := gcc
BENCH_PAPER_FLAGS := -O2 -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none -fno-pic

RUSTC     ?= rustc
RUSTFLAGS_BENCH := --edition 2021 -O -C panic=abort --crate-type staticlib \
	--crate-name pccf_baseline_rust
BENCH_HAVE_RUST := $(shell command -v $(RUSTC) >/dev/null 2>&1 && echo yes)
ifeq ($(BENCH_HAVE_RUST),yes)
RUST_LIB    := $(B)/bench/libpccf_baseline_rust.a
RUST_LDLIBS := $(RUST_LIB) -lgcc_s -lutil -lrt -lpthread -lm -ldl
$(B)/bpf-baseline/rust.o: BENCH_FLAGS += -DPCCF_RUST
else
RUST_LIB    :=
RUST_LDLIBS :=
endif

BENCH_LIB    := $(B)/bench/libbench.a
BENCH_LDLIBS := $(BENCH_LIB) $(B)/libpccf.a $(RUST_LDLIBS) -lm

$(BENCH_OBJ): $(B)/%.o: %.c $(GEN_HDR) $(BENCH_HDR) $(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h filters/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(APPFLAGS) $(BENCH_FLAGS) -c $< -o $@

$(BENCH_PAPER_OBJ): $(B)/bench/obj/%.o: filters/paper/%.c
	@mkdir -p $(dir $@)
	$(BENCH_PAPER_CC) $(BENCH_PAPER_FLAGS) -c $< -o $@

$(BENCH_LIB): $(BENCH_OBJ) $(BENCH_PAPER_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/bench/libpccf_baseline_rust.a: $(wildcard bpf-baseline/rust/*.rs)
	@mkdir -p $(dir $@)
	$(RUSTC) $(RUSTFLAGS_BENCH) bpf-baseline/rust/lib.rs -o $@

# cmd_bench.c includes bench/bench.h; the pccf link needs the bench objects.
$(B)/cli/cmd_bench.o: $(BENCH_HDR)
$(B)/pccf: $(BENCH_LIB) $(RUST_LIB)

.PHONY: bench bench-quick
bench: $(B)/pccf
	sh bench/run.sh $(B)

bench-quick: $(B)/pccf
	$(B)/pccf bench --quick --packets 20000
