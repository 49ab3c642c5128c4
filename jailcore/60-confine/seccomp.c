/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp.c - see seccomp.h.
 *
 * libseccomp builds the BPF program.  Two of its rules shape the code:
 *   - a rule's syscall number is in the *native* ABI (or one of its
 *     negative "pseudo" numbers for names the native ABI lacks, such as
 *     vm86); libseccomp translates it for every architecture of the
 *     context.  To skip a name exactly where it does not exist, each ABI
 *     gets its own single-architecture context, and the contexts are
 *     merged at the end (seccomp_merge).
 *   - one comparison per argument per rule, and the rules of a syscall are
 *     OR-ed.  "Deny unless the argument is one of these" therefore needs
 *     the construction in add_personality().
 *
 * Every comparison on an argument the kernel reads as a 32-bit int or
 * unsigned int (ioctl's cmd, socket's family, personality's persona) is
 * masked to the low 32 bits: the kernel drops the high half, so comparing
 * the full 64-bit register would let 0x100000000|TIOCSTI through.  That
 * is how the TIOCSTI filters written after CVE-2017-5226 (bubblewrap) were
 * bypassed: CVE-2019-7303 (snapd) and CVE-2019-10063 (Flatpak).
 *
 * Not set: SCMP_FLTATR_CTL_TSYNC.  The filter goes on the calling thread
 * only.  The PAM callers we know (sshd's monitor and session child, login,
 * su, cron) are single-threaded when they open a session, and the thread
 * that opens the session is the one that forks it, so the session is
 * always covered; with TSYNC a threaded caller whose other threads cannot
 * be synchronised would fail the login instead.
 * SCMP_FLTATR_CTL_NNP keeps libseccomp's default, but jc_seccomp_install
 * refuses to run unless no_new_privs is already set, so libseccomp never
 * sets it on the caller's behalf.
 */
#include "seccomp.h"
#include "jailcore/90-support/cleanup.h"

#include <errno.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* libseccomp's pseudo syscall numbers (seccomp-syscalls.h): from -10001
 * down, "this ABI has no such call"; -101..-120 and -201..-224, "reached
 * through socketcall(2) or ipc(2) here", which seccomp_rule_add expands
 * into rules on the multiplexer (see why_socket). */
#define PNR_ABSENT (-10000)

#define NAME_MAX_LEN 64
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

/* ---- the default denylist ---------------------------------------------- */

/* Keyrings are per-uid and not namespaced: a jailed session would share
 * (and could read or revoke) the host user's keys.  Long CVE history
 * (CVE-2016-0728 refcount overflow to root, CVE-2017-6951, ...). */
static const char why_keys[] =
	"keyrings are per-uid, shared with the host (CVE-2016-0728)";

/* Replace or extend the running kernel.  Needs CAP_SYS_BOOT or
 * CAP_SYS_MODULE, which the jail never has: denied again in case one
 * leaks. */
static const char why_kernel[] =
	"loads code into the kernel (needs a capability the jail lacks)";

/* "shocker" (2014): open_by_handle_at opens any inode of a file system
 * from a guessed handle, outside the jail's root. */
static const char why_handle[] =
	"opens any inode by handle, bypassing the jail root (shocker, 2014)";

/* Kernel attack surface a login session does not need, and the usual
 * first step of a kernel exploit: userfaultfd stalls copy_from_user to
 * win races, bpf's verifier (CVE-2021-3490, CVE-2022-23222), perf
 * (CVE-2013-2094), io_uring (CVE-2022-29582, CVE-2023-2598; Google
 * disables it on ChromeOS, Android and its servers). */
static const char why_surface[] =
	"kernel attack surface: exploit primitive (userfaultfd, bpf, perf, io_uring CVEs)";

/* Host-wide state a session has no business changing; each also needs a
 * capability the jail does not have.  adjtimex and clock_adjtime stay
 * allowed: with modes == 0 they only read (ntp_gettime, chronyc, timedatectl)
 * and the modes field sits behind a pointer seccomp cannot read; writing
 * needs CAP_SYS_TIME, which the emptied bounding set rules out. */
static const char why_host[] =
	"changes host-wide state (time, swap, accounting, quotas, reboot)";

/* Obsolete interfaces nothing current uses; old bug magnets (uselib:
 * CVE-2004-1235).  vm86/vm86old exist on i386 only. */
static const char why_obsolete[] = "obsolete interface, old bug magnet";

/* Reshaping the mount tree is how jails are escaped (CVE-2021-30465
 * class): the jail's tree is fixed once it is built. */
static const char why_mount[] =
	"changes the mount tree the jail is built from (CVE-2021-30465 class)";

/* New namespaces, a user namespace above all, hand out capabilities over
 * them and expose code otherwise reachable only by root (CVE-2022-0185,
 * CVE-2022-25636, CVE-2023-32233); setns could join a host namespace
 * through a leaked fd.  clone's flags are a register and checked; clone3's
 * sit in memory seccomp cannot read, so clone3 returns ENOSYS and libc
 * falls back to clone.  In clone() bit 0x80 (CLONE_NEWTIME elsewhere) is
 * part of the exit-signal byte, and signals above 64 are invalid anyway:
 * denying it costs nothing. */
static const char why_ns[] =
	"new or other namespaces: user namespaces expose root-only kernel code (CVE-2022-0185)";
static const char why_clone3[] =
	"flags are in memory seccomp cannot read; ENOSYS makes libc use clone";

/* TIOCSTI pushes bytes into the input of a terminal the jail still holds,
 * which is the caller's (CVE-2017-5226 bubblewrap, CVE-2016-7545 SELinux
 * sandbox; the high-bits bypass of such filters: CVE-2019-7303,
 * CVE-2019-10063); TIOCLINUX's selection paste does the same on a VT
 * (ttyjack, CVE-2023-1523 snapd). */
static const char why_tty[] =
	"injects input into the caller's terminal (CVE-2017-5226, CVE-2023-1523)";

/* AF_VSOCK talks to the hypervisor or host outside any network namespace
 * (and CVE-2021-26708); AF_ALG is kernel crypto as user attack surface
 * (CVE-2015-8970).  EPERM, not EAFNOSUPPORT, so that a denial is told
 * apart from a kernel built without the family.  On i386 the family sits
 * behind socketcall's pointer: libseccomp then denies socketcall(SYS_SOCKET)
 * for every family, so 32-bit programs built for socketcall get no
 * sockets (direct socket(2), glibc's choice on kernels >= 4.3 builds, is
 * checked normally). */
static const char why_socket[] =
	"AF_VSOCK reaches the host outside the netns (CVE-2021-26708), AF_ALG (CVE-2015-8970)";

/* Docker's rule: other personas and flags change how memory is laid out
 * (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, MMAP_PAGE_ZERO: CVE-2009-1895). */
static const char why_persona[] =
	"alters memory layout (READ_IMPLIES_EXEC, MMAP_PAGE_ZERO: CVE-2009-1895)";

#define ALWAYS(n, why)                                                         \
	{                                                                      \
		n, JC_SC_ALWAYS, EPERM, "always", why                          \
	}

const struct jc_seccomp_deny jc_seccomp_default_deny[] = {
	ALWAYS("add_key", why_keys),
	ALWAYS("keyctl", why_keys),
	ALWAYS("request_key", why_keys),

	ALWAYS("kexec_load", why_kernel),
	ALWAYS("kexec_file_load", why_kernel),
	ALWAYS("init_module", why_kernel),
	ALWAYS("finit_module", why_kernel),
	ALWAYS("delete_module", why_kernel),

	ALWAYS("open_by_handle_at", why_handle),

	ALWAYS("userfaultfd", why_surface),
	ALWAYS("bpf", why_surface),
	ALWAYS("perf_event_open", why_surface),
	ALWAYS("io_uring_setup", why_surface),
	ALWAYS("io_uring_enter", why_surface),
	ALWAYS("io_uring_register", why_surface),

	ALWAYS("acct", why_host),
	ALWAYS("swapon", why_host),
	ALWAYS("swapoff", why_host),
	ALWAYS("reboot", why_host),
	ALWAYS("settimeofday", why_host),
	ALWAYS("clock_settime", why_host),
	ALWAYS("clock_settime64", why_host), /* i386's 64-bit time_t twin */
	ALWAYS("quotactl", why_host),
	ALWAYS("fanotify_init", why_host),

	ALWAYS("lookup_dcookie", why_obsolete),
	ALWAYS("vm86", why_obsolete),	 /* i386 only */
	ALWAYS("vm86old", why_obsolete), /* i386 only */
	ALWAYS("uselib", why_obsolete),
	ALWAYS("ustat", why_obsolete),
	ALWAYS("sysfs", why_obsolete),
	ALWAYS("_sysctl", why_obsolete),
	ALWAYS("nfsservctl", why_obsolete),

	ALWAYS("mount", why_mount),
	ALWAYS("umount", why_mount), /* i386's oldumount */
	ALWAYS("umount2", why_mount),
	ALWAYS("pivot_root", why_mount),
	ALWAYS("fsopen", why_mount),
	ALWAYS("fsconfig", why_mount),
	ALWAYS("fsmount", why_mount),
	ALWAYS("fspick", why_mount),
	ALWAYS("open_tree", why_mount),
	ALWAYS("move_mount", why_mount),
	ALWAYS("mount_setattr", why_mount),

	ALWAYS("setns", why_ns),
	ALWAYS("unshare", why_ns),
	{ "clone", JC_SC_CLONE_NS, EPERM, "flags has a CLONE_NEW* bit",
	  why_ns },
	{ "clone3", JC_SC_ALWAYS, ENOSYS, "always (ENOSYS)", why_clone3 },

	{ "ioctl", JC_SC_TTY_IOCTL, EPERM, "request TIOCSTI or TIOCLINUX",
	  why_tty },
	{ "socket", JC_SC_SOCKET_FAMILY, EPERM,
	  "family AF_VSOCK or AF_ALG (i386 socketcall: every family)",
	  why_socket },
	{ "personality", JC_SC_PERSONALITY, EPERM,
	  "persona not 0, PER_LINUX32, UNAME26 (or both) or 0xffffffff",
	  why_persona },
};

const size_t jc_seccomp_default_deny_count =
	sizeof(jc_seccomp_default_deny) / sizeof(jc_seccomp_default_deny[0]);

const struct jc_seccomp_deny *jc_seccomp_default_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < jc_seccomp_default_deny_count; i++)
		if (strcmp(jc_seccomp_default_deny[i].name, name) == 0)
			return &jc_seccomp_default_deny[i];
	return NULL;
}

/* ---- architectures ----------------------------------------------------- */

struct arch {
	uint32_t token;
	const char *name;
	unsigned clone_flags_arg; /* s390 swaps clone's first two args */
};

/* Every ABI a process of this kernel can issue system calls through.  A
 * 32-bit x86 process can far-jump into 64-bit code, so the whole family
 * is listed whatever the native one is. */
static const struct arch family[] = {
#if defined(__x86_64__) || defined(__i386__)
	{ SCMP_ARCH_X86_64, "x86_64", 0 },
	{ SCMP_ARCH_X86, "i386", 0 },
	{ SCMP_ARCH_X32, "x32", 0 },
#elif defined(__aarch64__) || defined(__arm__)
	{ SCMP_ARCH_AARCH64, "aarch64", 0 }, { SCMP_ARCH_ARM, "arm", 0 },
#elif defined(__s390x__) || defined(__s390__)
	{ SCMP_ARCH_S390X, "s390x", 1 }, { SCMP_ARCH_S390, "s390", 1 },
#endif
	/* others: the native ABI only (the context always has it) */
};

#define N_FAMILY (sizeof(family) / sizeof(family[0]))

static struct arch native_arch(void)
{
	uint32_t token = seccomp_arch_native();
	size_t i;

	for (i = 0; i < N_FAMILY; i++)
		if (family[i].token == token)
			return family[i];
	return (struct arch){ token, "native", 0 };
}

/* ---- names ------------------------------------------------------------- */

static int name_chars_ok(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	return len > 0 && len <= NAME_MAX_LEN &&
	       strspn(name, NAME_CHARS) == len;
}

/* Does ABI TOKEN have NAME, directly or through a multiplexer? */
static int arch_has(uint32_t token, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(token, name);

	return nr != __NR_SCMP_ERROR && nr > PNR_ABSENT;
}

int jc_seccomp_check_name(const char *name)
{
	size_t i;

	if (!name_chars_ok(name))
		return -1;
	if (arch_has(seccomp_arch_native(), name))
		return 0;
	for (i = 0; i < N_FAMILY; i++)
		if (arch_has(family[i].token, name))
			return 0;
	return -1;
}

static int in_list(const char *name, char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] && strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* NAME for a message: only ever printed once it passed name_chars_ok. */
static const char *shown(const char *name)
{
	return name_chars_ok(name) ? name : "(invalid name)";
}

static int check_spec(const struct jc_seccomp_spec *s, struct jc_err *err)
{
	size_t i;

	for (i = 0; i < s->n_deny; i++)
		if (jc_seccomp_check_name(s->deny[i]) < 0)
			return jc_fail(err, 0,
				       "seccomp: unknown system call '%s'",
				       shown(s->deny[i]));
	for (i = 0; i < s->n_allow; i++) {
		if (jc_seccomp_check_name(s->allow[i]) < 0)
			return jc_fail(err, 0,
				       "seccomp: unknown system call '%s'",
				       shown(s->allow[i]));
		if (!jc_seccomp_default_find(s->allow[i]))
			return jc_fail(
				err, 0,
				"seccomp: allow '%s': not in the default denylist",
				s->allow[i]);
		if (in_list(s->allow[i], s->deny, s->n_deny))
			return jc_fail(
				err, 0,
				"seccomp: '%s' is both denied and allowed",
				s->allow[i]);
	}
	return 0;
}

/* ---- rules ------------------------------------------------------------- */

/* One architecture's context and what the rules need to report. */
struct target {
	scmp_filter_ctx ctx;
	struct arch arch;
	struct jc_err *err;
};

/* Add NAME with N comparisons on T's architecture; a name this ABI does
 * not have is skipped (its other ABIs still get the rule). */
static int add_rule(const struct target *t, const char *name, int errnum,
		    unsigned n, const struct scmp_arg_cmp *cmp)
{
	int rc;

	if (!arch_has(t->arch.token, name))
		return 0;
	/* the number libseccomp wants is the native (or pseudo) one */
	rc = seccomp_rule_add_array(t->ctx, SCMP_ACT_ERRNO((uint32_t)errnum),
				    seccomp_syscall_resolve_name(name), n, cmp);
	if (rc < 0)
		return jc_fail(t->err, -rc, "seccomp: rule for %s on %s", name,
			       t->arch.name);
	return 0;
}

/* Deny NAME when (argument ARG & MASK) == VALUE. */
static int add_masked(const struct target *t, const char *name, int errnum,
		      unsigned arg, uint64_t mask, uint64_t value)
{
	struct scmp_arg_cmp c = { .arg = arg,
				  .op = SCMP_CMP_MASKED_EQ,
				  .datum_a = mask,
				  .datum_b = value };

	return add_rule(t, name, errnum, 1, &c);
}

static int add_clone(const struct target *t, const struct jc_seccomp_deny *d)
{
	static const uint64_t ns[] = {
		CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID,	CLONE_NEWNET, CLONE_NEWTIME,
	};
	size_t i;

	/* one rule per flag: a rule can test an argument only once */
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (add_masked(t, d->name, d->errnum, t->arch.clone_flags_arg,
			       ns[i], ns[i]) < 0)
			return -1;
	return 0;
}

static int add_tty_ioctl(const struct target *t,
			 const struct jc_seccomp_deny *d)
{
	/* the kernel's cmd is an unsigned int: only the low half counts */
	if (add_masked(t, d->name, d->errnum, 1, 0xffffffffu, TIOCSTI) < 0 ||
	    add_masked(t, d->name, d->errnum, 1, 0xffffffffu, TIOCLINUX) < 0)
		return -1;
	return 0;
}

static int add_socket(const struct target *t, const struct jc_seccomp_deny *d)
{
	/* family is an int in the kernel */
	if (add_masked(t, d->name, d->errnum, 0, 0xffffffffu, AF_VSOCK) < 0 ||
	    add_masked(t, d->name, d->errnum, 0, 0xffffffffu, AF_ALG) < 0)
		return -1;
	return 0;
}

/* Allowed personas, as Docker: 0 (PER_LINUX), PER_LINUX32, UNAME26,
 * PER_LINUX32|UNAME26, and 0xffffffff (query only).  The first four are
 * exactly the values with no bit outside KEEP = PER_LINUX32|UNAME26.
 *
 * Rules only OR, and test an argument once, so "none of these" becomes 32
 * rules: for each bit c, deny when bit next(c) is set and bit c is clear,
 * where next(c) is the next bit after c, cyclically, that is not in KEEP.
 * A persona passes every rule iff each of the 30 non-KEEP bits implies the
 * one before it around that cycle - so all 30 are equal - and bit 4
 * implies bit 3, bit 18 implies bit 17.  All 30 clear leaves the four KEEP
 * combinations; all set forces bits 3 and 17 too: 0xffffffff.  The masks
 * stay in the low 32 bits because the kernel takes persona as unsigned
 * int (0x1_00000006 is PER_BSD to it). */
static int add_personality(const struct target *t,
			   const struct jc_seccomp_deny *d)
{
	const uint32_t keep = PER_LINUX32 | UNAME26;
	unsigned c, b;

	for (c = 0; c < 32; c++) {
		for (b = (c + 1) % 32; keep & (1u << b); b = (b + 1) % 32)
			;
		if (add_masked(t, d->name, d->errnum, 0, (1u << b) | (1u << c),
			       1u << b) < 0)
			return -1;
	}
	return 0;
}

static int add_entry(const struct target *t, const struct jc_seccomp_deny *d)
{
	switch (d->cond) {
	case JC_SC_CLONE_NS:
		return add_clone(t, d);
	case JC_SC_TTY_IOCTL:
		return add_tty_ioctl(t, d);
	case JC_SC_SOCKET_FAMILY:
		return add_socket(t, d);
	case JC_SC_PERSONALITY:
		return add_personality(t, d);
	default:
		return add_rule(t, d->name, d->errnum, 0, NULL);
	}
}

static int add_rules(const struct target *t, const struct jc_seccomp_spec *s)
{
	const struct jc_seccomp_deny *d;
	size_t i;

	for (i = 0; i < jc_seccomp_default_deny_count; i++) {
		d = &jc_seccomp_default_deny[i];
		if (!in_list(d->name, s->allow, s->n_allow) &&
		    add_entry(t, d) < 0)
			return -1;
	}
	for (i = 0; i < s->n_deny; i++) {
		d = jc_seccomp_default_find(s->deny[i]);
		/* already denied outright, with its own errno (clone3) */
		if (d && d->cond == JC_SC_ALWAYS &&
		    !in_list(d->name, s->allow, s->n_allow))
			continue;
		if (add_rule(t, s->deny[i], EPERM, 0, NULL) < 0)
			return -1;
	}
	return 0;
}

/* ---- the filter -------------------------------------------------------- */

/* A context for ARCH alone, holding every rule of S. */
static scmp_filter_ctx arch_filter(const struct arch *a,
				   const struct jc_seccomp_spec *s,
				   struct jc_err *err)
{
	struct target t = { .arch = *a, .err = err };
	int rc = 0;

	t.ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!t.ctx) {
		jc_fail(err, ENOMEM, "seccomp: seccomp_init");
		return NULL;
	}
	/* A binary tree of the syscall numbers instead of libseccomp's
	 * default linear chain.  The kernel precomputes its per-syscall
	 * "always allowed" bitmap by emulating the program for every number
	 * of every ABI, with the sighand lock held (seccomp_cache_prepare,
	 * Linux 5.11): on the linear chain that walk cost 0.23 ms per load,
	 * and every jailed login loads twice (pid 1 and the caller); on the
	 * tree, 0.07 ms (bench/ab.sh's perf part found it). */
	rc = seccomp_attr_set(t.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0)
		jc_fail(err, -rc, "seccomp: a binary-tree filter");
	if (rc == 0 && a->token != seccomp_arch_native()) {
		rc = seccomp_arch_add(t.ctx, a->token);
		if (rc == 0)
			rc = seccomp_arch_remove(t.ctx, SCMP_ARCH_NATIVE);
		if (rc < 0)
			jc_fail(err, -rc, "seccomp: architecture %s", a->name);
	}
	if (rc < 0 || add_rules(&t, s) < 0) {
		seccomp_release(t.ctx);
		return NULL;
	}
	return t.ctx;
}

static scmp_filter_ctx build_filter(const struct jc_seccomp_spec *s,
				    struct jc_err *err)
{
	struct arch native = native_arch();
	scmp_filter_ctx all, one;
	size_t i;
	int rc;

	all = arch_filter(&native, s, err);
	for (i = 0; all && i < N_FAMILY; i++) {
		if (family[i].token == native.token)
			continue;
		one = arch_filter(&family[i], s, err);
		rc = one ? seccomp_merge(all, one) : -1;
		if (rc < 0) {
			if (one) { /* merge releases ONE only on success */
				jc_fail(err, -rc, "seccomp: merging %s",
					family[i].name);
				seccomp_release(one);
			}
			seccomp_release(all);
			all = NULL;
		}
	}
	return all;
}

/* 1: nothing to install (mode none), 0: go on, -1: error. */
static int check_mode(const struct jc_seccomp_spec *spec, struct jc_err *err)
{
	if (!spec)
		return jc_fail(err, EINVAL, "seccomp");
	if (spec->mode == JC_SECCOMP_NONE)
		return 1;
	if (spec->mode != JC_SECCOMP_DEFAULT)
		return jc_fail(err, EINVAL, "seccomp: unknown mode %d",
			       (int)spec->mode);
	return check_spec(spec, err);
}

int jc_seccomp_export(const struct jc_seccomp_spec *spec, int fd,
		      struct jc_err *err)
{
	scmp_filter_ctx ctx;
	int rc = check_mode(spec, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	ctx = build_filter(spec, err);
	if (!ctx)
		return -1;
	rc = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	if (rc < 0)
		return jc_fail(err, -rc, "seccomp: exporting the filter");
	return 0;
}

int jc_seccomp_install(const struct jc_seccomp_spec *spec, struct jc_err *err)
{
	scmp_filter_ctx ctx;
	int rc = check_mode(spec, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (rc != 1)
		return jc_fail(
			err, rc < 0 ? errno : 0,
			"seccomp: no_new_privs is not set (drop privileges first)");
	ctx = build_filter(spec, err);
	if (!ctx)
		return -1;
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		return jc_fail(err, -rc, "seccomp: loading the filter");
	return 0;
}

/* ---- compile once, load twice -------------------------------------------- */

/* libseccomp 2.5 exports BPF only to an fd: through a memfd into memory.
 * The jail's pid 1 and the caller load the same program, compiled once
 * (generating it costs about 0.6 ms a time). */
int jc_seccomp_compile(const struct jc_seccomp_spec *spec, struct jc_bpf *out,
		       struct jc_err *err)
{
	cleanup_fd int fd = -1;
	scmp_filter_ctx ctx;
	struct stat st;
	int rc = check_mode(spec, err);

	memset(out, 0, sizeof(*out));
	if (rc != 0) {
		out->none = rc > 0;
		return rc < 0 ? -1 : 0;
	}
	if (!(ctx = build_filter(spec, err)))
		return -1;
	fd = memfd_create("pam_jail-seccomp", MFD_CLOEXEC);
	if (fd < 0 || (rc = seccomp_export_bpf(ctx, fd)) < 0 ||
	    fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % sizeof(struct sock_filter) ||
	    !(out->insns = malloc((size_t)st.st_size)) ||
	    pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
		jc_fail(err, rc < 0 ? -rc : errno,
			"seccomp: compiling the filter");
		jc_bpf_free(out);
		rc = -1;
	} else {
		out->len = (unsigned short)(st.st_size /
					    sizeof(struct sock_filter));
		rc = 0;
	}
	seccomp_release(ctx);
	return rc;
}

int jc_seccomp_load_bpf(const struct jc_bpf *b, struct jc_err *err)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };
	int rc;

	if (b->none)
		return 0;
	rc = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (rc != 1)
		return jc_fail(
			err, rc < 0 ? errno : 0,
			"seccomp: no_new_privs is not set (drop privileges first)");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return jc_fail(err, errno, "seccomp: loading the filter");
	return 0;
}

void jc_bpf_free(struct jc_bpf *b)
{
	free(b->insns);
	b->insns = NULL;
	b->len = 0;
}
