/* SPDX-License-Identifier: BSD-3-Clause */
/* identity.h - who is this user, and which jail: the ONE resolution of an
 * account through NSS, used by the module and by every jailctl command
 * (show, check, create, enter, user-manager), so they cannot disagree.
 *
 * - The account is looked up once from the name as typed (PAM_USER); the
 *   name NSS returns (pw_name) is the canonical one and is used for every
 *   later step: config filtering, matching, %u, the generated passwd and
 *   group, the registry, the audit line.  SSSD in front of Active Directory
 *   folds case: "ALICE" resolves to "alice".
 * - Buffers grow on ERANGE up to JC_NSS_BUF_MAX (a 10,000-member group
 *   needs 256 KiB); "no such entry" (rc 0, NULL) and "could not ask" (any
 *   other rc, e.g. ENOENT or ECONNREFUSED from a dead sssd) are kept apart.
 *   A group of the user whose name cannot be looked up is an error, never
 *   "no name".
 * - Matching fails closed (jc_identity_match): getgrouplist never reports
 *   a failure, and sssd with its LDAP server down answers an uncached group
 *   exactly like "no such group".  So every [group:] rule that could change
 *   the user's outcome is resolved by name too; one that cannot be resolved
 *   refuses the user instead of silently not matching.  See README.md,
 *   "Central accounts (LDAP, SSSD, AD)".
 */
#ifndef JAILCORE_IDENTITY_H
#define JAILCORE_IDENTITY_H

#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "jailcore/20-config/config.h"
#include "jailcore/90-support/err.h"

#define JC_NSS_BUF_MAX (64u << 20) /* a sane maximum for one entry */

struct jc_identity {
	struct passwd pw; /* canonical: pw.pw_name is NSS's spelling */
	char *pwbuf;	  /* holds pw's strings */
	gid_t *gids;	  /* every group of the user, primary first */
	char **names;	  /* their names; NULL: NSS has none for it */
	size_t n_groups;
};

enum { JC_ID_FOUND = 0, JC_ID_UNKNOWN = 1 };

/* Look up the account NAME (as typed) and all its groups.  Returns
 * JC_ID_FOUND, JC_ID_UNKNOWN (NSS says: no such user; err says so too), or
 * -1 when a lookup failed (err names it).  Free with jc_identity_free. */
JC_MUST_CHECK JC_NONNULL(2) int jc_identity_by_name(const char *name,
						    struct jc_identity *id,
						    struct jc_err *err);
JC_MUST_CHECK JC_NONNULL(2) int jc_identity_by_uid(uid_t uid,
						   struct jc_identity *id,
						   struct jc_err *err);
/* jc_identity_by_name in two steps, for the module, which asks for the
 * groups only when the config may jail the user (config.h,
 * jc_config_quick_unjailed): the account alone (same returns; n_groups
 * 0), then its groups (0, or -1 with err and ID freed). */
int jc_identity_account(const char *name, struct jc_identity *id,
			struct jc_err *err);
int jc_identity_add_groups(struct jc_identity *id, struct jc_err *err);

/* One NSS call FN(KEY) into ENT (account.c): JC_ID_FOUND with *BUF
 * holding ENT's strings (free it), JC_ID_UNKNOWN (NSS answered "no such
 * entry"), or -1 with *RC.  Any rc but 0 is a failure -- ENOENT included,
 * which is what a dead sssd or nslcd gives while `files` gives 0. */
typedef int (*jc_nss_fn)(const void *key, void *ent, char *buf, size_t size,
			 void **res);
int jc_nss_lookup(jc_nss_fn fn, const void *key, void *ent, char **buf,
		  int *rc);
void jc_identity_free(struct jc_identity *id);
/* `cleanup_identity struct jc_identity id = { 0 };` frees it on every
 * return (jailcore/90-support/cleanup.h). */
#define cleanup_identity __attribute__((cleanup(jc_identity_free)))

/* A group by name: JC_ID_FOUND with *gid (and *members, a NULL-terminated
 * malloc'ed copy of gr_mem, when MEMBERS is not NULL), JC_ID_UNKNOWN, or
 * -1 with err naming the lookup. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_group_by_name(const char *name,
						    gid_t *gid, char ***members,
						    struct jc_err *err);
void jc_group_members_free(char **members);

/* Which jail ID gets under CFG: jc_config_match_groups on the user's group
 * names, then every [group:] rule that could change that outcome is
 * resolved by name and its gid (or member list) checked -- so a nested or
 * case-folded group matches as NSS resolves it.  A rule that matters and
 * cannot be resolved (lookup error, or NSS knows no such group) returns -1
 * with err naming the group, the rule's file:line and the lookup: the
 * user is refused, never let in unjailed.  An exemption (jail = none) that
 * cannot be resolved leaves a jailed user jailed (the safe side); m->notice
 * then says so.  uid 0 counts as jailed only by allow_root jails. */
JC_MUST_CHECK
int jc_identity_match(const struct jc_config *cfg, const struct jc_identity *id,
		      struct jc_match *m, struct jc_err *err);

#endif
