#!/bin/sh
# sweep on a terminal shows a progress line (count, rate, time left) on
# standard error and erases it before the report and the summary; never
# when standard error is no terminal. -q prints only the summary.
. "$srcdir/tests/lib.sh"

command -v script >/dev/null || skip_all "no script(1) to give sweep a terminal"
MD="$T/md"
mo init >/dev/null
mo profile import "$FIX/outbox/profiles.csv" >/dev/null
mkmaildir "$MD"
cp "$FIX/outbox/optout.eml" "$MD/new/100.optout"
cp "$SAMPLES/new/1764404348.M12P2250.mx1.nordwind.example" "$MD/new/200.question"
cp "$MD/new/200.question" "$MD/new/300.question"

exits 0 "sweep -q --dry-run" mo sweep -q --dry-run --no-flush "$MD"
is "$(cat "$T/out")" "sweep: 3 messages: 1 applied, 0 unchanged, 0 queued, 0 duplicate, 2 ignored, 0 errors (dry run: nothing changed)" \
	"-q prints the summary alone"
is "$(cat "$T/err")" "" "and nothing on standard error"

exits 0 "sweep --dry-run, standard error no terminal" mo sweep --dry-run --no-flush "$MD"
is "$(grep -c . "$T/out")" 4 "a line per message and the summary"
is "$(cat "$T/err")" "" "no progress line when standard error is no terminal"

exits 64 "sweep -q --json is a usage error: JSON has no summary" mo sweep -q --json "$MD"

# script(1) runs the sweep on a terminal of its own; what the terminal
# got is its output. Standard output goes to a file, as with a redirect.
SHELL=/bin/sh script -qc "MAILOPT_DB=$MAILOPT_DB $MAILOPT sweep --dry-run --no-flush $MD > $T/report" /dev/null > "$T/tty" 2>&1
ok_if() { if [ "$1" = 0 ]; then pass "$2"; else fail "$2" "$(od -c "$T/tty" | head -5)"; fi; }
tr '\r' '\n' < "$T/tty" | grep -q '^sweep: [1-3] of 3 messages, [0-9]*/s'
ok_if $? "on a terminal, the count and the rate are shown"
[ "$(tail -c 4 "$T/tty" | od -An -c | tr -d ' ')" = '\r033[K' ]
ok_if $? "and the line is erased at the end"
is "$(grep -c . "$T/report")" 4 "the report is unchanged"

SHELL=/bin/sh script -qc "MAILOPT_DB=$MAILOPT_DB $MAILOPT sweep -q --dry-run --no-flush $MD > $T/report" /dev/null > "$T/tty" 2>&1
is "$(cat "$T/tty")" "" "-q shows no progress line on a terminal"
done_testing
