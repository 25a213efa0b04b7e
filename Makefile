# kpipes: small C programs that turn Kafka stream processing into Unix pipelines.
#
#   make              optimised build into bin/
#   make SAN=1        AddressSanitizer + UBSan build into build/san/bin/
#   make test         sanitizer build, C unit tests, then the bats suite on the
#                     embedded broker and on a real Apache Kafka
#   make install      PREFIX=/usr/local DESTDIR= (programs and man pages)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers
# libjq 1.6 ships no pkg-config file; it needs oniguruma.
LIBS	 = $(shell pkg-config --libs rdkafka 2>/dev/null || echo -lrdkafka) -ljq -lonig -lm -lpthread

ifeq ($(SAN),1)
BUILD	 = build/san
BIN	 = build/san/bin
CFLAGS	 = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
else
BUILD	 = build/opt
BIN	 = bin
endif

# Each program: its directory under src/ and its name.
PROGS	 = kin kout ktopic kbroker mockgen strategy wjoin
dir_kin	 = kcat-in
dir_kout = kcat-out
dir_of	 = $(if $(dir_$(1)),$(dir_$(1)),$(1))

LIB_SRC	 = $(wildcard src/lib/*.c)
LIB_OBJ	 = $(LIB_SRC:src/%.c=$(BUILD)/%.o)
LIBKP	 = $(BUILD)/libkp.a

# Programs whose sources exist (lets the tree grow one tool at a time).
BUILT	 = $(foreach p,$(PROGS),$(if $(wildcard src/$(call dir_of,$(p))/main.c),$(p)))

UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

MANS	 = $(wildcard man/*.1 man/*.7)

.PHONY: all san test test-embedded test-real unit lint install uninstall clean demo bench
all: $(addprefix $(BIN)/,$(BUILT))

$(BUILD)/%.o: src/%.c $(wildcard src/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Isrc/lib -MMD -c -o $@ $<

$(LIBKP): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

define prog_rule
$(BIN)/$(1): $(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/$(call dir_of,$(1))/*.c)) $(LIBKP)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)
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
	$(CC) $(WARN) $(CFLAGS) -Isrc/lib -Isrc $(LDFLAGS) -o $@ $< \
	    $(TOOL_LIBS) $(LIBKP) $(LIBS)

san:
	$(MAKE) SAN=1

unit:
	$(MAKE) SAN=1 unit-run

unit-run: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "# $$t"; $$t; done

# The suite runs the sanitizer build; tests/run starts the brokers.
test:
	$(MAKE) SAN=1 all unit-run
	tests/run all

test-embedded:
	$(MAKE) SAN=1 all
	tests/run embedded

test-real:
	$(MAKE) SAN=1 all
	tests/run real

lint:
	mandoc -Tlint -W warning $(MANS)
	shellcheck bin/kpipes bin/kpipes-demo

# The demo first checks (and, when it may, installs) what the build needs,
# then builds: a missing package is named, not left to a compiler error.
demo:
	bin/kpipes-demo

bench: all
	bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(addprefix bin/,$(BUILT)) bin/kpipes $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	$(if $(wildcard man/*.7),install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(BUILT) kpipes)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))

clean:
	rm -rf build $(addprefix bin/,$(PROGS))

-include $(shell find build -name '*.d' 2>/dev/null)
