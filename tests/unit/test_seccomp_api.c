/* SPDX-License-Identifier: BSD-3-Clause */
/* test_seccomp_api.c - unit tests for jailcore/60-confine/seccomp.c (TAP): the names
 * it knows, its default denylist's table, the specs jc_seccomp_install
 * refuses, and jc_seccomp_export.  Filters are installed only in forked
 * children (seccomp_probe.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp.h"
#include "seccomp_probe.h"
#include "tap.h"

/* SPEC in a child: the caller checks that the install was refused. */
static struct res install_fails(const struct jc_seccomp_spec *spec)
{
	return run(spec, NULL, p_seccomp_mode);
}

static long p_install_without_nnp(void)
{
	struct jc_err e = { 0 };

	if (jc_seccomp_install(&dflt, &e) == 0 ||
	    !strstr(e.msg, "no_new_privs is not set")) {
		printf("#   got: %s\n", e.msg);
		return -1;
	}
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : -1;
}

static void test_errors(void)
{
	static char nosuch[] = "nosuch", chroot_[] = "chroot",
		    keyctl[] = "keyctl", bad[] = "key\x01ctl";
	char *l_nosuch[] = { nosuch }, *l_chroot[] = { chroot_ },
	     *l_keyctl[] = { keyctl }, *l_bad[] = { bad };
	struct jc_seccomp_spec s1 = { .deny = l_nosuch, .n_deny = 1 },
			       s2 = { .allow = l_chroot, .n_allow = 1 },
			       s3 = { .allow = l_keyctl,
				      .n_allow = 1,
				      .deny = l_keyctl,
				      .n_deny = 1 },
			       s4 = { .deny = l_bad, .n_deny = 1 },
			       s5 = { .mode = (enum jc_seccomp_mode)7 };
	struct res r;

	r = install_fails(&s1);
	TAP_OK(r.stage == ST_INSTALL &&
		       strcmp(r.msg, "seccomp: unknown system call 'nosuch'") ==
			       0,
	       "unknown deny name refused: %s", r.msg);
	r = install_fails(&s2);
	TAP_OK(r.stage == ST_INSTALL &&
		       strstr(r.msg, "'chroot': not in the default denylist"),
	       "allow of a name not in the denylist refused: %s", r.msg);
	r = install_fails(&s3);
	TAP_OK(r.stage == ST_INSTALL &&
		       strstr(r.msg, "both denied and allowed"),
	       "allow and deny of one name refused: %s", r.msg);
	r = install_fails(&s4);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "(invalid name)"),
	       "control characters never reach the message: %s", r.msg);
	r = install_fails(&s5);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "unknown mode 7"),
	       "unknown mode refused: %s", r.msg);
	works_under(NULL,
		    "install without no_new_privs fails, installs nothing",
		    NULL, p_install_without_nnp);
	TAP_OK(jc_seccomp_install(NULL, NULL) == -1, "NULL spec refused");
}

static void test_names(void)
{
	size_t i;
	int bad = 0;

	TAP_OK(jc_seccomp_check_name("keyctl") == 0 &&
		       jc_seccomp_check_name("chroot") == 0,
	       "check_name: native names");
	TAP_OK(jc_seccomp_check_name("vm86") == 0 &&
		       jc_seccomp_check_name("socketcall") == 0 &&
		       jc_seccomp_check_name("clock_settime64") == 0,
	       "check_name: names of the i386 ABI only");
	TAP_OK(jc_seccomp_check_name("nosuch") < 0 &&
		       jc_seccomp_check_name("") < 0 &&
		       jc_seccomp_check_name(NULL) < 0 &&
		       jc_seccomp_check_name("KEYCTL") < 0 &&
		       jc_seccomp_check_name("keyctl ") < 0 &&
		       jc_seccomp_check_name("arm_fadvise64_64") < 0,
	       "check_name: unknown, empty, NULL, upper-case, other-arch-only");
	for (i = 0; i < jc_seccomp_default_deny_count; i++) {
		const struct jc_seccomp_deny *d = &jc_seccomp_default_deny[i];

		if (jc_seccomp_check_name(d->name) < 0 || !d->why || !d->when ||
		    jc_seccomp_default_find(d->name) != d) {
			printf("#   bad entry %s\n", d->name);
			bad++;
		}
	}
	TAP_OK(bad == 0 && jc_seccomp_default_deny_count >= 50,
	       "default denylist: %zu entries, all known, documented, unique",
	       jc_seccomp_default_deny_count);
	TAP_OK(!jc_seccomp_default_find("chroot") &&
		       !jc_seccomp_default_find("adjtimex") &&
		       !jc_seccomp_default_find("clock_adjtime") &&
		       jc_seccomp_default_find("clone3")->errnum == ENOSYS,
	       "chroot, adjtimex, clock_adjtime allowed; clone3 is ENOSYS");
}

static void test_export(void)
{
	char path[] = "/tmp/test_seccomp_pfc.XXXXXX", buf[65536];
	struct jc_err e = { 0 };
	int fd = mkstemp(path), rc;
	ssize_t n = -1;

	if (fd >= 0) {
		unlink(path);
		rc = jc_seccomp_export(&dflt, fd, &e);
		n = rc == 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	TAP_OK(n > 0 && strstr(buf, "filter for arch x86_64") &&
		       strstr(buf, "filter for arch x86 ") &&
		       strstr(buf, "filter for arch x32") &&
		       strstr(buf, "\"vm86\" (166)") &&
		       !strstr(buf, "\"vm86\" (4"),
	       "export: x86_64, i386 and x32 sections; vm86 on i386 only");
}
int main(void)
{
	test_names();
	test_errors();
	test_export();
	return TAP_DONE();
}
