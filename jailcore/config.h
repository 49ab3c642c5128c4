/* config.h - pam_jail.conf: INI file -> validated model, and user matching.
 *
 * The file is parsed with iniparser.  Because iniparser lower-cases section
 * and key names and forgets line numbers, config.c also scans the raw text
 * once to learn each section's original spelling and the line of every
 * section and key, so errors can say "file:line: reason" and [user:Alice]
 * matches the user "Alice" only (never "alice").
 *
 * Nothing here touches mounts or namespaces; values stay templates with
 * %-tokens until plan.c expands them for one user.
 */
#ifndef JAILCORE_CONFIG_H
#define JAILCORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "seccomp.h"

#define JC_DEFAULT_CONF "/etc/security/pam_jail.conf"

enum jc_network {
	JC_NET_NONE = 0,	/* own network namespace, only lo, brought up */
	JC_NET_HOST,		/* share the host's network namespace */
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
	JC_K__COUNT
};

/* What a jailed root may keep, in the spirit of FreeBSD's allow.*: it acts
 * on files and processes inside the jail and nothing more.  Everything else
 * (sys_admin, sys_module, sys_rawio, sys_ptrace, sys_time, sys_boot, mknod,
 * net_admin, dac_read_search, bpf, perfmon, setfcap, setpcap, mac_*,
 * syslog, linux_immutable, checkpoint_restore, sys_resource, sys_nice, ...)
 * reaches the host and is refused at config time. */
#define JC_ROOT_CAPS_ALLOWED "chown dac_override fowner fsetid kill setuid " \
	"setgid net_bind_service sys_chroot audit_write ipc_owner lease"
/* allow_root = yes without root_caps. */
#define JC_ROOT_CAPS_DEFAULT "chown dac_override fowner fsetid kill setuid " \
	"setgid net_bind_service sys_chroot audit_write"

/* One bind: SRC[:DST].  dst equals src when no ':' was given.  Both are
 * templates (may contain %h, %u, ...). */
struct jc_bindspec {
	char *src;
	char *dst;
};

struct jc_jail {
	char *name;			/* NAME of [jail:NAME]: [A-Za-z0-9_.-]+ */
	int line;			/* line of the section header */
	int key_line[JC_K__COUNT];	/* line of each key, 0 = default */

	char *root;			/* template, required */
	struct jc_bindspec *bind_ro;
	size_t n_bind_ro;
	struct jc_bindspec *bind_rw;
	size_t n_bind_rw;
	char **tmpfs;			/* destination templates */
	size_t n_tmpfs;
	unsigned long long tmpfs_size;	/* bytes per tmpfs; default 64 MiB */
	enum jc_network network;	/* default JC_NET_NONE */
	char *hostname;			/* template; default "%j" */
	bool allow_root;		/* default false */
	/* Capabilities a jailed root keeps (allow_root = yes), as a mask of
	 * 1ULL << CAP_*; only the whitelist below is accepted. */
	unsigned long long root_caps;
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
	char *name;	/* original spelling from the file */
	char *jail;	/* NULL means "none" (exempt) */
	int line;	/* line of the `jail =` key (section line if absent) */
};

struct jc_config {
	char *path;			/* file the model came from */
	char *default_jail;		/* [global] default; NULL = none */
	int default_line;
	struct jc_jail *jails;
	size_t n_jails;
	struct jc_rule *users;
	size_t n_users;
	struct jc_rule *groups;
	size_t n_groups;
};

/* Load and validate PATH.  The file is opened (O_RDONLY|O_CLOEXEC|O_NOCTTY)
 * and refused unless it is a regular file owned by root and not group- or
 * other-writable (the rule doas and sshd apply).  Every error names
 * "PATH:LINE: reason" (or "PATH: reason" when no line applies).
 * On success *out holds a model the caller frees with jc_config_free(). */
int jc_config_load(const char *path, struct jc_config **out,
		   struct jc_err *err);

/* Same validation, from an in-memory text; NAME is used in messages.  No
 * ownership check (used by the unit tests and the fuzz target). */
int jc_config_parse_string(const char *text, const char *name,
			   struct jc_config **out, struct jc_err *err);

void jc_config_free(struct jc_config *cfg);

const struct jc_jail *jc_config_find_jail(const struct jc_config *cfg,
					  const char *name);

/* Result of matching a user against the rules. */
struct jc_match {
	const struct jc_jail *jail;	/* NULL: the user is not jailed */
	char why[256];			/* e.g. "[user:alice] at line 12",
					   "[group:customers] at line 20",
					   "[global] default at line 2",
					   "no rule matches and default is none" */
};

/* [user:NAME] beats [group:NAME] beats [global] default.  GROUPS are the
 * names of every group the user is in (primary included).  Two matched
 * group rules naming different jails (none counts as a jail here) is an
 * error naming both lines.  uid 0 handling is the caller's (plan.c). */
int jc_config_match_groups(const struct jc_config *cfg, const char *user,
			   const char *const *groups, size_t n_groups,
			   struct jc_match *m, struct jc_err *err);

/* As above, with the user's groups taken from NSS (getgrouplist, so LDAP
 * and SSSD users work) starting from primary gid GID. */
int jc_config_match(const struct jc_config *cfg, const char *user, gid_t gid,
		    struct jc_match *m, struct jc_err *err);

/* Values a template may refer to. */
struct jc_tokens {
	const char *user;	/* %u */
	uid_t uid;		/* %U */
	gid_t gid;		/* %G */
	const char *home;	/* %h */
	const char *jail;	/* %j */
};

/* Expand %u %U %G %h %j %% in TMPL into OUT (size OUTSZ).  An unknown
 * token, a trailing '%', or a result that does not fit is an error.  %u and
 * %j must be safe as one path component ([A-Za-z0-9_.@-], not "." or "..",
 * not starting with '-'): a user name holding '/' or '%' is refused rather
 * than turned into a path. */
int jc_expand(const char *tmpl, const struct jc_tokens *t, char *out,
	      size_t outsz, struct jc_err *err);

#endif
