# chancery: a plain GNU Makefile with pkg-config (as Redis and git build).
#   make            build ./chancery
#   make check      unit, rule and command tests; ends "N passed, N failed"
#   make asan       the same tests under ASan+UBSan, no recovery
#   make valgrind   the same tests under valgrind
#   make lint       layer check, clang-format, clang-tidy, cppcheck
#   make demo       load the demo registry and print the tour
#   make bench      the benchmarks of bench/
# DEVELOPER=1 (set by .ci/run) adds -Werror.

PREFIX ?= /usr/local
CC ?= cc
PKGS = sqlite3 jansson libsodium gsl libmicrohttpd
OPT ?= -O2 -g
# Error messages are cut at ERR_MSG_MAX on purpose, so truncation is no bug.
WARN = -Wno-format-truncation -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) \
	$(WARN) -Isrc $(shell pkg-config --cflags $(PKGS)) $(SANITIZE) $(CFLAGS)
LIBS = $(shell pkg-config --libs $(PKGS)) -lcsv -lm -lpthread
LDFLAGS_ALL = $(SANITIZE) $(LDFLAGS)

BUILD ?= build
LIB_SRC = $(sort $(filter-out src/main.c,$(wildcard src/*/*.c)))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC = $(sort $(wildcard bench/*.c))
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

all: chancery chancery.1

chancery: $(BUILD)/chancery
	cp $< $@

# The man page is written by the program from its option tables.
chancery.1: $(BUILD)/chancery
	$(BUILD)/chancery --man >$@.tmp && mv $@.tmp $@

$(BUILD)/chancery: $(BUILD)/src/main.o $(BUILD)/libchancery.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/libchancery.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libchancery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libchancery.a $(LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libchancery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O3 -o $@ $< $(BUILD)/libchancery.a $(LIBS)

check: $(BUILD)/chancery chancery.1 $(UNIT_BIN)
	@BUILD=$(BUILD) CHANCERY=$(CURDIR)/$(BUILD)/chancery scripts/run-tests.sh

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" check

valgrind: $(BUILD)/chancery $(UNIT_BIN)
	@BUILD=$(BUILD) CHANCERY=$(CURDIR)/$(BUILD)/chancery \
	  VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	  scripts/run-tests.sh

lint:
	scripts/check-layers.sh
	clang-format --style=file:style/clang-format --dry-run -Werror src/*.c src/*/*.[ch] tests/unit/*.c bench/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --suppress=missingIncludeSystem --inline-suppr -Isrc src
	clang-tidy --quiet $(LIB_SRC) src/main.c -- $(CFLAGS_ALL)

demo: chancery
	./chancery demo

# libFuzzer harnesses (tests/fuzz/), built with clang; FUZZ_TIME seconds
# each. New inputs go to $(BUILD)/fuzz/, the seeds stay as they are.
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	-Isrc $(shell pkg-config --cflags $(PKGS)) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(BUILD)/fuzz/fuzz-image: tests/fuzz/fuzz-image.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(LIBS)

fuzz-image: $(BUILD)/fuzz/fuzz-image
	@mkdir -p $(BUILD)/fuzz/image
	$< -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 $(BUILD)/fuzz/image tests/fuzz/image

bench: chancery $(BENCH_BIN)
	scripts/bench.sh

install: chancery chancery.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/chancery \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 chancery $(DESTDIR)$(PREFIX)/bin/chancery
	install -m 644 chancery.1 $(DESTDIR)$(PREFIX)/share/man/man1/chancery.1
	cp -r data/. $(DESTDIR)$(PREFIX)/share/chancery/

clean:
	rm -rf build build-asan chancery chancery.1

.PHONY: all check asan valgrind lint demo bench install clean fuzz-image
-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
