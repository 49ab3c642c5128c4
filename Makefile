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

CORE_SRC  := $(wildcard jailcore/*.c)
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

MODULE    := $(BUILD)/pam_jail.so
INIT_BIN  := $(BUILD)/jail-init
DRIVER    := $(BUILD)/tests/pamdriver

all: $(MODULE) $(INIT_BIN) $(DRIVER) $(UNIT_BIN)

$(BUILD)/%.o: %.c $(wildcard jailcore/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libjailcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Only pam_sm_* are exported (pam_jail.map); jailcore is linked in whole.
$(MODULE): $(BUILD)/pam_jail.o $(BUILD)/libjailcore.a pam_jail.map
	$(CC) -shared -o $@ $(BUILD)/pam_jail.o $(BUILD)/libjailcore.a \
	    -Wl,--version-script=pam_jail.map $(ALL_LDFLAGS) -lpam $(LIBS)

# pid 1 of every jail: static, libc only, so it can be exec'd from an fd
# after the pivot whatever the jail tree holds.
$(INIT_BIN): jail-init.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(OPT) $(WARN) -D_GNU_SOURCE $(CFLAGS) -static -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libjailcore.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libjailcore.a $(ALL_LDFLAGS) $(LIBS)

$(DRIVER): tests/pamdriver.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -lpam

check: all
	MODULE=$(abspath $(MODULE)) INIT=$(abspath $(INIT_BIN)) BUILD=$(abspath $(BUILD)) \
	    tests/run-all.sh

# The module and tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SANITIZE='-fsanitize=address,undefined -fno-sanitize-recover=all' all

install: $(MODULE) $(INIT_BIN)
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSCONFDIR)/security
	install -m 0644 $(MODULE) $(DESTDIR)$(PAMDIR)/pam_jail.so
	install -m 0755 $(INIT_BIN) $(DESTDIR)$(LIBEXECDIR)/jail-init
	[ -e $(DESTDIR)$(SYSCONFDIR)/security/pam_jail.conf ] || \
	    install -m 0644 conf/pam_jail.conf $(DESTDIR)$(SYSCONFDIR)/security/pam_jail.conf

uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_jail.so $(DESTDIR)$(LIBEXECDIR)/jail-init
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

demo: all
	tests/demo.sh

clean:
	rm -rf build build-asan

.PHONY: all check asan install uninstall demo clean
