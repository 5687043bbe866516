# pccf - proof-carrying code packet filters.
#
#   make            build everything into build/ (the tool is build/pccf)
#   make test       every test suite, each printing its wall time
#   make demo       certify, check and run the paper's filters on a trace
#   make tcb        count the trusted computing base, time VC gen + check
#   make deps       install Debian packages (as root) or print the command
#
# Layout: the trusted core (TCB) is include/, vcgen/, checker/ and the
# kernel/ consumer files listed in TCB_SRC; it is built with fatal warnings
# and without libc headers.  Everything else is the untrusted producer,
# the CLI and the tests.

CC      ?= gcc
B       := build
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
TCBFLAGS:= $(WARN) -std=c11 -ffreestanding -fno-builtin -fno-stack-protector -Iinclude -I$(B)/gen -Ivcgen -Ichecker -Ikernel
APPFLAGS:= -Wall -Wextra -Werror -std=gnu11 -Iinclude -I$(B)/gen -Ivcgen -Ichecker -Ikernel -Ifilters -Icli
LIBS    := -lpcap

TCB_SRC := $(wildcard vcgen/*.c checker/*.c) kernel/compat.c $(wildcard kernel/obj.c kernel/verify.c)
HOST_SRC:= $(wildcard kernel/host.c kernel/guard.c)
PROD_SRC:= $(wildcard filters/*.c)
CLI_SRC := $(wildcard cli/*.c)
GEN_HDR := $(B)/gen/sig_table.h

TCB_OBJ := $(TCB_SRC:%.c=$(B)/%.o)
APP_OBJ := $(HOST_SRC:%.c=$(B)/%.o) $(PROD_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)

.PHONY: all test demo tcb deps clean
all: $(B)/pccf

$(B)/gen/sig_table.h: checker/sig.lf tools/siggen.py
	@mkdir -p $(dir $@)
	python3 tools/siggen.py c checker/sig.lf > $@.tmp && mv $@.tmp $@

$(TCB_OBJ): $(B)/%.o: %.c $(GEN_HDR) $(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TCBFLAGS) -c $< -o $@

$(APP_OBJ) $(CLI_OBJ): $(B)/%.o: %.c $(GEN_HDR) $(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h filters/*.h cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(APPFLAGS) -c $< -o $@

$(B)/libpccf.a: $(TCB_OBJ) $(APP_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/pccf: $(CLI_OBJ) $(B)/libpccf.a
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BENCH_LDLIBS) $(B)/libpccf.a $(LIBS)

include tests/tests.mk
include bench/bench.mk
include tests/fuzz/fuzz.mk

deps:
	sh tools/deps.sh

tcb: $(B)/pccf
	sh tools/tcb.sh $(B)

demo: $(B)/pccf
	sh tools/demo.sh $(B)

# The per-expression CSV over the corpus (issue 3): build/corpus.csv.
.PHONY: corpus-report
$(B)/corpus-report: tools/corpus-report.c tests/fixtures.c $(B)/libpccf.a $(GEN_HDR) $(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h filters/*.h)
	$(CC) $(CFLAGS) $(APPFLAGS) -Itests -o $@ $< tests/fixtures.c $(B)/libpccf.a $(LIBS)

corpus-report: $(B)/corpus-report
	$(B)/corpus-report -o $(B)/corpus.csv

# Coq: soundness of every rule (coq/), offline re-checking of certificates.
.PHONY: coq coq-check coq-suite
coq: $(GEN_HDR)
	sh tools/coq-check.sh build $(B)

coq-check: coq
	sh tools/coq-check.sh check $(V) $(B)

coq-suite: $(B)/pccf coq
	sh tools/coq-check.sh suite $(B)

# The Linux module (kernel/module/) and its test under QEMU (issue 4).
.PHONY: module qemu-test
module: $(GEN_HDR)
	$(MAKE) -C kernel/module B=$(abspath $(B))

qemu-test: $(B)/pccf $(B)/libpccf.a
	sh tools/qemu-test.sh $(B)

clean:
	rm -rf $(B)
