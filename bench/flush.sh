#!/bin/sh
# flush.sh — time `mailopt outbox flush` of many pending confirmations over SMTP to a local aiosmtpd.
#
#   sh bench/flush.sh [MAILS]     (default 2000)
#
# Makes MAILS profiles and one opt-out from each, sweeps them with
# --no-flush (MAILS confirmations pending), then times one flush to
# aiosmtpd's Mailbox handler on a loopback port and checks that every
# mail arrived. Needs a built mailopt (MAILOPT, default _build/mailopt)
# and python3-aiosmtpd. Prints figures; asserts only the count.
set -eu

n=${1:-2000}
top=$(cd "$(dirname "$0")/.." && pwd)
mailopt=${MAILOPT:-$top/_build/mailopt}
work=$(mktemp -d "${TMPDIR:-/tmp}/mailopt-flush.XXXXXX")
srv=
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null; rm -rf "$work"' EXIT

[ -x "$mailopt" ] || { echo "bench: build mailopt first ($mailopt)" >&2; exit 66; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	{ echo "bench: needs python3-aiosmtpd" >&2; exit 69; }

/usr/bin/python3 - "$n" "$work" <<'PY'
import os, sys
n, work = int(sys.argv[1]), sys.argv[2]
os.makedirs(work + "/md/new"); os.makedirs(work + "/md/cur"); os.makedirs(work + "/md/tmp")
with open(work + "/profiles.csv", "w") as f:
    f.write("email,name,company,country\n")
    for i in range(n):
        f.write("customer%d@example.com,Customer %d,Company %d,GB\n" % (i, i, i))
for i in range(n):
    with open("%s/md/new/%d.M%dP1.bench" % (work, 1764400000 + i, i), "w") as f:
        f.write("Return-Path: <customer%d@example.com>\nFrom: Customer %d <customer%d@example.com>\n"
                "To: sales@nordwind.example\nSubject: Unsubscribe\nDate: Sat, 29 Nov 2025 08:00:00 +0000\n"
                "Message-ID: <bench-%d@example.com>\nContent-Type: text/plain; charset=utf-8\n\n"
                "Please unsubscribe me.\n" % (i, i, i, i))
PY

port=$(/usr/bin/python3 "$top/tests/port.py" free)
cat > "$work/mailopt.conf" <<CONF
database = $work/mailopt.db
rules = ${MAILOPT_RULES:-$top/rules}
templates = $top/templates
from = Nordwind Sales <sales@nordwind.example>
smtp = smtp://127.0.0.1:$port
CONF
export MAILOPT_CONFIG="$work/mailopt.conf"
"$mailopt" init >/dev/null
"$mailopt" profile import "$work/profiles.csv" >/dev/null
"$mailopt" sweep --no-flush "$work/md" | tail -n 1 | sed 's/^/bench: /'

/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox \
    "$work/box" >"$work/smtpd.log" 2>&1 &
srv=$!
/usr/bin/python3 "$top/tests/port.py" wait "$port"

pending=$("$mailopt" outbox list | grep -c ' pending ')
t0=$(date +%s.%N)
"$mailopt" outbox flush | sed 's/^/bench: /'
t1=$(date +%s.%N)
got=$(ls "$work/box/new" | wc -l)
awk -v n="$pending" -v got="$got" -v t0="$t0" -v t1="$t1" 'BEGIN {
	s = t1 - t0
	printf "bench: %d pending, %d arrived: %.2f s, %.0f mails/s over one SMTP connection\n", n, got, s, n / s
	if (got != n)
		exit 1
}'
