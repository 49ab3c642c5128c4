/* SPDX-License-Identifier: BSD-3-Clause */
/* cfgprof - the config part of a session, in process: jc_config_load_for
 * (what a login loads: the file, with only USER's own [user:] rule parsed)
 * + jc_plan_for_user + free, RUNS times, for the profile of "config size"
 * (docs/BENCHMARKS.md).  Runs under valgrind --tool=callgrind as is; no
 * namespace is touched.  Prints the median wall time per run in
 * microseconds.  Run it where the jail tree exists (in the rig): the plan
 * admits the tree's paths.
 *
 *   cfgprof [-n RUNS] CONF USER
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "jailcore/30-plan/plan.h"

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = 20, opt;
	long long *t;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return 2;
		runs = atoi(optarg);
	}
	if (argc - optind != 2 || runs < 1) {
		fprintf(stderr, "usage: cfgprof [-n RUNS] CONF USER\n");
		return 2;
	}
	t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 2;
	for (int i = 0; i < runs; i++) {
		struct jc_config *cfg = NULL;
		struct jc_identity id;
		struct jc_plan *plan = NULL;
		struct jc_err err = { 0 };
		struct timespec a, b;
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &a);
		/* what a login does: the account and its groups, the config */
		if (jc_identity_by_name(argv[optind + 1], &id, &err) !=
			    JC_ID_FOUND ||
		    jc_config_load_for(argv[optind], id.pw.pw_name, &cfg,
				       &err) < 0) {
			fprintf(stderr, "cfgprof: %s\n", err.msg);
			return 1;
		}
		rc = jc_plan_for_user(cfg, &id, "", &plan, &err);
		jc_config_free(cfg);
		jc_identity_free(&id);
		if (rc < 0) {
			fprintf(stderr, "cfgprof: %s\n", err.msg);
			return 1;
		}
		jc_plan_free(plan);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL +
		       (b.tv_nsec - a.tv_nsec);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_ll);
	printf("%.1f\n", t[runs / 2] / 1e3);
	free(t);
	return 0;
}
