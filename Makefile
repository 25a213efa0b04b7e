# kpipes: small C programs that turn Kafka stream processing into Unix pipelines.
#
#   make              optimised build into bin/
#   make SAN=1        AddressSanitizer + UBSan build into build/san/bin/
#   make test         sanitizer build, C unit tests, the fuzzers' build, then the
#                     bats suite on the embedded broker and on a real Apache Kafka
#   make fuzz         the libFuzzer harnesses (clang) into build/fuzz/
#   make install      PREFIX=/usr/local DESTDIR= (programs and man pages)
#   make librdkafka   librdkafka 2.12.0 from source (tests/librdkafka.sh), linked
#                     in from then on instead of the system's

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers
# librdkafka: the 2.12.0 that tests/librdkafka.sh builds into
# build/deps/librdkafka (static), or else the system's (Debian 12: 2.0.2,
# whose consumers stall a second at a time when a pipe is slower than the
# broker; see kin(1)). libjq 1.6 ships no pkg-config file; it needs oniguruma.
RDKAFKA_DIR ?= build/deps/librdkafka
RDKAFKA_STAMP = $(wildcard $(RDKAFKA_DIR)/.kpipes-*)
ifneq ($(RDKAFKA_STAMP),)
RDKAFKA_CFLAGS = -isystem $(RDKAFKA_DIR)/include
RDKAFKA_LIBS = $(RDKAFKA_DIR)/lib/librdkafka.a \
	$(shell PKG_CONFIG_PATH=$(RDKAFKA_DIR)/lib/pkgconfig pkg-config --static --libs-only-l rdkafka | sed 's/-lrdkafka//')
endif
SYS_RDKAFKA_LIBS = $(shell pkg-config --libs rdkafka 2>/dev/null || echo -lrdkafka)
RDKAFKA_LIBS ?= $(SYS_RDKAFKA_LIBS)
LIBS	 = $(RDKAFKA_LIBS) -ljq -lonig -lm -lpthread
# kbroker stays on the system's librdkafka: its mock cluster is the one
# kbroker(1) describes (2.0.2's; 2.12's differs, e.g. in auto-creation).
libs_kbroker = $(SYS_RDKAFKA_LIBS) -ljq -lonig -lm -lpthread
libs_of	 = $(if $(libs_$(1)),$(libs_$(1)),$(LIBS))

# SAN=1 adds the sanitizers to CFLAGS; its default optimisation (-O1) is
# used only when the user gave no CFLAGS.
ifeq ($(SAN),1)
BUILD	 = build/san
BIN	 = build/san/bin
ifeq ($(origin CFLAGS),file)
CFLAGS	 = -O1 -g
endif
SANFLAGS = -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
else
BUILD	 = build/opt
BIN	 = bin
endif

# (and compiled with that librdkafka's header)
$(BUILD)/kbroker/%.o: RDKAFKA_CFLAGS =

# The programs, each built into $(BIN) from the .c files of its folder
# under src/ and the library: src/kcat-in -> kin, src/kcat-out -> kout,
# and src/NAME -> NAME for ktopic, kbroker, mockgen, strategy, wjoin and
# wagg; src/lib -> libkp.a, linked into each (README, Layout).
PROGS	 = kin kout ktopic kbroker mockgen strategy wjoin wagg
dir_kin	 = kcat-in
dir_kout = kcat-out
dir_of	 = $(if $(dir_$(1)),$(dir_$(1)),$(1))

LIB_SRC	 = $(wildcard src/lib/*.c)
LIB_OBJ	 = $(LIB_SRC:src/%.c=$(BUILD)/%.o)
LIBKP	 = $(BUILD)/libkp.a

BUILT	 = $(foreach p,$(PROGS),$(if $(wildcard src/$(call dir_of,$(p))/main.c),$(p)))

UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

MANS	 = $(wildcard man/*.1 man/*.7)

.PHONY: all san test test-embedded test-real unit unit-run lint install uninstall clean demo bench librdkafka fuzz
all: $(addprefix $(BIN)/,$(BUILT))

# Header dependencies come from -MMD's .d files (included at the end).
$(BUILD)/%.o: src/%.c $(RDKAFKA_STAMP)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) $(RDKAFKA_CFLAGS) -Isrc/lib -MMD -MP -c -o $@ $<

$(LIBKP): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

define prog_rule
$(BIN)/$(1): $(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/$(call dir_of,$(1))/*.c)) $(LIBKP)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(call libs_of,$(1))
endef
$(foreach p,$(BUILT),$(eval $(call prog_rule,$(p))))

# Each tool's own files but main.c, in an archive, so a unit test links only
# the objects it uses.
TOOL_DIRS = $(sort $(foreach p,$(BUILT),$(call dir_of,$(p))))
tool_objs = $(filter-out %/main.o,$(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/$(1)/*.c)))
TOOL_LIBS = $(foreach d,$(TOOL_DIRS),$(if $(call tool_objs,$(d)),$(BUILD)/lib$(d).a))

define tool_lib_rule
$(BUILD)/lib$(1).a: $(call tool_objs,$(1))
	rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach d,$(TOOL_DIRS),$(eval $(call tool_lib_rule,$(d))))

$(BUILD)/unit/%: tests/unit/%.c $(TOOL_LIBS) $(LIBKP)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) $(RDKAFKA_CFLAGS) -Isrc/lib -Isrc $(LDFLAGS) -o $@ $< \
	    $(TOOL_LIBS) $(LIBKP) $(LIBS)

san:
	$(MAKE) SAN=1

unit:
	$(MAKE) SAN=1 unit-run

# LeakSanitizer on, as in the bats suite (tests/test_helper.bash).
unit-run: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "# $$t"; \
	    ASAN_OPTIONS="$${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
	    LSAN_OPTIONS="$${LSAN_OPTIONS:-suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0:exitcode=23}" \
	    $$t; done

# libFuzzer harnesses (tests/fuzz/*.c), built with clang and the sanitizers:
# make fuzz, then tests/fuzz/run [SECONDS] [TARGET...]. The library and the
# join's and strategy's own files are compiled again for them.
FUZZ_CC	 ?= clang
FUZZ_SAN = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ = $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC) \
	$(filter-out %/main.c,$(wildcard src/wjoin/*.c src/strategy/*.c)))

build/fuzz/obj/%.o: src/%.c $(RDKAFKA_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(RDKAFKA_CFLAGS) -Isrc/lib -MMD -MP -c -o $@ $<

build/fuzz/libfuzzkp.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h build/fuzz/libfuzzkp.a
	$(FUZZ_CC) $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer $(RDKAFKA_CFLAGS) -Isrc/lib -Isrc/wjoin -Isrc/strategy \
	    -o $@ $< build/fuzz/libfuzzkp.a $(LIBS)

fuzz: $(FUZZ_BIN)

# The suite runs the sanitizer build; tests/run starts the brokers.
test:
	$(MAKE) SAN=1 all unit-run
	$(MAKE) fuzz
	tests/run all

test-embedded:
	$(MAKE) SAN=1 all
	$(MAKE) fuzz
	tests/run embedded

test-real:
	$(MAKE) SAN=1 all
	tests/run real

lint:
	mandoc -Tlint -W warning $(MANS)
	shellcheck bin/kpipes bin/kpipes-supervise bin/kpipes-demo

# The demo first checks (and, when it may, installs) what the build needs,
# then builds: a missing package is named, not left to a compiler error.
demo:
	bin/kpipes-demo

bench: all
	bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(addprefix bin/,$(BUILT)) bin/kpipes bin/kpipes-supervise $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	$(if $(wildcard man/*.7),install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(BUILT) kpipes kpipes-supervise)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))

# librdkafka 2.12.0 from source, into build/deps (kept by make clean).
librdkafka:
	tests/librdkafka.sh

clean:
	rm -rf build/opt build/san build/fuzz $(addprefix bin/,$(PROGS))

# Headers that moved to src/lib: dependency files of an older build may
# still name them (-MP covers those written from now on).
src/wjoin/record.h src/wjoin/watermark.h:

-include $(shell find build -name '*.d' 2>/dev/null)
