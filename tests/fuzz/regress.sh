#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# regress.sh - the config loader's fuzz regression, as one TAP line for
# make check: replay the saved corpus, then a short fixed-seed pass
# (`make fuzz-regress`; `make fuzz` fuzzes for longer).
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! command -v clang-14 >/dev/null && ! command -v clang >/dev/null; then
	echo "ok - config fuzz regression # SKIP clang (libFuzzer) not installed"
	exit 0
fi
n=$(ls tests/fuzz/corpus | wc -l)
if out=$(make -s fuzz-regress 2>&1); then
	echo "ok - config fuzz regression: $n saved inputs and 20000 fixed-seed runs, no crash, leak or UB"
else
	echo "not ok - config fuzz regression"
	printf '%s\n' "$out" | tail -30 | sed 's/^/#   /'
	exit 1
fi
