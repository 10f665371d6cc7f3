#!/bin/sh
# procmail runs mailopt as a filter (then files by X-Mailopt-Result) and as
# an MDA (a request is consumed, anything else falls through to the inbox);
# both as a private filter (-m) and as an MTA runs it (-f SENDER), where
# pipes get the message below an mbox "From " line.
. "$srcdir/tests/lib.sh"

PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
[ -x "$PROCMAIL" ] || skip_all "no procmail at $PROCMAIL"

P="$FIX/procmail"
# procmail works in $MAILDIR: every path it hands on must be absolute
RULES=$(cd "$MAILOPT_RULES" && pwd)

# fresh NAME: a new database for NAME, with the fixture profiles.
fresh() {
	mkdir -p "$T/$1"
	MAILOPT_DB="$T/$1/db/mailopt.db"
	mo init >/dev/null && mo profile import "$P/profiles.csv" >/dev/null ||
		{ echo "Bail out! cannot set up the database for $1"; exit 99; }
}

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

# deliver_via NAME MSG: hand MSG to procmail with NAME's rcfile, the way
# $HOW says: "-m" (a filter of one's own) or "-f SENDER" (as an MTA does).
deliver_via() {
	env -i PATH=/usr/bin:/bin HOME="$T/$1" "$PROCMAIL" $HOW "$T/$1/rc" < "$2"
}

# only_file DIR: the single file in DIR, or nothing when there is not exactly one.
only_file() {
	[ "$(count "$1")" = 1 ] && find "$1" -maxdepth 1 -type f
}

# unmark FILE: the file without mailopt's header line (line 1, or line 2 below a From_ line).
unmark() {
	sed -e '1{/^From /{n;/^X-Mailopt-Result: /d;b};/^X-Mailopt-Result: /d}' "$1"
}

# filed MSG FOLDER OUTCOME DESC: procmail files MSG (and nothing else) in FOLDER,
# marked with OUTCOME, and the copy is the original plus that one line.
filed() {
	find "$M" -type f -path '*/new/*' | sort > "$T/before"
	exits 0 "$4: procmail succeeds" deliver_via "$NAME" "$1"
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

# as_filter HOW LABEL TAG: mailopt filter, then procmail files by the result.
# The conditions are anchored at the top of the header (below procmail's
# From_ line, if any), where mailopt puts its line: a sender's own
# X-Mailopt-Result further down must not steer the filing.
# The fixtures end in an empty line, as procmail pads a filtered message
# that lacks one.
as_filter() {
	HOW=$1 NAME="filter$3"
	fresh "$NAME"
	rcfile "$NAME" ":0 fw
| $MAILOPT filter

:0
* ^^(From .*\$)?X-Mailopt-Result: (applied|unchanged|duplicate)
\$MAILDIR/.Processed/

:0
* ^^(From .*\$)?X-Mailopt-Result: queued
\$MAILDIR/.Unmatched/"
	M="$T/$NAME/Mail"
	echo "# mailopt filter under procmail $HOW"

	filed "$P/optout.eml" .Processed "applied; action=optout" \
		"filter$2: opt-out from a customer"
	like "$(head -n 1 "$f")" "profile=margaret.hale@example.com" \
		"filter$2: the header names the customer's profile"
	is "$(flag margaret.hale@example.com marketing_email)" false \
		"filter$2: the customer's e-mail flag is now off"
	is "$(sql "SELECT count(*) FROM history h JOIN profile p ON p.id = h.profile_id
		WHERE p.email = 'margaret.hale@example.com'
		AND h.flag = 'marketing_email' AND h.new_value = 0
		AND h.message_id LIKE '%20240514081240.GA2817@mail.example.com%'")" 1 \
		"filter$2: the change is in the history, with the Message-ID"

	filed "$P/question.eml" "" "ignored" "filter$2: an ordinary sales question"
	is "$(flag tomas.berger@example.net marketing_email)" true \
		"filter$2: the sender's flags are untouched"

	filed "$P/stranger.eml" .Unmatched "queued" \
		"filter$2: opt-out from an unknown address"
	is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 1 \
		"filter$2: it waits in the operator queue"

	hist=$(sql "SELECT count(*) FROM history")
	filed "$P/optout.eml" .Processed "duplicate" "filter$2: the same opt-out again"
	is "$(sql "SELECT count(*) FROM history")" "$hist" \
		"filter$2: the duplicate added no history"

	filed "$P/forged.eml" "" "ignored" \
		"filter$2: a question with a forged X-Mailopt-Result"

	is "$(count "$M/.Processed/new")" 2 \
		"filter$2: .Processed holds both copies of the opt-out"
	is "$(count "$M/.Unmatched/new")" 1 \
		"filter$2: .Unmatched holds the unknown sender's request"
	is "$(count "$M/new")" 2 "filter$2: the inbox holds the two questions"
}

# as_mda HOW LABEL TAG: mailopt deliver takes requests; the rest goes to the inbox.
as_mda() {
	HOW=$1 NAME="mda$3"
	fresh "$NAME"
	rcfile "$NAME" ":0 W
| $MAILOPT deliver"
	M="$T/$NAME/Mail"
	echo "# mailopt deliver under procmail $HOW"

	exits 0 "mda$2: procmail takes the opt-out" deliver_via "$NAME" "$P/optout.eml"
	is "$(find "$M" -type f -path '*/new/*' | wc -l | tr -d ' ')" 0 \
		"mda$2: the request is consumed, no copy in the inbox"
	is "$(flag margaret.hale@example.com marketing_email)" false \
		"mda$2: the e-mail flag is now off"
	is "$(flag margaret.hale@example.com marketing_postal)" false \
		"mda$2: the postal flag is now off"
	is "$(sql "SELECT count(*) > 0 AND count(*) = sum(message_id LIKE
		'%20240514081240.GA2817@mail.example.com%') FROM history")" 1 \
		"mda$2: the history names the request's Message-ID"

	exits 0 "mda$2: procmail takes the sales question" \
		deliver_via "$NAME" "$P/question.eml"
	f=$(only_file "$M/new")
	if [ -n "$f" ] && cmp -s "$f" "$P/question.eml"; then
		pass "mda$2: the question falls through to the inbox byte for byte"
	else
		fail "mda$2: the question falls through to the inbox byte for byte" \
			"$(find "$M" -type f; tail -n 5 "$T/$NAME/procmail.log" 2>/dev/null)"
	fi
	is "$(flag tomas.berger@example.net marketing_email)" true \
		"mda$2: the question changed no flag"

	exits 0 "mda$2: the unknown sender's request is taken" \
		deliver_via "$NAME" "$P/stranger.eml"
	is "$(count "$M/new")" 1 "mda$2: a queued request is not copied to the inbox"
	is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 1 \
		"mda$2: it waits in the operator queue"
}

as_filter -m "" ""
as_mda -m "" ""
as_filter "-f j.bloggs@example.org" " (From_ line)" -fromline
as_mda "-f j.bloggs@example.org" " (From_ line)" -fromline

done_testing
