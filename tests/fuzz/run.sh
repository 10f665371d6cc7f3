#!/bin/sh
# run.sh — build the libFuzzer harness with clang under ASan/UBSan and run it for SECONDS (default 60).
#
#   sh tests/fuzz/run.sh [SECONDS]
#
# Seeds are the messages of tests/fixtures and tests/corpus (and the
# shared corpora when present); a crash leaves its input in
# _build-fuzz/crash-* and the script fails.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=$top/_build-fuzz

command -v clang >/dev/null 2>&1 || { echo "fuzz: clang is not installed" >&2; exit 69; }
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" --enable-fuzz CC=clang \
    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
    LDFLAGS='-fsanitize=address,undefined' >/dev/null
make -j"$(nproc 2>/dev/null || echo 2)" tests/fuzz/fuzz-message >/dev/null

seeds=$build/fuzz-seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$build/fuzz-corpus"
# libFuzzer reads one directory level: flatten every seed message into one
n=0
for f in $(find "$top/tests/fixtures" "$top/tests/corpus" "$top/../shared/corpora" \
    -type f \( -name '*.eml' -o -name '*.msg' -o -name '*.txt' \) -size -256k 2>/dev/null); do
	n=$((n + 1))
	cp "$f" "$seeds/$n"
done
echo "fuzz: $n seeds, $secs s"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ./tests/fuzz/fuzz-message -max_total_time="$secs" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 "$build/fuzz-corpus" "$seeds" 2>"$build/fuzz.log" || {
	tail -60 "$build/fuzz.log" >&2
	echo "fuzz: failed, see $build/fuzz.log" >&2
	exit 1
}
grep -E '^(Done|stat::number_of_executed_units)' "$build/fuzz.log" || true
echo "fuzz: no crash in $secs s"
