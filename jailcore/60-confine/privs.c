/* SPDX-License-Identifier: BSD-3-Clause */
/* privs.c - see privs.h */
#include "privs.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

/* Needs CAP_SETPCAP in the effective set, so it runs before cap_set_proc
 * narrows that set.  Dropping a bounding bit leaves it in the effective
 * set: the caller keeps what JC_CALLER_KEEP names until it setuids. */
static int drop_bounding(unsigned long long keep, struct jc_err *err)
{
	for (cap_value_t c = 0; c < cap_max_bits(); c++)
		if (!(keep & (1ULL << c)) && cap_drop_bound(c) < 0 &&
		    errno != EINVAL)
			return jc_fail(err, errno,
				       "drop capability %d from the "
				       "bounding set",
				       c);
	return 0;
}

/* SECBIT_NOROOT: exec by uid 0 grants nothing.  NO_SETUID_FIXUP is locked
 * *off*: with it set a setuid() to the user would keep the caller's
 * capabilities in the shell.  KEEP_CAPS locked off for the same reason.
 * NO_CAP_AMBIENT_RAISE comes after the ambient set is final. */
static int lock_securebits(struct jc_err *err)
{
	unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			SECBIT_NO_CAP_AMBIENT_RAISE |
			SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED |
			SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED;

	if (cap_set_secbits(bits) < 0)
		return jc_fail(err, errno, "set securebits");
	return 0;
}

/* permitted = effective = KEEP, inheritable = INH. */
static int set_sets(unsigned long long keep, unsigned long long inh,
		    struct jc_err *err)
{
	cap_t caps = cap_init(); /* all three sets empty */
	int rc = 0;

	if (!caps)
		return jc_fail(err, errno, "cap_init");
	for (cap_value_t c = 0; c < 64 && rc == 0; c++) {
		if ((keep & (1ULL << c)) &&
		    (cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
		     cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0))
			rc = jc_fail(err, errno, "cap_set_flag");
		if ((inh & (1ULL << c)) &&
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET) < 0)
			rc = jc_fail(err, errno, "cap_set_flag");
	}
	if (rc == 0 && cap_set_proc(caps) < 0)
		rc = jc_fail(err, errno, "cap_set_proc");
	cap_free(caps);
	return rc;
}

/* A jailed root keeps AMBIENT across exec: ambient bits need the same bit
 * in permitted and inheritable, and must be raised before
 * NO_CAP_AMBIENT_RAISE is locked. */
static int raise_ambient(unsigned long long ambient, struct jc_err *err)
{
	for (cap_value_t c = 0; c < 64; c++)
		if ((ambient & (1ULL << c)) && cap_set_ambient(c, CAP_SET) < 0)
			return jc_fail(err, errno,
				       "raise ambient capability %d", c);
	return 0;
}

int jc_privs_drop(const cap_value_t *keep, size_t n, unsigned long long ambient,
		  struct jc_err *err)
{
	const unsigned long long setpcap = 1ULL << CAP_SETPCAP;
	unsigned long long mask = ambient;

	for (size_t i = 0; i < n; i++)
		mask |= 1ULL << keep[i];
	if (drop_bounding(ambient, err) < 0)
		return -1;
	/* one prctl: libcap 2.66's cap_reset_ambient first asks the kernel
	 * about each capability in turn (41 PR_CAP_AMBIENT_IS_SET calls in
	 * the caller and 41 in the jail's pid 1, every session) */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return jc_fail(err, errno, "clear ambient capabilities");
	/* SETPCAP stays effective until the securebits are locked */
	if (set_sets(mask | setpcap, ambient, err) < 0 ||
	    raise_ambient(ambient, err) < 0 || lock_securebits(err) < 0 ||
	    set_sets(mask, ambient, err) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jc_fail(err, errno, "PR_SET_NO_NEW_PRIVS");
	return 0;
}
