#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# lint.sh - the tree's static checks, as TAP lines for tests/run-all.sh:
#   - shellcheck on every shell file (*.sh, and files whose first line runs
#     sh or bash); the repository's .shellcheckrc says what is disabled and
#     why; zero findings, one line per file;
#   - every source file has its SPDX-License-Identifier line
#     (tests/tools/spdx.sh --check; without --check it adds the missing);
#   - commit subjects from SUBJECTS_FROM on are at most 72 characters
#     (git's own convention: `git log --oneline`, `git shortlog` and
#     mail subjects cut there); the older history is left as it was
#     written, since rewriting landed commits breaks every clone;
#   - the C sources are laid out as .clang-format says (clang-format
#     14, Debian 12's; `clang-format -i FILE` fixes one);
#   - with ANALYZE=1 (.ci/run sets it): `make analyze`, scan-build and gcc
#     -fanalyzer over jailcore, the module, jailctl and jail-init, zero
#     reports (about 2 minutes on 2 cores).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
cd "$TOP" || exit 1
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# shellcheck source=tools/tree_files.sh
. "$HERE/tools/tree_files.sh"

shell_files() {
	local f
	tree_files | while IFS= read -r f; do
		case $f in
		*.sh) echo "$f" ;;
		*) head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' && echo "$f" ;;
		esac
	done
}

lint_shell() {
	local f out
	if ! command -v shellcheck >/dev/null; then
		skip "shellcheck is not installed (tests/deps.txt)" "shellcheck"
		return
	fi
	while IFS= read -r f; do
		if out=$(shellcheck -f gcc "$f" 2>&1); then
			ok "shellcheck $f"
		else
			not_ok "shellcheck $f" "$out"
		fi
	done < <(shell_files)
}

lint_spdx() {
	local out
	if out=$("$HERE/tools/spdx.sh" --check 2>&1); then
		ok "every source file has an SPDX-License-Identifier line"
	else
		not_ok "every source file has an SPDX-License-Identifier line" \
			"without one (tests/tools/spdx.sh adds it):" "$out"
	fi
}

# The first commit held to the 72-character rule; older subjects are kept
# as they were written (rewriting published history breaks every clone).
SUBJECTS_FROM=313e775

lint_subjects() {
	local long
	if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
		! git cat-file -e "$SUBJECTS_FROM^{commit}" 2>/dev/null; then
		diag "commit subjects not checked: no git history here"
		return
	fi
	long=$(git log --format='%h %s' "$SUBJECTS_FROM..HEAD" |
		awk '{ s = $0; sub(/^[^ ]+ /, "", s); if (length(s) > 72) print }')
	if [ -z "$long" ]; then
		ok "commit subjects since $SUBJECTS_FROM are at most 72 characters"
	else
		not_ok "commit subjects since $SUBJECTS_FROM are at most 72 characters" \
			"longer ones:" "$long"
	fi
}

lint_format() {
	local f bad=()
	if ! command -v clang-format >/dev/null; then
		skip "clang-format is not installed (tests/deps.txt)" "C layout"
		return
	fi
	while IFS= read -r f; do
		clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
	done < <(tree_files | grep -E '\.[ch]$')
	if [ ${#bad[@]} -eq 0 ]; then
		ok "the C sources follow .clang-format"
	else
		not_ok "the C sources follow .clang-format" \
			"not laid out as .clang-format says (clang-format -i FILE):" "${bad[@]}"
	fi
}

lint_c() {
	local out
	if [ "${ANALYZE:-0}" != 1 ]; then
		diag "make analyze not run (ANALYZE=1 runs it; .ci/run does)"
		return
	fi
	if ! command -v scan-build >/dev/null; then
		skip "scan-build is not installed (clang-tools, tests/deps.txt)" "make analyze"
		return
	fi
	if out=$(make -s analyze BUILD="${BUILD:-$TOP/build}" 2>&1); then
		ok "make analyze: scan-build and gcc -fanalyzer report nothing"
	else
		not_ok "make analyze: scan-build and gcc -fanalyzer report nothing" \
			"$(printf '%s\n' "$out" | grep -E 'warning:|error:|bugs? found' | head -n 60)"
	fi
}

lint_shell
lint_spdx
lint_subjects
lint_format
lint_c
done_testing
