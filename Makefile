# SPDX-License-Identifier: BSD-3-Clause
# pam_jail - see README.md.  `make check` is the one test command.
PREFIX        ?= /usr
SBINDIR       ?= $(PREFIX)/sbin
LIBEXECDIR    ?= $(PREFIX)/libexec/pam_jail
SYSCONFDIR    ?= /etc
MANDIR        ?= $(PREFIX)/share/man
MULTIARCH     := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null)
PAMDIR        ?= /lib/$(MULTIARCH)/security
DESTDIR       ?=

CC            ?= cc
BUILD         ?= build
# The jail's pid 1 helper; the module execs it by absolute path.
INIT_PATH     ?= $(LIBEXECDIR)/jail-init

WARN      := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
             -Wformat=2 -Wcast-qual -Wwrite-strings -Wno-format-nonliteral -Werror
HARDEN    := -fstack-protector-strong -fstack-clash-protection -fcf-protection \
             -D_FORTIFY_SOURCE=2 -fPIC
OPT       ?= -O2 -g
CFLAGS    ?=
LDFLAGS   ?=
ALL_CFLAGS  = -std=gnu11 $(OPT) $(WARN) $(HARDEN) $(SANITIZE) -D_GNU_SOURCE \
              -I. -DJC_INIT_PATH='"$(INIT_PATH)"' $(CFLAGS)
ALL_LDFLAGS = -Wl,-z,relro,-z,now -Wl,--as-needed $(SANITIZE) $(LDFLAGS)
LIBS        = -liniparser $(shell pkg-config --libs libcap libseccomp 2>/dev/null || echo -lcap -lseccomp)

CORE_SRC  := $(wildcard jailcore/*/*.c)
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

MODULE    := $(BUILD)/pam_jail.so
CORE      := $(BUILD)/pam_jail-core.so
INIT_BIN  := $(BUILD)/jail-init
DRIVER    := $(BUILD)/tests/pamdriver
JAILCTL   := $(BUILD)/jailctl
CTL_OBJ   := $(BUILD)/jailctl.o $(BUILD)/jailctl_tree.o $(BUILD)/jailctl_create.o \
             $(BUILD)/jailctl_pam.o $(BUILD)/jailctl_run.o $(BUILD)/jailctl_show.o $(BUILD)/jailctl_ids.o \
             $(BUILD)/jailctl_out.o $(BUILD)/jailctl_check.o $(BUILD)/jailctl_pty.o \
             $(BUILD)/jailctl_risks.o
MANPAGES  := docs/pam_jail.8 docs/pam_jail.conf.5 docs/jailctl.8

all: $(MODULE) $(INIT_BIN) $(DRIVER) $(UNIT_BIN) $(JAILCTL)

$(BUILD)/%.o: %.c $(wildcard jailcore/*/*.h) pam_jail.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libjailcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The door (pam_jail.c): only pam_sm_* are exported (pam_jail.map), and
# it links libc and libpam only -- the linker takes from libjailcore.a just
# the few objects it calls (account, config index, log); a login it cannot
# answer loads the core next to it, which has everything.
$(MODULE): $(BUILD)/pam_jail.o $(BUILD)/libjailcore.a pam_jail.map $(CORE)
	$(CC) -shared -o $@ $(BUILD)/pam_jail.o $(BUILD)/libjailcore.a \
	    -Wl,--version-script=pam_jail.map $(ALL_LDFLAGS) -lpam

$(CORE): $(BUILD)/pam_jail_core.o $(BUILD)/libjailcore.a pam_jail_core.map
	$(CC) -shared -o $@ $(BUILD)/pam_jail_core.o $(BUILD)/libjailcore.a \
	    -Wl,--version-script=pam_jail_core.map $(ALL_LDFLAGS) -lpam $(LIBS)

# pid 1 of every jail: static, libc only, so it can be exec'd from an fd
# after the pivot whatever the jail tree holds.  It parses what jailed
# users send to /dev/log: the module's hardening, as a static PIE
# (tests/e2e/52-edges.sh reads the flags back with readelf).
INIT_HARDEN := $(filter-out -fPIC,$(HARDEN)) -fPIE
$(INIT_BIN): jail-init.c jailcore/40-session/proto.c jailcore/40-session/proto.h \
	    jailcore/90-support/cleanup.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(OPT) $(WARN) $(INIT_HARDEN) -D_GNU_SOURCE $(CFLAGS) \
	    -static-pie -Wl,-z,relro,-z,now -o $@ jail-init.c jailcore/40-session/proto.c

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libjailcore.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libjailcore.a $(ALL_LDFLAGS) $(LIBS)

# The administrator's tool (jailctl(8)), on the same jailcore.
$(CTL_OBJ): jailctl.h
$(JAILCTL): $(CTL_OBJ) $(BUILD)/libjailcore.a
	$(CC) -o $@ $(CTL_OBJ) $(BUILD)/libjailcore.a $(ALL_LDFLAGS) $(LIBS)

$(DRIVER): tests/pamdriver.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -lpam

# `make demo` and `make check` are the README's first two commands on a
# fresh machine: what tests/deps.txt lists and is missing is installed
# first (no network when nothing is missing), then everything is built.
deps:
	tests/install-deps.sh --missing </dev/null

check: deps
	$(MAKE) all
	MODULE=$(abspath $(MODULE)) INIT=$(abspath $(INIT_BIN)) BUILD=$(abspath $(BUILD)) \
	    tests/run-all.sh

# Each e2e file fails when the assertion its "# central:" header names is
# inverted (RIG_SELFTEST=invert, tests/lib.sh).  Not part of check: it runs
# the e2e suite once more.  SELFTEST_FILES=tests/e2e/10-core-pam.sh for one.
SELFTEST_FILES ?=
selftest: all
	MODULE=$(abspath $(MODULE)) INIT=$(abspath $(INIT_BIN)) BUILD=$(abspath $(BUILD)) \
	    tests/run-all.sh --selftest $(SELFTEST_FILES)

# The module and tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SANITIZE='-fsanitize=address,undefined -fno-sanitize-recover=all' all

# tests/e2e/05-install.sh checks the file list, the modes and uninstall.
CONFDIR   = $(DESTDIR)$(SYSCONFDIR)/security
# systemd hosts: jailed users get no user manager (README, "systemd hosts")
UNITDROPIN = $(DESTDIR)$(PREFIX)/lib/systemd/system/user@.service.d

install: $(MODULE) $(CORE) $(INIT_BIN) $(JAILCTL)
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SBINDIR) \
	    $(CONFDIR) $(CONFDIR)/pam_jail.d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MODULE) $(DESTDIR)$(PAMDIR)/pam_jail.so
	install -m 0644 $(CORE) $(DESTDIR)$(PAMDIR)/pam_jail-core.so
	install -m 0755 $(INIT_BIN) $(DESTDIR)$(LIBEXECDIR)/jail-init
	install -m 0755 $(JAILCTL) $(DESTDIR)$(SBINDIR)/jailctl
	install -m 0644 docs/pam_jail.conf.5 $(DESTDIR)$(MANDIR)/man5/pam_jail.conf.5
	install -m 0644 docs/pam_jail.8 docs/jailctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(UNITDROPIN)
	install -m 0644 conf/systemd/user@.service.d/pam_jail.conf $(UNITDROPIN)/pam_jail.conf
	[ -e $(CONFDIR)/pam_jail.conf ] || \
	    install -m 0644 conf/pam_jail.conf $(CONFDIR)/pam_jail.conf

# The config goes only while it is still the untouched example.
uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_jail.so $(DESTDIR)$(PAMDIR)/pam_jail-core.so \
	    $(DESTDIR)$(LIBEXECDIR)/jail-init \
	    $(DESTDIR)$(SBINDIR)/jailctl $(DESTDIR)$(MANDIR)/man5/pam_jail.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/pam_jail.8 $(DESTDIR)$(MANDIR)/man8/jailctl.8 \
	    $(UNITDROPIN)/pam_jail.conf
	if cmp -s conf/pam_jail.conf $(CONFDIR)/pam_jail.conf; then \
	    rm -f $(CONFDIR)/pam_jail.conf; \
	elif [ -e $(CONFDIR)/pam_jail.conf ]; then \
	    echo "uninstall: keeping $(CONFDIR)/pam_jail.conf (not the example)"; fi
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(CONFDIR)/pam_jail.d $(UNITDROPIN) 2>/dev/null

# The man pages render without a single groff warning (-ww), with man(1)
# too when it is installed.
man: $(MANPAGES)
	@for m in $(MANPAGES); do \
	    out=$$(groff -man -Tutf8 -ww -z $$m 2>&1) || { echo "$$m: groff failed"; exit 1; }; \
	    out2=; if command -v man >/dev/null; then \
	        out2=$$(MANWIDTH=80 man --warnings -E UTF-8 -l $$m 2>&1 >/dev/null); fi; \
	    [ -z "$$out$$out2" ] || { echo "$$m:"; printf '%s\n' "$$out" "$$out2"; exit 1; }; \
	    echo "$$m: ok"; \
	done

demo: deps
	$(MAKE) all
	tests/demo.sh

# ---- static analysis: zero reports or the target fails ----------------------
# scan-build (clang-tools) builds the module, jailctl and jail-init from
# scratch; gcc -fanalyzer then reads the same sources with the build's
# flags (-Werror).  err.h explains how a false report is silenced.  .ci/run
# runs it (tests/run-all.sh ANALYZE=1), as does `make analyze`.
# scan-build leaves memory errors (unix.Malloc: leaks, double frees, use
# after free) to gcc -fanalyzer: clang's analyzer does not run the
# functions of __attribute__((cleanup)) (bugs.llvm.org 3888, still so in
# clang 21: llvm/llvm-project#160527), and took every cleanup_free
# variable (jailcore/90-support/cleanup.h) for a leak; gcc lowers the
# attribute to a try/finally, which -fanalyzer follows.
ANALYZE_DIR := $(BUILD)-analyze
ANALYZE_SRC := $(CORE_SRC) pam_jail.c pam_jail_core.c $(CTL_OBJ:$(BUILD)/%.o=%.c) jail-init.c
analyze:
	rm -rf $(ANALYZE_DIR)
	scan-build --status-bugs -disable-checker unix.Malloc \
	    -o $(ANALYZE_DIR)/reports $(MAKE) -s \
	    BUILD=$(ANALYZE_DIR)/sb $(ANALYZE_DIR)/sb/pam_jail.so \
	    $(ANALYZE_DIR)/sb/jailctl $(ANALYZE_DIR)/sb/jail-init
	for f in $(ANALYZE_SRC); do \
	    $(CC) $(ALL_CFLAGS) -fanalyzer -c -o /dev/null $$f || exit 1; done
	rm -rf $(ANALYZE_DIR)
	@echo "analyze: no reports"

clean:
	rm -rf build build-asan build-analyze

.PHONY: all deps check selftest asan install uninstall man demo analyze clean

# ---- fuzzing the config loader (clang + libFuzzer) ------------------------
# `make fuzz` fuzzes for FUZZ_SECONDS on a copy of the corpus (nothing is
# written into the tree; crash inputs land in $(FUZZ_BUILD)/crashes and are
# dumped to the console).  `make fuzz-regress` replays the saved corpus and
# runs a short fixed-seed pass.
FUZZ_CC      ?= $(shell command -v clang-14 || command -v clang || echo clang)
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CORPUS  := tests/fuzz/corpus
FUZZ_BIN     := $(FUZZ_BUILD)/fuzz_config
FUZZ_SRC     := tests/fuzz/fuzz_config.c $(wildcard jailcore/20-config/*.c) \
                jailcore/90-support/err.c jailcore/90-support/paths.c jailcore/60-confine/seccomp.c
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARN) \
                -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all
FUZZ_FLAGS   ?= -max_len=16384 -timeout=10 -dict=tests/fuzz/config.dict \
                -print_final_stats=1
FUZZ_CRASHES  = for f in $(FUZZ_BUILD)/crashes/*; do [ -f "$$f" ] || continue; \
                echo "== crash reproducer $$f:"; od -An -c "$$f" | head -40; done

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard jailcore/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS) -o $@ $(FUZZ_SRC) -liniparser -lseccomp -lcap

fuzz: $(FUZZ_BIN)
	rm -rf $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/crashes
	mkdir -p $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/crashes
	cp $(FUZZ_CORPUS)/* $(FUZZ_BUILD)/corpus/
	$(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/ $(FUZZ_BUILD)/corpus \
	    || { $(FUZZ_CRASHES); exit 1; }

fuzz-regress: $(FUZZ_BIN)
	rm -rf $(FUZZ_BUILD)/regress $(FUZZ_BUILD)/crashes
	mkdir -p $(FUZZ_BUILD)/regress $(FUZZ_BUILD)/crashes
	$(FUZZ_BIN) $(FUZZ_FLAGS) -artifact_prefix=$(FUZZ_BUILD)/crashes/ \
	    $(FUZZ_CORPUS)/* || { $(FUZZ_CRASHES); exit 1; }
	cp $(FUZZ_CORPUS)/* $(FUZZ_BUILD)/regress/
	$(FUZZ_BIN) $(FUZZ_FLAGS) -seed=1 -runs=20000 \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/ $(FUZZ_BUILD)/regress \
	    || { $(FUZZ_CRASHES); exit 1; }

clean-fuzz:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz fuzz-regress clean-fuzz

# ---- benchmarks (not part of check or CI) ---------------------------------
# `make bench` installs bench/deps.txt (bubblewrap, valgrind), measures in
# the rig and writes docs/BENCHMARKS.md.  Knobs: BENCH_RUNS etc., see
# bench/run.sh.
BENCH_BIN := $(BUILD)/bench/pambench $(BUILD)/bench/floor $(BUILD)/bench/cfgprof \
             $(BUILD)/bench/phasetrace.so

$(BUILD)/bench/pambench: bench/pambench.c bench/floor.c bench/floor.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFLOOR_NO_MAIN -o $@ bench/pambench.c bench/floor.c \
	    $(ALL_LDFLAGS) -lpam

$(BUILD)/bench/floor: bench/floor.c bench/floor.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ bench/floor.c $(ALL_LDFLAGS)

$(BUILD)/bench/cfgprof: bench/cfgprof.c $(BUILD)/libjailcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libjailcore.a $(ALL_LDFLAGS) $(LIBS)

# LD_PRELOAD timer for the profile; it defines libc's names, so not -Werror
# with -Wmissing-prototypes.
$(BUILD)/bench/phasetrace.so: bench/phasetrace.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -fPIC -shared -o $@ $< -ldl

bench-build: all $(BENCH_BIN)

bench: bench-deps
	$(MAKE) bench-build
	BUILD=$(abspath $(BUILD)) bench/run.sh

bench-deps:
	bench/install-deps.sh

.PHONY: bench bench-build bench-deps
