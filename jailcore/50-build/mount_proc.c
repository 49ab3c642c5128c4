/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_proc.c - the jail's /proc: mounted by the jail's pid 1 (a proc
 * mount shows the pid namespace of whoever mounts it), then masked; see
 * mount_priv.h */
#include "mount_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

static int mount_proc(int root, const char *root_name, struct jc_err *err)
{
	cleanup_fd int fs = -1;
	cleanup_fd int m = -1;

	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen proc");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return jc_fail(err, errno, "fsconfig proc");
	m = fsmount(fs, FSMOUNT_CLOEXEC,
		    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return jc_fail(err, errno, "fsmount proc");
	return jm_attach(m, root, root_name, "/proc", err);
}

/* Files and directories of /proc that leak host state or kernel
 * addresses, or are attack surface (the list runc, moby and LXC mask). */
static const char *const proc_masked[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/interrupts",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/kallsyms",
	"/proc/sysrq-trigger",
	/* physical memory layout and page state (side channels, rowhammer
	 * aiming): mode 0400 root, a DAC check that a jailed root passes */
	"/proc/kpagecount",
	"/proc/kpageflags",
	"/proc/kpagecgroup",
	"/proc/iomem",
	"/proc/pagetypeinfo",
	"/proc/slabinfo",
	/* every uid of the host with a key, and its quota use */
	"/proc/key-users",
};

/* Writable for uid 0 by an owner check with no capability test: a
 * read-only mount is what keeps a jailed root away from
 * kernel.core_pattern and friends (the 2013 mail's recipe). */
static const char *const proc_readonly[] = {
	"/proc/bus",
	"/proc/fs",
	"/proc/irq",
	"/proc/sys",
};

static int mask_one(int root, const char *path, struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int tree = -1;
	struct stat st;

	if (jc_path_open_in(root, "", path, &target, err) < 0)
		return err->kind == JC_ERR_NOT_FOUND ? 0 : -1;
	if (fstat(target, &st) < 0)
		return jc_fail(err, errno, "stat %s", path);
	if (S_ISDIR(st.st_mode)) {
		if (jm_new_tmpfs("0555", 4096,
				 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				 &tree, err) < 0)
			return -1;
	} else {
		tree = open_tree(root, "dev/null",
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0)
			return jc_fail(err, errno, "open_tree /dev/null");
	}
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "mask %s", path);
	return 0;
}

static int readonly_one(int root, const char *path, struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int tree = -1;

	if (jc_path_open_in(root, "", path, &target, err) < 0)
		return err->kind == JC_ERR_NOT_FOUND ? 0 : -1;
	if (jm_clone_tree(target, "",
			  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			  path, &tree, err) < 0)
		return -1;
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "read-only %s", path);
	return 0;
}

static int mask_proc(int root, struct jc_err *err)
{
	for (size_t i = 0; i < sizeof(proc_masked) / sizeof(*proc_masked); i++)
		if (mask_one(root, proc_masked[i], err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(proc_readonly) / sizeof(*proc_readonly);
	     i++)
		if (readonly_one(root, proc_readonly[i], err) < 0)
			return -1;
	return 0;
}

int jm_proc_mount(int root, const char *root_name, struct jc_err *err)
{
	if (mount_proc(root, root_name, err) < 0)
		return -1;
	return mask_proc(root, err);
}
