#!/bin/sh
# procmail runs mailopt as a filter (then files by X-Mailopt-Result) and as
# an MDA (a request is consumed, anything else falls through to the inbox).
. "$srcdir/tests/lib.sh"

PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
[ -x "$PROCMAIL" ] || skip_all "no procmail at $PROCMAIL"

P="$FIX/procmail"
mo init >/dev/null && mo profile import "$P/profiles.csv" >/dev/null ||
	{ echo "Bail out! cannot set up the database"; exit 99; }

# procmail works in $MAILDIR: every path it hands on must be absolute
RULES=$(cd "$MAILOPT_RULES" && pwd)

# rcfile NAME RECIPES: a private rcfile; procmail clears the environment,
# so the rcfile sets what mailopt needs itself.
rcfile() {
	mkdir -p "$T/$1/Mail"
	{
		printf 'SHELL=/bin/sh\nPATH=/usr/bin:/bin\n'
		printf 'MAILDIR=%s\nDEFAULT=$MAILDIR/\n' "$T/$1/Mail"
		printf 'LOGFILE=%s\n' "$T/$1/procmail.log"
		printf 'MAILOPT_DB=%s\nMAILOPT_RULES=%s\nMAILOPT_CONFIG=%s\n' \
			"$MAILOPT_DB" "$RULES" "$MAILOPT_CONFIG"
		printf '%s\n' "$2"
	} > "$T/$1/rc"
}

# deliver_via NAME MSG: hand MSG to procmail with NAME's rcfile.
deliver_via() {
	env -i PATH=/usr/bin:/bin HOME="$T/$1" "$PROCMAIL" -m "$T/$1/rc" < "$2"
}

# only_file DIR: the single file in DIR, or nothing when there is not exactly one.
only_file() {
	[ "$(count "$1")" = 1 ] && find "$1" -maxdepth 1 -type f
}

# unmark FILE: the file without mailopt's header line (line 1, or line 2 below a From_ line).
unmark() {
	sed -e '1{/^From /{n;/^X-Mailopt-Result: /d;b};/^X-Mailopt-Result: /d}' "$1"
}

# --- as a filter -------------------------------------------------------
# "^^" anchors at the first header line, the one mailopt adds: a sender's
# own X-Mailopt-Result further down must not steer the filing.
# The fixtures end in an empty line, as procmail pads a filtered message
# that lacks one.
rcfile filter ":0 fw
| $MAILOPT filter

:0
* ^^X-Mailopt-Result: (applied|unchanged|duplicate)
\$MAILDIR/.Processed/

:0
* ^^X-Mailopt-Result: queued
\$MAILDIR/.Unmatched/"
M="$T/filter/Mail"

# filed MSG FOLDER OUTCOME DESC: procmail files MSG (and nothing else) in FOLDER,
# marked with OUTCOME, and the copy is the original plus that one line.
filed() {
	find "$M" -type f -path '*/new/*' | sort > "$T/before"
	exits 0 "$4: procmail succeeds" deliver_via filter "$1"
	find "$M" -type f -path '*/new/*' | sort > "$T/after"
	f=$(comm -13 "$T/before" "$T/after")
	is "$(printf '%s\n' "$f" | grep -c .)" 1 "$4: exactly one copy is delivered"
	case $f in
	"$M/$2${2:+/}new/"*) pass "$4: lands in ${2:-the inbox}" ;;
	*) fail "$4: lands in ${2:-the inbox}" "delivered: $f" ;;
	esac
	[ -f "$f" ] || return
	like "$(head -n 1 "$f")" "X-Mailopt-Result: $3" "$4: marked $3"
	unmark "$f" > "$T/unmarked"
	if cmp -s "$T/unmarked" "$1"; then
		pass "$4: the rest is the original byte for byte"
	else
		fail "$4: the rest is the original byte for byte" \
			"$(diff "$1" "$T/unmarked" | head -n 20)"
	fi
}

filed "$P/optout.eml" .Processed "applied; action=optout" "opt-out from a customer"
is "$(flag margaret.hale@example.com marketing_email)" false \
	"the customer's e-mail flag is now off"
like "$(head -n 1 "$f")" "profile=margaret.hale@example.com" "the header names the profile"
is "$(sql "SELECT count(*) FROM history h JOIN profile p ON p.id = h.profile_id
	WHERE p.email = 'margaret.hale@example.com' AND h.flag = 'marketing_email'
	AND h.new_value = 0")" 1 "the change is in the history"

filed "$P/question.eml" "" "ignored" "an ordinary sales question"
is "$(flag tomas.berger@example.net marketing_email)" true \
	"the sender's flags are untouched"

filed "$P/stranger.eml" .Unmatched "queued" "opt-out from an unknown address"
is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 1 \
	"it waits in the operator queue"

hist=$(sql "SELECT count(*) FROM history")
filed "$P/optout.eml" .Processed "duplicate" "the same opt-out again"
is "$(sql "SELECT count(*) FROM history")" "$hist" "the duplicate added no history"

filed "$P/forged.eml" "" "ignored" "a question with a forged X-Mailopt-Result"

is "$(count "$M/.Processed/new")" 2 ".Processed holds both copies of the opt-out"
is "$(count "$M/.Unmatched/new")" 1 ".Unmatched holds the unknown sender's request"
is "$(count "$M/new")" 2 "the inbox holds the two questions"

# --- as the delivery agent ---------------------------------------------
# A fresh database: the same messages are new to it.
MAILOPT_DB="$T/db2/mailopt.db"
mo init >/dev/null && mo profile import "$P/profiles.csv" >/dev/null ||
	{ echo "Bail out! cannot set up the second database"; exit 99; }
rcfile mda ":0 W
| $MAILOPT deliver"
M="$T/mda/Mail"

exits 0 "deliver: procmail takes the opt-out" deliver_via mda "$P/optout.eml"
is "$(find "$M" -type f -path '*/new/*' | wc -l | tr -d ' ')" 0 \
	"deliver: the request is consumed, no copy in the inbox"
is "$(flag margaret.hale@example.com marketing_email)" false \
	"deliver: the e-mail flag is now off"
is "$(flag margaret.hale@example.com marketing_postal)" false \
	"deliver: the postal flag is now off"

exits 0 "deliver: procmail takes the sales question" deliver_via mda "$P/question.eml"
f=$(only_file "$M/new")
if [ -n "$f" ] && cmp -s "$f" "$P/question.eml"; then
	pass "deliver: the question falls through to the inbox byte for byte"
else
	fail "deliver: the question falls through to the inbox byte for byte" \
		"$(find "$M" -type f; tail -n 5 "$T/mda/procmail.log" 2>/dev/null)"
fi
is "$(flag tomas.berger@example.net marketing_email)" true \
	"deliver: the question changed no flag"

exits 0 "deliver: the unknown sender's request is taken" deliver_via mda "$P/stranger.eml"
is "$(count "$M/new")" 1 "deliver: a queued request is not copied to the inbox"
is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 1 \
	"deliver: it waits in the operator queue"

done_testing
