#!/bin/sh
# sweep.sh — measure `mailopt sweep` on a generated Maildir against merely reading and renaming the same files.
#
#   sh bench/sweep.sh [MESSAGES] [PROFILES]     (defaults 20000 and 5000)
#
# Needs a built mailopt (MAILOPT, default _build/mailopt), ../shared/bench/gen-maildir
# (GEN), /usr/bin/time (Debian: time) and cc. Prints figures; asserts nothing.
set -eu

n=${1:-20000}
p=${2:-5000}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
cc -O2 -o "$work/readmove" "$top/bench/readmove.c"

echo "bench: generating $n messages, $p profiles"
/usr/bin/python3 "$gen" --messages "$n" --profiles "$p" --out "$work/gen" --seed 1 >/dev/null
du -sh "$work/gen/Maildir/new" | sed 's/^/bench: maildir size /'

cat > "$work/mailopt.conf" <<CONF
database = $work/mailopt.db
rules = ${MAILOPT_RULES:-$top/rules}
trusted_authserv_id = mx1.nordwind.example
CONF
export MAILOPT_CONFIG="$work/mailopt.conf"
"$mailopt" init >/dev/null
"$mailopt" profile import "$work/gen/profiles.csv" >/dev/null
# as after an install's `mailopt check`: the rules are known to compile,
# so the sweep compiles a pattern when a message first needs it
"$mailopt" rules check >/dev/null

# both runs start from the page cache in the same state: copy, then sync
cp -R "$work/gen/Maildir" "$work/md-base"
cp -R "$work/gen/Maildir" "$work/md-sweep"
sync

t0=$(date +%s.%N)
"$work/readmove" "$work/md-base" >/dev/null
t1=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" "$mailopt" sweep --no-flush "$work/md-sweep" >"$work/out"
t2=$(date +%s.%N)

awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v rss="$(cat "$work/rss")" 'BEGIN {
	b = t1 - t0; s = t2 - t1
	printf "bench: read+rename only: %.2f s (%.0f msg/s)\n", b, n / b
	printf "bench: mailopt sweep:    %.2f s (%.0f msg/s), peak RSS %d KiB\n", s, n / s, rss
	printf "bench: sweep / read+rename: %.1fx\n", s / b
}'
tail -n 1 "$work/out" | sed 's/^/bench: /'
