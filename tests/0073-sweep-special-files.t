#!/bin/sh
# sweep opens each name in new/ without blocking or following links:
# a FIFO, a symlink and a directory are reported once each as
# "skipped: not a regular file" and left where they are, the mail beside
# them is processed; the text report escapes file names C-style (a name
# with a newline cannot forge a line), --json keeps them exact.
. "$srcdir/tests/lib.sh"

command -v timeout >/dev/null || skip_all "no timeout(1)"
MARGARET=margaret.hale@example.com
MD="$T/md"
FORGED='1.eml applied action=optout-all profile=someone@example.com marketing_email=1>0'
NLNAME="$(printf 'x\n%s' "$FORGED")"

mo init >/dev/null
mo profile import "$FIX/outbox/profiles.csv" >/dev/null
mkmaildir "$MD"
cp "$FIX/outbox/optout.eml" "$MD/new/100.optout"
cp "$SAMPLES/new/1764404348.M12P2250.mx1.nordwind.example" "$MD/new/200.question"
cp "$FIX/outbox/optout.eml" "$T/elsewhere.eml"
mkfifo "$MD/new/300.fifo"
ln -s "$T/elsewhere.eml" "$MD/new/400.link"
mkdir "$MD/new/500.dir"
printf 'Subject: hello\n\nwhat do your catalogues cost?\n' > "$MD/new/$NLNAME"

exits 0 "sweep --dry-run --json with a FIFO, a symlink and a directory in new/ finishes" \
	timeout 20 "$MAILOPT" sweep --dry-run --json "$MD"
/usr/bin/python3 - "$T/out" "$NLNAME" > "$T/json" <<'PY'
import json, sys
want = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if o["outcome"] == "skipped":
        print("skipped", o["file"], o["reason"], o["message_id"], o["changes"])
    elif o["file"] == want:
        print("exact", o["outcome"])
PY
is "$(cat "$T/json")" "skipped 300.fifo not a regular file None None
skipped 400.link not a regular file None None
skipped 500.dir not a regular file None None
exact ignored" "  --json: one skipped object each, with its reason; the newline name exact"

exits 0 "sweep with a FIFO, a symlink and a directory in new/ finishes" \
	timeout 20 "$MAILOPT" sweep "$MD"
cp "$T/out" "$T/report"
for n in 300.fifo 400.link 500.dir; do
	is "$(grep -c "^$n skipped: not a regular file\$" "$T/report")" 1 \
		"  $n is reported once as skipped: not a regular file"
done
[ -p "$MD/new/300.fifo" ] && pass "  the FIFO is left in new/" || fail "  the FIFO is left in new/"
[ -L "$MD/new/400.link" ] && pass "  the symlink is left in new/" || fail "  the symlink is left in new/"
[ -d "$MD/new/500.dir" ] && pass "  the directory is left in new/" || fail "  the directory is left in new/"
is "$(flag $MARGARET marketing_email)" false "  the opt-out beside them is applied"
is "$(count "$MD/.Processed/cur")" 1 "  and filed"
is "$(find "$MD/cur" -type f -exec printf . \; | wc -c | tr -d ' ')" 2 \
	"  the question and the newline name go to cur/"
like "$(tail -1 "$T/report")" "2 ignored, 0 errors, 3 skipped (not a regular file)" \
	"  the summary counts the skipped names"
is "$(wc -l < "$T/report" | tr -d ' ')" 7 "  one line per name and the summary"
is "$(grep -c '^1.eml applied' "$T/report")" 0 "  no line is forged by a file name"
like "$(cat "$T/report")" 'x\n1.eml\x20applied\x20action=optout-all\x20profile=someone@example.com\x20marketing_email=1>0 ignored' \
	"  the name is escaped: \\n for the newline, \\x20 for a space"
is "$(sql "SELECT count(*) FROM history")" 3 "  history: only Margaret's three flags"

# the next run: the special names are reported again, nothing else is there
exits 0 "a second sweep" timeout 20 "$MAILOPT" sweep "$MD"
like "$(tail -1 "$T/out")" "sweep: 0 messages" "  finds no mail"
is "$(grep -c 'skipped: not a regular file$' "$T/out")" 3 "  and reports the three names again"

done_testing
