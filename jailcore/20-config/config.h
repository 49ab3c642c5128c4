/* SPDX-License-Identifier: BSD-3-Clause */
/* config.h - pam_jail.conf: INI file -> validated model, and user matching.
 *
 * The one door of the config wing: config_load.c implements the loading
 * entry points as a pipeline of stages, one file each (read, scan, parse
 * with iniparser, validate into the model, the section index; its top
 * comment lists them), config_build.c the model's lookups, config_match.c
 * the matching.  Because iniparser lower-cases section and key names and
 * forgets line numbers, config_scan.c scans the raw text once to learn
 * each section's original spelling and the line of every section and key,
 * so errors can say "file:line: reason" and [user:Alice] matches the user
 * "Alice" only (never "alice").
 *
 * Nothing here touches mounts or namespaces; values stay templates with
 * %-tokens until plan.c expands them for one user.
 */
#ifndef JAILCORE_CONFIG_H
#define JAILCORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"
#include "jailcore/60-confine/seccomp.h"
#include "jailcore/60-confine/seccomp_ids.h"

#define JC_DEFAULT_CONF "/etc/security/pam_jail.conf"

enum jc_network {
	JC_NET_NONE = 0, /* own network namespace, only lo, brought up */
	JC_NET_HOST,	 /* share the host's network namespace */
};

/* Keys of a [jail:NAME] section; used to index jc_jail.line[]. */
enum jc_jail_key {
	JC_K_ROOT = 0,
	JC_K_BIND_RO,
	JC_K_BIND_RW,
	JC_K_TMPFS,
	JC_K_TMPFS_SIZE,
	JC_K_NETWORK,
	JC_K_HOSTNAME,
	JC_K_ALLOW_ROOT,
	JC_K_SECCOMP,
	JC_K_SECCOMP_DENY,
	JC_K_SECCOMP_ALLOW,
	JC_K_ROOT_CAPS,
	JC_K_SHARE,
	JC_K_PERSIST,
	JC_K_NETNS,
	JC_K_TMPFS_INODES,
	JC_K_DEVPTS,
	JC_K_PTY_MAX,
	JC_K_RLIMIT_NPROC, /* the six rlimit keys, in enum jc_rlimit order */
	JC_K_RLIMIT_NOFILE,
	JC_K_RLIMIT_AS,
	JC_K_RLIMIT_FSIZE,
	JC_K_RLIMIT_CPU,
	JC_K_RLIMIT_CORE,
	JC_K_PIDS_MAX,
	JC_K_MEMORY_MAX,
	JC_K_CPU_MAX,
	JC_K_LIMITS_REQUIRED,
	JC_K_ROOT_IDS,
	JC_K__COUNT
};

/* What a jailed root may keep, in the spirit of FreeBSD's allow.*: it acts
 * on files and processes inside the jail and nothing more.  Everything else
 * (sys_admin, sys_module, sys_rawio, sys_ptrace, sys_time, sys_boot, mknod,
 * net_admin, dac_read_search, bpf, perfmon, setfcap, setpcap, mac_*,
 * syslog, linux_immutable, checkpoint_restore, sys_resource, sys_nice, ...)
 * reaches the host and is refused at config time. */
#define JC_ROOT_CAPS_ALLOWED                                                   \
	"chown dac_override fowner fsetid kill setuid "                        \
	"setgid net_bind_service sys_chroot audit_write ipc_owner lease"
/* allow_root = yes without root_caps. */
#define JC_ROOT_CAPS_DEFAULT                                                   \
	"chown dac_override fowner fsetid kill setuid "                        \
	"setgid net_bind_service sys_chroot audit_write"

enum jc_share {
	JC_SHARE_USER = 0, /* every session of a user enters one jail */
	JC_SHARE_SESSION,  /* a jail per session */
};

/* rlimit_* keys, applied to every session (and so to all it starts). */
enum jc_rlimit {
	JC_RL_NPROC,
	JC_RL_NOFILE,
	JC_RL_AS,
	JC_RL_FSIZE,
	JC_RL_CPU,
	JC_RL_CORE,
	JC_RL__COUNT
};
/* ptys of a jail's private devpts when pty_max is not set: a tenant's
 * ssh sessions, tmux panes and scripts, and a small share of the pool
 * (kernel.pty.max less kernel.pty.reserve, 3072 by default) that every
 * devpts instance without the "reserve" option draws from. */
#define JC_PTY_MAX_DEFAULT 128ULL
#define JC_RLIM_UNSET (~0ULL - 1) /* key absent: the caller's limit stays */
#define JC_RLIM_INFINITY (~0ULL)  /* "unlimited" */

/* One bind: SRC[:DST].  dst equals src when no ':' was given.  Both are
 * templates (may contain %h, %u, ...). */
struct jc_bindspec {
	char *src;
	char *dst;
};

struct jc_jail {
	char *name;		   /* NAME of [jail:NAME]: [A-Za-z0-9_.-]+ */
	const char *file;	   /* file of the section (cfg->files[]) */
	int line;		   /* line of the section header */
	int key_line[JC_K__COUNT]; /* line of each key, 0 = default */

	char *root; /* template, required */
	struct jc_bindspec *bind_ro;
	size_t n_bind_ro;
	struct jc_bindspec *bind_rw;
	size_t n_bind_rw;
	char **tmpfs; /* destination templates */
	size_t n_tmpfs;
	unsigned long long tmpfs_size; /* bytes per tmpfs; default 64 MiB */
	enum jc_network network;       /* default JC_NET_NONE */
	char *hostname;		       /* template; default "%j" */
	bool allow_root;	       /* default false */
	/* Capabilities a jailed root keeps (allow_root = yes), as a mask of
	 * 1ULL << CAP_*; only the whitelist below is accepted. */
	unsigned long long root_caps;
	/* root_ids = N N-M ...: the uids and gids a jailed root may switch
	 * to (setuid and friends), besides its own; default none. */
	struct jc_id_range root_ids[JC_ROOT_IDS_MAX];
	size_t n_root_ids;

	enum jc_share share; /* default user */
	bool persist;	     /* default no: ends with its last session */
	char *netns;	     /* join /run/netns/NAME; NULL = network */
	unsigned long long tmpfs_inodes; /* per tmpfs; default 65536 */
	/* devpts = private (the default; forced by allow_root), or host */
	bool private_devpts;
	/* max ptys of a private devpts; JC_PTY_MAX_DEFAULT when unset */
	unsigned long long pty_max;
	unsigned long long rlimit[JC_RL__COUNT]; /* JC_RLIM_UNSET when absent;
						   rlimit_core defaults to 0 */
	/* cgroup v2 limits, as written to pids.max, memory.max, cpu.max;
	 * NULL when absent */
	char *pids_max, *memory_max, *cpu_max;
	bool limits_required; /* refuse when the limits cannot apply */
	/* seccomp = default | none (default: default); seccomp_deny = NAME...
	 * adds names denied with EPERM; seccomp_allow = NAME... removes names
	 * from the default denylist (each must be in it).  Every name must be
	 * a system call of an ABI the filter covers (jc_seccomp_check_name),
	 * none may be listed twice or in both lists, and with seccomp = none
	 * both lists must be empty. */
	struct jc_seccomp_spec seccomp;
};

/* [user:NAME] or [group:NAME] with jail = NAME | none. */
struct jc_rule {
	char *name;	  /* original spelling from the file */
	char *jail;	  /* NULL means "none" (exempt) */
	const char *file; /* file of the section (cfg->files[]) */
	int line; /* line of the `jail =` key (section line if absent) */
};

struct jc_config {
	char *path;		  /* the main file */
	char **files;		  /* every file read: path, then the */
	size_t n_files;		  /* drop-ins in the order read */
	char *default_jail;	  /* [global] default; NULL = none */
	const char *default_file; /* file of [global] (NULL: none) */
	int default_line;
	struct jc_jail *jails;
	size_t n_jails;
	struct jc_rule *users;
	size_t n_users;
	struct jc_rule *groups;
	size_t n_groups;
};

/* Load and validate PATH, then its drop-ins: every file matching *.conf
 * (not starting with '.') in jc_config_dropin_dir(PATH), in strcmp (C
 * locale) order, as if appended to PATH -- except that a section may be
 * defined only once across all files ("D:3: [user:bob] is already defined
 * at PATH:12").  A missing drop-in directory means no drop-ins.  Every file
 * is opened (O_RDONLY|O_CLOEXEC|O_NOCTTY) and refused unless it is a
 * regular file owned by root and not group- or other-writable (the rule
 * doas and sshd apply); so is the directory (root-owned, not g/o-writable).
 * Every error names "FILE:LINE: reason" (or "FILE: reason" when no line
 * applies); the first error found ends the load.
 * On success *out holds a model the caller frees with jc_config_free(). */
JC_MUST_CHECK
int jc_config_load(const char *path, struct jc_config **out,
		   struct jc_err *err);

/* A login's load for USER: as jc_config_load -- every file read and
 * admitted, every line scanned (syntax, sections, keys, names, duplicates)
 * -- but the [user:] sections of other users are not parsed further.  A
 * mistake in the values of another user's rule refuses that user's logins,
 * and jailctl check reports it.  Files exactly as a previous login scanned
 * them without an error (the section index in /run/pam_jail,
 * config_cache.c) are not scanned again past their own user's rule, so a
 * config with 10,000 users costs a login about what a small one does. */
JC_MUST_CHECK
int jc_config_load_for(const char *path, const char *user,
		       struct jc_config **out, struct jc_err *err);
/* A login's first question, before the account's groups and the config:
 * 1 when the section index vouches that USER (the canonical name) is
 * jailed by no rule -- the config says default = none, no [group:] rule
 * names a jail, USER has no [user:] rule, and every file and the drop-in
 * directory are, by stat(), exactly as the successful load that wrote the
 * index found them (config_quick.c).  0 means "cannot tell": do the full
 * load (jc_config_load_for), which decides and fails closed. */
int jc_config_quick_unjailed(const char *path, const char *user);
int jc_config_quick_unjailed_at(const char *path, const char *user,
				const char *cache_dir);

/* The same with the section index in CACHE_DIR (NULL: none); for tests. */
JC_MUST_CHECK
int jc_config_load_for_at(const char *path, const char *user,
			  const char *cache_dir, struct jc_config **out,
			  struct jc_err *err);

/* As jc_config_load with the drop-in directory DIR: NULL is the default
 * (jc_config_dropin_dir), "" reads no drop-ins. */
JC_MUST_CHECK
int jc_config_load_dir(const char *path, const char *dir,
		       struct jc_config **out, struct jc_err *err);

/* The drop-in directory of PATH: dirname(PATH)/pam_jail.d, so
 * /etc/security/pam_jail.conf -> /etc/security/pam_jail.d.  -1 when it
 * does not fit SIZE. */
int jc_config_dropin_dir(const char *path, char *buf, size_t size);

/* Errors collected by jc_config_check, in the order found.  Each carries
 * the file it is about in path and its line (0: the file as a whole), so
 * a reader sorts or groups them without parsing the message. */
#define JC_ERRS_MAX 200
struct jc_errs {
	struct jc_err *v;
	size_t n, cap;
	size_t dropped; /* found after JC_ERRS_MAX were kept */
};

void jc_errs_free(struct jc_errs *e);

/* The admin's lint (`jailctl check`): the same files, checks and messages
 * as jc_config_load_dir, but it does not stop at the first error: a bad
 * line, key, value, section or file is reported and skipped, and the
 * checks go on, so one run lists every error.  Returns 0 with *out when
 * nothing was found (exactly when jc_config_load_dir succeeds), -1 with
 * ERRS filled and *out NULL otherwise.  What the module sees is
 * unchanged: it only ever calls jc_config_load. */
JC_MUST_CHECK
int jc_config_check(const char *path, const char *dir, struct jc_config **out,
		    struct jc_errs *errs);

/* jc_config_check on an in-memory text (no drop-ins; for tests). */
JC_MUST_CHECK
int jc_config_check_string(const char *text, const char *name,
			   struct jc_config **out, struct jc_errs *errs);

/* "line 12" when FILE is CFG's main file (or NULL), else "FILE:12": where a
 * section or key of CFG came from, for messages. */
const char *jc_config_where(const struct jc_config *cfg, const char *file,
			    int line, char *buf, size_t size);

/* Same validation, from an in-memory text; NAME is used in messages.  No
 * ownership check (used by the unit tests and the fuzz target). */
JC_MUST_CHECK
int jc_config_parse_string(const char *text, const char *name,
			   struct jc_config **out, struct jc_err *err);

void jc_config_free(struct jc_config *cfg);

/* `cleanup_config struct jc_config *cfg = NULL;` frees it on every return
 * (jailcore/90-support/cleanup.h). */
static inline void jc_config_freep(struct jc_config **cfg)
{
	jc_config_free(*cfg);
	*cfg = NULL;
}
#define cleanup_config __attribute__((cleanup(jc_config_freep)))

/* Free N strings and the vector holding them (NULL entries and a NULL
 * vector are fine): the one free of jailcore's counted string vectors
 * (NULL-terminated ones: jc_strv_freep, cleanup.h). */
void jc_cfg_free_names(char **v, size_t n);

const struct jc_jail *jc_config_find_jail(const struct jc_config *cfg,
					  const char *name);

/* Result of matching a user against the rules. */
struct jc_match {
	const struct jc_jail *jail; /* NULL: the user is not jailed */
	const struct jc_rule *rule; /* the rule that matched; NULL: default */
	bool by_user;		    /* rule is a [user:] rule */
	char why[256];		    /* e.g. "[user:alice] at line 12",
					   "[group:customers] at line 20",
					   "[global] default at line 2",
					   "no rule matches and default is none" */
	char notice[JC_ERR_MAX +
		    32]; /* "" or what an outage changed (identity.h) */
};

/* [user:NAME] beats [group:NAME] beats [global] default.  GROUPS are the
 * names of every group the user is in (primary included).  Two matched
 * group rules naming different jails (none counts as a jail here) is an
 * error naming both lines.  uid 0 handling is the caller's (identity.c). */
JC_MUST_CHECK
int jc_config_match_groups(const struct jc_config *cfg, const char *user,
			   const char *const *groups, size_t n_groups,
			   struct jc_match *m, struct jc_err *err);

/* With the user's groups from NSS, failing closed: jc_identity_match
 * (identity.h). */

/* Values a template may refer to. */
struct jc_tokens {
	const char *user; /* %u */
	uid_t uid;	  /* %U */
	gid_t gid;	  /* %G */
	const char *home; /* %h */
	const char *jail; /* %j */
};

/* Expand %u %U %G %h %j %% in TMPL into OUT (size OUTSZ).  An unknown
 * token, a trailing '%', or a result that does not fit is an error.  %u and
 * %j must be safe as one path component ([A-Za-z0-9_.@-], not "." or "..",
 * not starting with '-'): a user name holding '/' or '%' is refused rather
 * than turned into a path. */
/* A decimal number; with SUFFIX a K, M, G or T (1024-based, either case)
 * may follow: the one syntax of every size in the config (tmpfs_size,
 * memory_max, rlimit_as ...; each key then checks its own range).  0, -1
 * when S is not such a number, -2 when it is but does not fit. */
int jc_cfg_number(const char *s, bool suffix, unsigned long long *out);

JC_MUST_CHECK
int jc_expand(const char *tmpl, const struct jc_tokens *t, char *out,
	      size_t outsz, struct jc_err *err);

#endif
