#!/bin/sh
# sweep.sh — measure `mailopt sweep` on a generated Maildir against merely reading and renaming the same files.
#
#   sh bench/sweep.sh [MESSAGES] [PROFILES]     (defaults 20000 and 5000)
#
# Sweeps the same fresh copy with --jobs 1 and with one thread a CPU, each
# with a prober taking the write lock beside it (bench/lockprobe.py).
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

jobs=$(nproc)
# one database a run, each as after an install's `mailopt check`: the
# rules are known to compile, so a sweep compiles a pattern when a
# message first needs it
for j in 1 "$jobs"; do
	cat > "$work/mailopt-$j.conf" <<CONF
database = $work/mailopt-$j.db
rules = ${MAILOPT_RULES:-$top/rules}
trusted_authserv_id = mx1.nordwind.example
CONF
	MAILOPT_CONFIG="$work/mailopt-$j.conf" "$mailopt" init >/dev/null
	MAILOPT_CONFIG="$work/mailopt-$j.conf" "$mailopt" profile import "$work/gen/profiles.csv" >/dev/null
	MAILOPT_CONFIG="$work/mailopt-$j.conf" "$mailopt" rules check >/dev/null
done

# every run starts from the page cache in the same state: copy, then sync
cp -R "$work/gen/Maildir" "$work/md-base"
for j in 1 "$jobs"; do
	cp -R "$work/gen/Maildir" "$work/md-$j"
done
sync

t0=$(date +%s.%N)
"$work/readmove" "$work/md-base" >/dev/null
t1=$(date +%s.%N)
base=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
awk -v n="$n" -v b="$base" -v j="$jobs" 'BEGIN {
	printf "bench: read+rename only:   %.2f s (%.0f msg/s), %d CPUs\n", b, n / b, j
}'

# a prober beside each sweep takes the write lock every millisecond: the
# longest it waited is the longest the sweep held the lock
for j in 1 "$jobs"; do
	rm -f "$work/stop"
	/usr/bin/python3 "$top/bench/lockprobe.py" "$work/mailopt-$j.db" "$work/stop" > "$work/lock-$j" &
	probe=$!
	t0=$(date +%s.%N)
	MAILOPT_CONFIG="$work/mailopt-$j.conf" /usr/bin/time -f '%M' -o "$work/rss-$j" \
	    "$mailopt" sweep --no-flush --jobs "$j" "$work/md-$j" > "$work/out-$j"
	t1=$(date +%s.%N)
	touch "$work/stop"
	wait $probe
	awk -v n="$n" -v j="$j" -v t0="$t0" -v t1="$t1" -v b="$base" \
	    -v rss="$(cat "$work/rss-$j")" -v lock="$(cat "$work/lock-$j")" 'BEGIN {
		s = t1 - t0
		printf "bench: sweep --jobs %-2d     %.2f s (%.0f msg/s), %.1fx read+rename, peak RSS %d KiB, longest write lock %d ms\n", j, s, n / s, s / b, rss, lock
	}'
done
cmp -s "$work/out-1" "$work/out-$jobs" || echo "bench: the reports of --jobs 1 and --jobs $jobs differ" >&2
tail -n 1 "$work/out-1" | sed 's/^/bench: /'
