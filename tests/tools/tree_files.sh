# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# tree_files.sh - sourced by tests/lint.sh and tests/tools/spdx.sh.
# tree_files: the tracked files when this is a git tree; otherwise every
# file but the build outputs.  Run from the top of the tree.
tree_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files
	else
		find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||' | sort
	fi
}
