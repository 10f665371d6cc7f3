#!/bin/sh
# queue.sh — time `mailopt queue list` and `queue show` of the same 20 queued requests over a small and a large customer base.
#
#   sh bench/queue.sh [SMALL] [LARGE]     (profiles; defaults 10000 and 1000000)
#
# Needs a built mailopt (MAILOPT, default _build/mailopt),
# ../shared/bench/gen-maildir (GEN) and /usr/bin/time. For each size:
# generate the profiles and 800 messages (one seed, so the requests are
# the same), import the profiles, sweep the first 20 messages that the
# generator expects to be queued, then time the queue commands. Prints
# figures and their ratio; asserts nothing. The large run takes minutes.
set -eu

small=${1:-10000}
large=${2:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

# secs CMD...: the elapsed seconds of CMD (its output discarded)
secs() {
	/usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>&1 || :
	tail -n 1 "$work/t"
}

run() {
	n=$1 d=$work/$1
	mkdir -p "$d"
	/usr/bin/python3 "$gen" --messages 800 --profiles "$n" --out "$d/gen" \
	    --seed 1 >/dev/null
	cat > "$d/mailopt.conf" <<CONF
database = $d/mailopt.db
rules = ${MAILOPT_RULES:-$top/rules}
CONF
	export MAILOPT_CONFIG="$d/mailopt.conf"
	"$mailopt" init >/dev/null
	t_import=$(secs "$mailopt" profile import "$d/gen/profiles.csv")
	mkdir -p "$d/md/new" "$d/md/cur" "$d/md/tmp"
	awk -F '\t' '$4 == "queued" { print $1 }' "$d/gen/truth.tsv" |
	    head -n 20 | while read -r f; do
		cp "$d/gen/Maildir/new/$f" "$d/md/new/"
	done
	"$mailopt" sweep -q --no-flush "$d/md" >/dev/null
	queued=$("$mailopt" queue list | grep -c '^#[0-9]' || :)
	t_list=$(secs "$mailopt" queue list)
	first=$("$mailopt" queue list | awk '/^#[0-9]/ { print substr($1, 2); exit }')
	t_show=$(secs "$mailopt" queue show "$first")
	printf 'bench: %8d profiles: import %6.2f s, %s queued, queue list %6.2f s, queue show %6.2f s\n' \
	    "$n" "$t_import" "$queued" "$t_list" "$t_show"
	echo "$t_list" > "$work/list.$n"
}

run "$small"
run "$large"
awk -v a="$(cat "$work/list.$small")" -v b="$(cat "$work/list.$large")" \
    'BEGIN { if (a > 0) printf "bench: queue list, large / small: %.1fx\n", b / a }'
