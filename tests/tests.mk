# Test binaries: every tests/test_*.c is one suite, linked with the whole
# library, CUnit, libpcap and Zydis.  tests/run.sh runs them, timing each.
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(B)/tests/%)
TEST_LIBS := -lcunit -lpcap -lZydis -lZycore
TEST_COMMON := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))

$(B)/tests/%: tests/%.c $(TEST_COMMON) $(B)/libpccf.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(APPFLAGS) -Itests -o $@ $< $(TEST_COMMON) $(B)/libpccf.a $(TEST_LIBS)

# The same suites under ASan + UBSan (clang), built in build/asan/.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: tests test asan-build
tests: $(B)/pccf $(TEST_BIN)

asan-build:
	$(MAKE) B=$(B)/asan CC=clang CFLAGS="$(ASAN_FLAGS)" LIBS="$(LIBS) -fsanitize=address,undefined" $(B)/asan/pccf $(TEST_SRC:tests/%.c=$(B)/asan/tests/%)

test: tests asan-build
	sh tests/run.sh $(B)
