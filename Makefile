# Halyard: one non-recursive GNU Makefile.
#
#   make            build every library, service and unit test
#   make run        install what is missing, build, start the stack on loopback
#   make test       install what is missing, build, run unit + integration tests
#   make unit       cmocka unit tests only (built with ASan/UBSan)
#   make fuzz       libFuzzer targets (clang), a short run each
#   make bench      benchmarks under tests/bench (print figures)
#
# Layout: common/*.c -> libacs.a; services/<svc>/*.c (minus main.c) -> lib<svc>.a,
# main.c + that archive + libacs.a -> build/bin/<svc>; tests/unit/test_*.c link
# libacs.a, tests/unit/<svc>/test_*.c link lib<svc>.a + libacs.a.

BUILD ?= build
CC ?= cc
PKGS := libevent libevent_pthreads librabbitmq libxml-2.0 jansson libpq libcrypto zlib

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT ?= -O2
SAN ?=
SANITIZERS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SANFLAGS := $(if $(SAN),$(SANITIZERS))
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	$(OPT) -g -pthread -Icommon $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL := -pthread $(SANFLAGS) $(LDFLAGS)
LDLIBS_ALL := $(PKG_LIBS) -lm $(LDLIBS)

SERVICES := $(notdir $(wildcard services/*))

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIBACS := $(BUILD)/libacs.a

# Per-service archive (every .c but main.c) and binary.
svc_src = $(filter-out services/$(1)/main.c,$(wildcard services/$(1)/*.c))
svc_obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(call svc_src,$(1)))
svc_lib = $(BUILD)/lib$(1).a
BINS := $(SERVICES:%=$(BUILD)/bin/%)

UNIT_SRC := $(wildcard tests/unit/test_*.c) $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

DEPS := $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

.PHONY: all bins unit test run fuzz bench clean format deps stack-stop integration
.DEFAULT_GOAL := all

all: bins $(UNIT_BINS)

bins: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(LIBACS): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define SERVICE_RULES
$(call svc_lib,$(1)): $(call svc_obj,$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$(BUILD)/bin/$(1): $(BUILD)/obj/services/$(1)/main.o $(call svc_lib,$(1)) $(LIBACS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $$^ $$(LDLIBS_ALL)
$(BUILD)/tests/$(1)/%: tests/unit/$(1)/%.c $(call svc_lib,$(1)) $(LIBACS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) -Iservices/$(1) -o $$@ $$^ $$(LDFLAGS_ALL) $$(LDLIBS_ALL) -lcmocka
endef
$(foreach s,$(SERVICES),$(eval $(call SERVICE_RULES,$(s))))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIBACS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LDLIBS_ALL) -lcmocka

# Unit tests run under AddressSanitizer and UBSan in their own build tree.
unit:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 build/asan/unit-stamp
build/asan/unit-stamp: $(UNIT_BINS)
	@tests/unit/run.sh $(UNIT_BINS)

deps:
	@deploy/local/deps.sh

run: deps
	@$(MAKE) --no-print-directory bins
	@deploy/local/run.sh

test: deps
	@$(MAKE) --no-print-directory bins
	@tests/run-all.sh

integration: bins
	@cd tests/integration && /usr/bin/python3 -m pytest -q -ra

fuzz:
	@tests/fuzz/run.sh

bench: bins
	@tests/bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(DEPS)
