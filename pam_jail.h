/* SPDX-License-Identifier: BSD-3-Clause */
/* pam_jail.h - what the module's door (pam_jail.c, pam_jail.so) and its
 * core (pam_jail_core.c, pam_jail-core.so) share. */
#ifndef PAM_JAIL_H
#define PAM_JAIL_H

#include <security/pam_modules.h>

#include "jailcore/10-identity/identity.h"

/* pam_set_data key of a jailed session (the core's struct session). */
#define DATA_KEY "pam_jail_session"

/* The core's file, next to the door's, and its two entry points: the
 * door's pam_sm_open_session and pam_sm_close_session, taken over.  ID:
 * the account the door already looked up (the core frees it), or NULL. */
#define JC_CORE_FILE "pam_jail-core.so"
int jc_pam_open_session(pam_handle_t *pamh, int flags, int argc,
			const char **argv, struct jc_identity *id);
int jc_pam_close_session(pam_handle_t *pamh, int flags, int argc,
			 const char **argv);

#endif
