#!/bin/sh
# A sweep holds the database's write lock only to record what it read:
# reading, parsing and classifying happen outside any transaction, so a
# deliver beside a sweep of large messages does not wait for them, and
# never exits 75 for lack of the lock (here it may wait 300 ms at most).
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to write large messages"
MD="$T/md"
mo init >/dev/null
mo profile import "$FIX/outbox/profiles.csv" >/dev/null
mkmaildir "$MD"
# 200 messages of 200 KiB of ordinary text: slow to read, none a request
/usr/bin/python3 - "$MD/new" <<'PY'
import sys
para = ("Dear team, following our call of last week we would like to order "
        "the thermometers, hygrometers and data loggers listed below, "
        "delivered to our laboratory before the end of the quarter.\n")
for i in range(200):
    with open(f"{sys.argv[1]}/1700000000.M{i:03d}P1.big", "w") as f:
        f.write(f"From: Buyer {i} <buyer{i}@example.org>\n"
                f"To: sales@nordwind.example\nSubject: Order {i}\n"
                f"Message-ID: <order-{i}@example.org>\n\n")
        f.write(para * (200 * 1024 // len(para)))
PY

mo sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/sweep.err" &
sweep=$!
: > "$T/codes"
i=0
while [ $i -lt 50 ]; do
	sed "s/optout-1@/optout-1-$i@/" "$FIX/outbox/optout.eml" > "$T/req.eml"
	MAILOPT_BUSY_TIMEOUT=300 "$MAILOPT" deliver --no-flush < "$T/req.eml" > /dev/null 2>> "$T/deliver.err"
	echo $? >> "$T/codes"
	i=$((i + 1))
done
running=no
kill -0 $sweep 2>/dev/null && running=yes
wait $sweep
is "$?" 0 "the sweep of 200 large messages succeeds"
is "$(tail -n 1 "$T/sweep.out")" "sweep: 200 messages: 0 applied, 0 unchanged, 0 queued, 0 duplicate, 200 ignored, 0 errors" \
	"and files every message"
is "$(grep -c . "$T/codes")" 50 "50 delivers ran beside it"
is "$(grep -vc '^0$' "$T/codes")" 0 "none exited other than 0 (none 75 for lack of the lock)"
echo "# the sweep was still running when the last deliver ended: $running"
done_testing
