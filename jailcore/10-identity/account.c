/* SPDX-License-Identifier: BSD-3-Clause */
/* account.c - the account alone (identity.h): one getpwnam_r, its buffer
 * grown on ERANGE.  Apart from identity.c so that the module's door
 * (pam_jail.c), which asks only this before the config index answers,
 * links nothing else of the identity wing. */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailcore/20-config/config_priv.h"

#define NSS_BUF_START 16384

static int pw_by_name(const void *k, void *e, char *b, size_t n, void **r)
{
	return getpwnam_r(k, e, b, n, (struct passwd **)r);
}

int jc_nss_lookup(jc_nss_fn fn, const void *key, void *ent, char **buf, int *rc)
{
	size_t size = NSS_BUF_START;
	void *res;

	*buf = NULL;
	for (;;) {
		char *nb = realloc(*buf, size);

		if (!nb) {
			*rc = ENOMEM;
			break;
		}
		*buf = nb;
		res = NULL;
		*rc = fn(key, ent, *buf, size, &res);
		if (*rc != ERANGE || size >= JC_NSS_BUF_MAX)
			break;
		size *= 2;
	}
	if (*rc == 0 && res)
		return JC_ID_FOUND;
	free(*buf);
	*buf = NULL;
	return *rc == 0 ? JC_ID_UNKNOWN : -1;
}

int jc_identity_account(const char *name, struct jc_identity *id,
			struct jc_err *err)
{
	char shown[80];
	int e = 0, rc;

	memset(id, 0, sizeof(*id));
	if (!name || !*name)
		return jc_fail(err, EINVAL, "empty user name");
	rc = jc_nss_lookup(pw_by_name, name, &id->pw, &id->pwbuf, &e);
	jc_vis(name, shown, sizeof(shown));
	if (rc < 0)
		return jc_fail(err, e, "looking up user %s (getpwnam_r)",
			       shown);
	if (rc == JC_ID_UNKNOWN)
		jc_fail(err, 0, "no such user: %s (NSS knows none)", shown);
	return rc;
}

void jc_identity_free(struct jc_identity *id)
{
	for (size_t i = 0; id->names && i < id->n_groups; i++)
		free(id->names[i]);
	free(id->names);
	free(id->gids);
	free(id->pwbuf);
	memset(id, 0, sizeof(*id));
}
