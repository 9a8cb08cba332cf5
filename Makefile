# credtriage build. Everything goes through pkg-config. The Debian packages are
# listed by purpose in scripts/deps.sh, which installs the missing ones (apt-get
# as root, else it names them): `make run` needs the demo's, `make test` the
# tests', `make deps` installs every one. On a fresh machine: sh setup.sh demo|test.
VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
CC         ?= cc
PKGS       := ncursesw libcjson libgit2 libssh2 md4c zlib libpcre2-8 libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS:= $(shell pkg-config --libs cmocka 2>/dev/null)

SAN        ?=
OPT        ?= -O2 -g
CFLAGS     ?=
CT_CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc $(PKG_CFLAGS) \
              -DCT_VERSION='"$(VERSION)"' -DCT_DATADIR='"$(PREFIX)/share/credtriage"' $(SAN) $(CFLAGS)
LDFLAGS    += $(SAN)
LDLIBS     += $(PKG_LIBS) -lpthread -lm

# core library: src/*.c (no curses, nothing of the CLI or ui/); the command-line
# front end: src/cli/ (main and the sub-commands) and the console: ui/.
CLI_SRC    := $(wildcard src/cli/*.c)
CORE_SRC   := $(wildcard src/*.c)
UI_SRC     := $(wildcard ui/*.c)
CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(UI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB        := $(BUILD)/libcredtriage.a
BIN        := $(BUILD)/credtriage

.PHONY: all deps test unit e2e run install uninstall clean bench fuzz asan valgrind structure world world-check real-check corpus-check
all: $(BIN)

deps:
	@sh scripts/deps.sh test

# only the front end sees the CLI's and the console's headers (tests/structure.sh
# also checks the core's includes)
$(BUILD)/obj/src/cli/%.o: DIR_INC := -Isrc/cli -Iui
$(BUILD)/obj/ui/%.o: DIR_INC := -Iui
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(DIR_INC) -MMD -MP -c $< -o $@

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(CMOCKA_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(CMOCKA_LIBS)

# test_fastscan also compares its fast and full paths over generated records,
# in raw and in ECS form (tests/bench/gen.c, deterministic), and over the
# second corpus's Filebeat shapes, normal, heavy and with every field (gen_filebeat);
# test_esql_fast reads the ES|QL rules' columns of the same files
GEN_FILES  := $(BUILD)/tests/gen10k.raw.ndjson $(BUILD)/tests/gen10k.ecs.ndjson \
              $(BUILD)/tests/fbh10k.ndjson $(BUILD)/tests/fbfull5k.ndjson $(BUILD)/tests/fb5k.ndjson
GEN_FB_SRC := tests/bench/gen_filebeat.c tests/bench/gen_filebeat_doc.c tests/bench/gen_filebeat_ms.c
$(BUILD)/tests/gen_filebeat: $(GEN_FB_SRC) tests/bench/gen_filebeat.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror -o $@ $(GEN_FB_SRC)
$(BUILD)/tests/fbh10k.ndjson: $(BUILD)/tests/gen_filebeat
	$< -n 10000 --heavy > $@ 2>/dev/null
$(BUILD)/tests/fb5k.ndjson: $(BUILD)/tests/gen_filebeat
	$< -n 5000 > $@ 2>/dev/null
$(BUILD)/tests/fbfull5k.ndjson: $(BUILD)/tests/gen_filebeat
	$< -n 5000 --full > $@ 2>/dev/null
$(BUILD)/tests/gen: tests/bench/gen.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror -o $@ $<
$(BUILD)/tests/gen10k.raw.ndjson: $(BUILD)/tests/gen
	$< -n 10000 > $@
$(BUILD)/tests/gen10k.ecs.ndjson: $(BUILD)/tests/gen
	$< -n 10000 --ecs > $@

unit: $(UNIT_BIN) $(GEN_FILES)
	@CT_FASTSCAN_EXTRA=$(subst $(eval) ,:,$(strip $(GEN_FILES))) sh tests/run_unit.sh $(UNIT_BIN)

e2e: $(BIN)
	@sh tests/run_e2e.sh $(BIN)

# The house rules (docs/ARCHITECTURE.md): the core includes nothing of the CLI,
# ui/ or curses; no two core (or CLI) files call each other; no file over 800
# lines. The self-test first plants each fault in a small tree.
structure: $(BIN)
	@sh tests/structure.sh --self-test
	@sh tests/structure.sh $(BUILD)

# deps first, then sub-makes: the pkg-config flags are read after the install
test:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory structure
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory real-check corpus-check
	@CHECK_SPEED=median $(MAKE) --no-print-directory world-check
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz-smoke valgrind

# The same unit and end-to-end tests again under ASan+UBSan, in their own build tree.
asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) --no-print-directory BUILD=build-asan \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  OPT="-O1 -g" unit e2e

# libFuzzer harnesses (tests/fuzz/, clang, build-fuzz/): `make fuzz` fuzzes each for
# FUZZ_SECONDS; `make fuzz-smoke` replays tests/fuzz/regressions/ and fuzzes each briefly.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
.PHONY: fuzz-smoke
fuzz:
	@sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS)
fuzz-smoke:
	@sh tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS)
# A subset under valgrind (definite leaks and memory errors fail), on the plain build.
VALGRIND_TESTS := test_store test_kql test_sanitize test_guide test_rules test_entity test_gitstore_tls
valgrind: $(BIN) $(VALGRIND_TESTS:%=$(BUILD)/tests/%)
	@sh tests/fuzz/valgrind.sh $(BIN) $(VALGRIND_TESTS:%=$(BUILD)/tests/%)

# tests/world: an independent ground truth for correlation (issue #13), written
# from the providers' documentation, not from our parser. `make world-check`
# writes WORLD_N records into WORLD_DIR and judges $(BIN) against the exact
# expected sets and show's time beside scan's (tests/world/README.md). Part of
# `make test` at 200k records (about two minutes: 3 scans, then a scan and a
# show per planted alert; there only the median show/scan ratio is judged,
# CHECK_SPEED=median); WORLD_N=1000000 is the size the issue measures.
WORLD_N    ?= 200000
WORLD_DIR  ?= $(BUILD)/world
$(BUILD)/tests/world: $(wildcard tests/world/*.c tests/world/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) -o $@ $(filter %.c,$^)
world: $(BUILD)/tests/world
	$< -n $(WORLD_N) -o $(WORLD_DIR)
# The held-out corpus of real public records (tests/fixtures/real): per file,
# the events, folds, skips, diagnostics, alerts and fields its records call
# for; rows in tests/fixtures/real/xfail must fail, every other must pass.
real-check: $(BIN)
	@sh tests/fixtures/real/check.sh $(BIN) > $(BUILD)/real-check.out 2>&1; rc=$$?; \
	  tail -n 1 $(BUILD)/real-check.out; \
	  if [ $$rc -ne 0 ]; then cat $(BUILD)/real-check.out; exit 1; fi

# Every sample and fixture: records in (counted by jq) = events + alerts +
# skipped + duplicates, per file (tests/corpus_check.sh).
corpus-check: $(BIN)
	@sh tests/corpus_check.sh $(BIN)

world-check: $(BIN) world
	@sh tests/world/check.sh $(BIN) $(WORLD_DIR)

# the console on the samples, with a new build/demo-repo each time
run:
	@sh scripts/deps.sh demo
	@$(MAKE) --no-print-directory $(BIN)
	@sh scripts/demo.sh $(BIN)

bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(BIN)
	@sh tests/bench/run.sh $(BIN)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/credtriage
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/credtriage
	cp -R rules guides $(DESTDIR)$(PREFIX)/share/credtriage/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/credtriage
	rm -rf $(DESTDIR)$(PREFIX)/share/credtriage

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
