#!/bin/bash
# spdx.sh [--check] - every source file of the tree (C and headers, shell,
# python, Makefiles) carries the line "SPDX-License-Identifier: BSD-3-Clause"
# (LICENSE) near its top.  Without --check, add it where it is missing:
# first line ("/* ... */" in C, "# ..." elsewhere), or the second after a
# "#!" line.  Idempotent: a file that has it is left alone.  With --check,
# list the files without it and fail if there is one (tests/lint.sh).
set -euo pipefail

ID="SPDX-License-Identifier: BSD-3-Clause"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP"

# shellcheck source=tree_files.sh
. "$TOP/tests/tools/tree_files.sh"

# The comment style of FILE's SPDX line: c, hash, or nothing (not source).
kind() {
	case $1 in
	*.c | *.h) echo c; return ;;
	*.sh | *.py | Makefile | */Makefile | *.mk) echo hash; return ;;
	esac
	if head -n 1 "$1" 2>/dev/null | grep -qE '^#!.*[/ ](ba|da)?sh( |$)|^#!.*python'; then
		echo hash
	fi
}

has_id() { head -n 5 "$1" | grep -qF "$ID"; }

add_id() {
	local f=$1 line tmp
	if [ "$2" = c ]; then line="/* $ID */"; else line="# $ID"; fi
	tmp=$(mktemp "$f.spdx.XXXXXX")
	if head -n 1 "$f" | grep -q '^#!'; then
		{ head -n 1 "$f"; printf '%s\n' "$line"; tail -n +2 "$f"; } >"$tmp"
	else
		{ printf '%s\n' "$line"; cat "$f"; } >"$tmp"
	fi
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
}

main() {
	local f k missing=0
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		k=$(kind "$f")
		[ -n "$k" ] || continue
		has_id "$f" && continue
		if [ "${1:-}" = --check ]; then
			echo "$f"
			missing=$((missing + 1))
		else
			add_id "$f" "$k"
			echo "spdx.sh: $f"
		fi
	done < <(tree_files)
	[ "$missing" = 0 ]
}

main "$@"
