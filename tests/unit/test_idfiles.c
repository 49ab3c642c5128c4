/* SPDX-License-Identifier: BSD-3-Clause */
/* test_idfiles.c - unit tests for jailcore/40-session/idfiles.c (TAP): a joining
 * session's view of its account replaces the one the jail was built with
 * (a revoked group is gone, a new one added, a recreated account's passwd
 * line replaced), and other users' lines of a team jail stay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailcore/40-session/idfiles.h"
#include "tap.h"

static void merged(const char *have, const char *mine, const char *user,
		   unsigned uid, int group, const char *want, const char *what)
{
	char *got = jc_idfile_merge(have, mine, user, uid, group);

	TAP_OK(got && strcmp(got, want) == 0, "%s", what);
	if (got && strcmp(got, want))
		printf("#   got:\n%s#   want:\n%s", got, want);
	free(got);
}

static const char built_group[] = "root:x:0:\n"
				  "nogroup:x:65534:\n"
				  "alice:x:1001:alice\n"
				  "secret:x:2000:alice\n"
				  "team:x:3000:bob,alice\n";

int main(void)
{
	merged(built_group,
	       "root:x:0:\nnogroup:x:65534:\nalice:x:1001:alice\nteam:x:3000:alice\n",
	       "alice", 1001, 1,
	       "root:x:0:\nnogroup:x:65534:\nalice:x:1001:alice\nsecret:x:2000:\n"
	       "team:x:3000:bob,alice\n",
	       "a revoked group loses the user; others' memberships stay");
	merged(built_group,
	       "alice:x:1001:alice\nsecret:x:2000:alice\nnew:x:4000:alice\n",
	       "alice", 1001, 1,
	       "root:x:0:\nnogroup:x:65534:\nalice:x:1001:alice\nsecret:x:2000:alice\n"
	       "team:x:3000:bob\nnew:x:4000:alice\n",
	       "a new group is added, one left is dropped");
	merged("root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "bob:x:1002:1002::/home/bob:/bin/sh\n"
	       "alice:x:1001:1001::/home/alice:/bin/sh\n",
	       "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "alice:x:1005:1005:New Alice:/home/alice:/bin/bash\n",
	       "alice", 1005, 0,
	       "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "bob:x:1002:1002::/home/bob:/bin/sh\n"
	       "alice:x:1005:1005:New Alice:/home/alice:/bin/bash\n",
	       "passwd: the user's line is replaced, bob's stays");
	merged("root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "alice:x:1001:1001::/home/alice:/bin/sh\n",
	       "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	       "carol:x:1001:1001::/home/carol:/bin/sh\n",
	       "carol", 1001, 0,
	       "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	       "carol:x:1001:1001::/home/carol:/bin/sh\n",
	       "passwd: another name for the same uid is replaced, missing lines added");
	merged("g:x:5:alice\n", "", "alice", 1001, 1, "g:x:5:\n",
	       "no groups left: the user is in none");
	return TAP_DONE();
}
