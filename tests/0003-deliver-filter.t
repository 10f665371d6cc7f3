#!/bin/sh
# deliver and filter, one message on standard input: exit codes, the same
# message seen twice (by deliver, then by sweep), a locked or missing
# database, deliver --dry-run, filter's byte-exact pass-through with its
# X-Mailopt-Result line (LF, CRLF, mbox From_ line), and messages larger
# than max_message_size.
. "$srcdir/tests/lib.sh"

S="$SAMPLES/new"
E2E="$FIX/e2e"
UNSUB="$S/1764400112.M1P2131.mx1.nordwind.example"	# Tom: Subject "Unsubscribe"
POSTAL="$S/1764400497.M2P2140.mx1.nordwind.example"	# François: no more catalogues by post
REVIEW="$S/1764402802.M8P2214.mx1.nordwind.example"	# Lars: delete my data
BODYADDR="$S/1764403577.M10P2231.mx1.nordwind.example"	# Jane names her address in the text
QUESTION="$S/1764404348.M12P2250.mx1.nordwind.example"	# Anna asks for a quote
CRLF="$E2E/crlf-unsubscribe.eml"			# Anna: "Unsubscribe", CRLF line ends
MBOX="$E2E/mbox-from-line.eml"				# Lars: "Unsubscribe" after an mbox From_ line
BIG="$E2E/oversize-unsubscribe.eml"			# Olivia: "Unsubscribe", 2 KB
TOM=tom.hughes@hughes-print.example
TOM_MID=20251129070827.GA18842@hughes-print.example

# same_as FILE DESC: $T/out minus its first line is FILE, byte for byte.
same_as() {
	tail -n +2 "$T/out" > "$T/rest"
	if cmp -s "$T/rest" "$1"; then
		pass "$2"
	else
		fail "$2" "$(cmp "$T/rest" "$1" 2>&1)"
	fi
}

# first: the first line of $T/out.
first() {
	head -n 1 "$T/out"
}

exits 0 "init" mo init
exits 0 "the sample profiles import" mo profile import "$SAMPLES/profiles.csv"

# --- deliver -------------------------------------------------------------
exits 0 "deliver: a request is applied, exit 0" mo deliver < "$UNSUB"
is "$(flags $TOM)" "false false false" "deliver: the flags are off"
is "$(sql "SELECT count(*) FROM history WHERE message_id = '$TOM_MID' AND rule IS NOT NULL")" 3 \
	"deliver: three history rows with its Message-ID and rule"
exits 0 "deliver: the same message again is a duplicate, exit 0" mo deliver < "$UNSUB"
is "$(sql "SELECT count(*) FROM history WHERE message_id = '$TOM_MID'")" 3 \
	"deliver: no history for the duplicate"

mkmaildir "$T/md"
cp "$UNSUB" "$T/md/new/1764409999.M1P3001.mx1.nordwind.example"
exits 0 "sweep after deliver" mo sweep "$T/md"
like "$(cat "$T/out")" "1764409999.M1P3001.mx1.nordwind.example duplicate" \
	"sweep: a message deliver already handled is a duplicate"
if [ -f "$T/md/.Processed/cur/1764409999.M1P3001.mx1.nordwind.example:2,S" ]; then
	pass "sweep: the duplicate is filed in .Processed"
else
	fail "sweep: the duplicate is filed in .Processed" "$(cd "$T/md" && find . -type f)"
fi
is "$(sql "SELECT count(*) FROM history WHERE message_id = '$TOM_MID'")" 3 \
	"sweep: no second history rows"

exits 1 "deliver: a message that is no request exits 1" mo deliver < "$QUESTION"
is "$(flags anna.becker@becker-technik.example)" "true true true" \
	"deliver: a non-request changes no flag"

# --- deliver --dry-run ---------------------------------------------------
sql .dump > "$T/db.before"
exits 0 "deliver --dry-run: exit 0 for a request" mo deliver --dry-run < "$POSTAL"
if /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' < "$T/out" 2> "$T/err"; then
	pass "deliver --dry-run prints JSON"
else
	fail "deliver --dry-run prints JSON" "$(cat "$T/out" "$T/err")"
fi
like "$(cat "$T/out")" '"outcome":"applied","action":"optout-postal"' \
	"deliver --dry-run: what would happen"
like "$(cat "$T/out")" '"changes":{"marketing_postal":[true,false]}' \
	"deliver --dry-run: the change it would make"
sql .dump > "$T/db.after"
if cmp -s "$T/db.before" "$T/db.after"; then
	pass "deliver --dry-run changes nothing in the database"
else
	fail "deliver --dry-run changes nothing in the database" \
		"$(diff "$T/db.before" "$T/db.after" | head -20)"
fi

# --- a locked database ---------------------------------------------------
MAILOPT_BUSY_TIMEOUT=200
export MAILOPT_BUSY_TIMEOUT
hold_lock
exits 75 "deliver: a locked database is a temporary failure, 75" mo deliver < "$POSTAL"
exits 0 "filter: a locked database still lets the message through, exit 0" \
	mo filter < "$POSTAL"
like "$(first)" "X-Mailopt-Result: error;" "filter: marked error"
same_as "$POSTAL" "filter: the message follows unchanged"
exits 75 "filter -x: a locked database exits 75" mo filter -x < "$POSTAL"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "filter -x: nothing written then"
release_lock
unset MAILOPT_BUSY_TIMEOUT
is "$(flags francois.martin@martin-sa.example)" "true true true" \
	"the locked database kept the flags"
exits 0 "deliver: once the lock is gone the request is applied" mo deliver < "$POSTAL"
is "$(flags francois.martin@martin-sa.example)" "true false true" \
	"deliver: marketing_postal is off"

# --- a missing database --------------------------------------------------
exits 0 "filter: a missing database still lets a request through, exit 0" \
	mo --db "$T/nowhere/mailopt.db" filter < "$POSTAL"
like "$(first)" "X-Mailopt-Result: error;" "filter: marked error"
same_as "$POSTAL" "filter: the message follows unchanged"
exits 75 "filter -x: a missing database exits 75" \
	mo --db "$T/nowhere/mailopt.db" filter -x < "$POSTAL"
exits 0 "filter: a message that is no request needs no database" \
	mo --db "$T/nowhere/mailopt.db" filter -x < "$QUESTION"
like "$(first)" "X-Mailopt-Result: ignored;" "filter: marked ignored"
same_as "$QUESTION" "filter: the message follows unchanged"

# --- filter --------------------------------------------------------------
exits 0 "filter: a request, exit 0" mo filter < "$BODYADDR"
like "$(first)" "X-Mailopt-Result: applied; action=optout-all; rule=" \
	"filter: outcome and action on the first line"
like "$(first)" "; profile=jane.doe@doe-consulting.example" "filter: the profile"
unlike "$(first)" "rule=-" "filter: the rule"
same_as "$BODYADDR" "filter: the message follows byte for byte"
is "$(flag jane.doe@doe-consulting.example marketing_email)" false "filter applied the request"

exits 0 "filter: a review request, exit 0" mo filter < "$REVIEW"
like "$(first)" "X-Mailopt-Result: queued; action=review; rule=" "filter: queued for review"
like "$(first)" "; profile=lars.nielsen@nielsen-as.example" "filter: with the profile found"
same_as "$REVIEW" "filter: the message with its attachment follows byte for byte"

exits 0 "filter: not a request, exit 0" mo filter < "$QUESTION"
is "$(first)" "X-Mailopt-Result: ignored; action=-; rule=-; profile=-" \
	"filter: ignored, nothing else to say"
same_as "$QUESTION" "filter: the message follows byte for byte"

exits 0 "filter: CRLF input" mo filter < "$CRLF"
like "$(first)" "X-Mailopt-Result: applied; action=optout-all;" "filter: CRLF request applied"
is "$(head -n 1 "$T/out" | tail -c 2 | od -An -tx1 | tr -d ' ')" 0d0a \
	"filter: the added line ends in CRLF too"
same_as "$CRLF" "filter: CRLF message follows byte for byte"
is "$(flags anna.becker@becker-technik.example)" "false false false" "filter: CRLF request changed the flags"

# procmail hands pipes the mbox From_ line too: deliver reads past it
exits 0 "deliver --dry-run: a message after an mbox From_ line is understood" \
	mo deliver --dry-run < "$MBOX"
like "$(cat "$T/out")" '"outcome":"applied","action":"optout-all"' \
	"deliver --dry-run: the request after the From_ line would be applied"
exits 0 "filter: mbox From_ line" mo filter < "$MBOX"
is "$(head -n 1 "$T/out")" "$(head -n 1 "$MBOX")" "filter: the From_ line stays first"
like "$(sed -n 2p "$T/out")" "X-Mailopt-Result: applied; action=optout-all;" \
	"filter: the result follows it, and the request is understood"
sed 2d "$T/out" > "$T/rest"
if cmp -s "$T/rest" "$MBOX"; then
	pass "filter: the rest is the message byte for byte"
else
	fail "filter: the rest is the message byte for byte" "$(cmp "$T/rest" "$MBOX" 2>&1)"
fi
is "$(flags lars.nielsen@nielsen-as.example)" "false false false" "filter: mbox request changed the flags"

exits 0 "filter: a duplicate, exit 0" mo filter < "$UNSUB"
like "$(first)" "X-Mailopt-Result: duplicate; action=optout-all;" "filter: marked duplicate"

# --- larger than max_message_size ----------------------------------------
exits 0 "deliver --dry-run: the big message is a request when size allows" \
	mo deliver --dry-run < "$BIG"
like "$(cat "$T/out")" '"outcome":"applied","action":"optout-all"' \
	"deliver --dry-run: it would be applied"
printf 'max_message_size = 1k\n' > "$T/small.conf"
exits 1 "deliver: a message over max_message_size is ignored, exit 1" \
	mo --config "$T/small.conf" deliver < "$BIG"
is "$(flags olivia.brown@brown-associates.example)" "true false false" \
	"deliver: its flags are unchanged"
exits 0 "filter: a message over max_message_size, exit 0" \
	mo --config "$T/small.conf" filter < "$BIG"
is "$(first)" "X-Mailopt-Result: ignored; action=-; rule=-; profile=-" "filter: marked ignored"
same_as "$BIG" "filter: passed through whole"
is "$(flags olivia.brown@brown-associates.example)" "true false false" \
	"filter: its flags are unchanged"

done_testing
