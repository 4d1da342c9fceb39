# chancery: a plain GNU Makefile with pkg-config (as Redis and git build).
#   make            build ./chancery
#   make check      unit, rule and command tests; ends "N passed, N failed"
#   make check-pg   the command tests against PostgreSQL (a throwaway cluster)
#   make asan       the same tests under ASan+UBSan, no recovery
#   make valgrind   the same tests under valgrind
#   make lint       layer check, clang-format, clang-tidy, cppcheck
#   make demo       load the demo registry, print the tour and the web
#                   interface's demo accounts
#   make bench      the benchmarks of bench/
#   make bench-pg   import into PostgreSQL beside psql \copy and SQLite
#   make fuzz       the libFuzzer harnesses tests/fuzz/fuzz-*.c, built with
#                   clang into build-fuzz/; FUZZ_SECONDS=N runs each for N s
# DEVELOPER=1 (set by .ci/run) adds -Werror.

PREFIX ?= /usr/local
CC ?= cc
PKGS = sqlite3 libpq jansson libsodium nettle gsl libmicrohttpd
OPT ?= -O2 -g
# Error messages are cut at ERR_MSG_MAX on purpose, so truncation is no bug.
WARN = -Wno-format-truncation -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) \
	$(WARN) -Isrc $(shell pkg-config --cflags $(PKGS)) $(SANITIZE) $(CFLAGS)
# libpq and libmicrohttpd are not linked but loaded when first used
# (src/store/pq_load.c, src/http/mhd_load.c).
LINK_PKGS = $(filter-out libpq libmicrohttpd,$(PKGS))
LIBS = $(shell pkg-config --libs $(LINK_PKGS)) -lcsv -lm -lpthread -ldl
LDFLAGS_ALL = $(SANITIZE) $(LDFLAGS)

BUILD ?= build
LIB_SRC = $(sort $(filter-out src/main.c,$(wildcard src/*/*.c)))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o
# The web pages' style sheet and script, compiled in (scripts/embed-web.sh),
# and the scenarios the "forecasts compared" page offers.
WEB_FILES = web/style.css web/app.js $(sort $(wildcard data/demo/scenarios/*.json))
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

$(BUILD)/gen/web_assets.c: $(WEB_FILES) scripts/embed-web.sh
	@mkdir -p $(dir $@)
	scripts/embed-web.sh $@ $(WEB_FILES)

$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libchancery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libchancery.a $(LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libchancery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O3 -o $@ $< $(BUILD)/libchancery.a $(LIBS)

check: $(BUILD)/chancery chancery.1 $(UNIT_BIN)
	@BUILD=$(BUILD) CHANCERY=$(CURDIR)/$(BUILD)/chancery scripts/run-tests.sh

# The command tests against PostgreSQL, on a cluster that tests/pg/run.sh
# makes with initdb in a temporary folder and removes after.
check-pg: $(BUILD)/chancery
	@CHANCERY=$(CURDIR)/$(BUILD)/chancery tests/pg/run.sh

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
	scripts/demo-accounts.sh

bench: chancery $(BENCH_BIN)
	scripts/bench.sh

bench-pg: $(BUILD)/chancery $(BUILD)/bench/gen-world $(BUILD)/bench/bench-registry
	BUILD=$(BUILD) scripts/bench-pg.sh

install: chancery chancery.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/chancery \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 chancery $(DESTDIR)$(PREFIX)/bin/chancery
	install -m 644 chancery.1 $(DESTDIR)$(PREFIX)/share/man/man1/chancery.1
	cp -r data/. $(DESTDIR)$(PREFIX)/share/chancery/

clean:
	rm -rf build build-asan build-fuzz chancery chancery.1

# Fuzzing: each tests/fuzz/fuzz-NAME.c is a libFuzzer harness, linked with
# the library built by clang with ASan and UBSan; its seeds are in
# tests/fuzz/NAME/, and what it finds goes to build-fuzz/corpus/NAME/.
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?=
FUZZ_SANITIZE = -fsanitize=address,undefined,fuzzer-no-link \
	-fno-sanitize-recover=all -fno-omit-frame-pointer

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SANITIZE="$(FUZZ_SANITIZE)" \
	  CFLAGS="$(CFLAGS) -Wno-unknown-warning-option" fuzz-bins
	@if [ -n "$(FUZZ_SECONDS)" ]; then set -e; \
	  for h in $(FUZZ_SRC:tests/fuzz/%.c=%); do \
	    name=$${h#fuzz-}; mkdir -p build-fuzz/corpus/$$name; \
	    echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	    build-fuzz/fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -artifact_prefix=build-fuzz/ build-fuzz/corpus/$$name tests/fuzz/$$name \
	      2>build-fuzz/$$h.log || { tail -n 40 build-fuzz/$$h.log; exit 1; }; \
	    grep -h "stat::number_of_executed_units" build-fuzz/$$h.log; \
	  done; fi

fuzz-bins: $(FUZZ_BIN)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libchancery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DFUZZ_TOP='"$(CURDIR)"' -fsanitize=fuzzer -o $@ $< \
	  $(BUILD)/libchancery.a $(LIBS)

.PHONY: all check check-pg asan bench-pg valgrind lint demo bench install clean fuzz fuzz-bins
-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
