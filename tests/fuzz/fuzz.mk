# fuzz.mk - fuzzing and the soundness hunt (issue 7); included by the
# Makefile.  Needs clang with libFuzzer (compiler-rt).
#
#   make fuzz [FUZZ_SECONDS=600]   libFuzzer + ASan + UBSan on pccf_verify:
#                                  half the time on whole objects
#                                  (fuzz_verify), half on annotation and
#                                  proof sections for fixed code (fuzz_proof)
#   make fuzz-short                the same for 30 s in all (part of make test)
#   make hunt [HUNT_MUTANTS=200]   soundness hunt: mutants per seed object
#                                  (driver and trusted core under ASan+UBSan)
#   make hunt-short                40 mutants per seed (part of make test)
FUZZ_SECONDS ?= 600
HUNT_MUTANTS ?= 200
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SEEDS   := $(B)/fuzz/seeds/.stamp

FUZZ_BIN     := $(B)/fuzz/fuzz_verify $(B)/fuzz/fuzz_proof

$(FUZZ_BIN): $(B)/fuzz/%: tests/fuzz/%.c $(TCB_SRC) $(GEN_HDR) \
		$(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) -std=c11 -Iinclude -I$(B)/gen -Ivcgen \
		-Ichecker -Ikernel -c $< -o $@.o
	$(FUZZ_CC) $(FUZZ_FLAGS) $(TCBFLAGS) $@.o $(TCB_SRC) -o $@

$(FUZZ_SEEDS): $(B)/pccf tests/fuzz/mkseeds.sh tools/mkpaper.sh
	rm -rf $(B)/fuzz/seeds
	sh tests/fuzz/mkseeds.sh $(B)/pccf $(B)/fuzz/seeds 100
	touch $@

$(B)/tools/mutate: tools/mutate.c $(B)/libpccf.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(APPFLAGS) -o $@ $< $(B)/libpccf.a -lpcap

# The hunt's driver with the trusted core under ASan + UBSan.
$(B)/tools/mutate-asan: tools/mutate.c $(TCB_SRC) $(HOST_SRC) $(GEN_HDR) \
		$(wildcard include/pccf/*.h vcgen/*.h checker/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -std=gnu11 -Iinclude -I$(B)/gen -Ivcgen \
		-Ichecker -Ikernel -o $@ $< $(TCB_SRC) $(HOST_SRC) -lpcap

.PHONY: fuzz fuzz-short hunt hunt-short
fuzz: $(FUZZ_BIN) $(FUZZ_SEEDS)
	sh tests/fuzz/run.sh $(B) $$(($(FUZZ_SECONDS) / 2)) fuzz_verify
	sh tests/fuzz/run.sh $(B) $$(($(FUZZ_SECONDS) - $(FUZZ_SECONDS) / 2)) fuzz_proof

fuzz-short: $(FUZZ_BIN) $(FUZZ_SEEDS)
	sh tests/fuzz/run.sh $(B) 15 fuzz_verify
	sh tests/fuzz/run.sh $(B) 15 fuzz_proof

hunt: $(B)/tools/mutate-asan $(FUZZ_SEEDS)
	MUTATE=$(B)/tools/mutate-asan sh tools/mutation-hunt.sh $(B) $(HUNT_MUTANTS)

hunt-short: $(B)/tools/mutate-asan $(FUZZ_SEEDS)
	MUTATE=$(B)/tools/mutate-asan sh tools/mutation-hunt.sh $(B) 40
