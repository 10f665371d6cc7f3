#!/bin/sh
# The operator's queue: requests no single profile took are listed oldest
# first with their best candidate and flagged once past the deadline in
# business days; show ranks the candidates with their evidence; assign
# applies a request as if it had matched and names the operator in the
# history; dismiss keeps the record; unknown entries and profiles are
# errors that change nothing.
. "$srcdir/tests/lib.sh"

Q="$FIX/queue"
TZ=UTC
export TZ

# at DATE: seconds since the epoch of a UTC date, for MAILOPT_NOW.
at() {
	date -u -d "$1" +%s
}

# deliver_at DATE FILE: deliver FILE with the clock at DATE.
deliver_at() {
	MAILOPT_NOW=$(at "$1") mo deliver < "$2"
}

# json_field ID KEY: KEY of entry ID in "queue list --json" on stdin
# (best.email for the best candidate's address).
json_field() {
	/usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["id"] == int(sys.argv[1]):
        v = o
        for k in sys.argv[2].split("."):
            v = v[k] if v is not None else None
        print(json.dumps(v))
' "$1" "$2"
}

# candidates_of ID: the ranked candidate lines of queue show ID.
candidates_of() {
	mo queue show "$1" | grep -E '^  [0-9]+\. '
}

mo init >/dev/null && mo profile import "$Q/profiles.csv" >/dev/null ||
	{ echo "Bail out! cannot set up the database"; exit 99; }

# Friday 28 November 2025, a minute apart: ids 1..6 in this order.
n=0
for f in phone name two-addresses review stranger hostile; do
	exits 0 "$f.eml is taken by deliver" \
		deliver_at "2025-11-28 12:0$n:00" "$Q/$f.eml"
	n=$((n + 1))
done
is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 6 "six requests wait"
is "$(sql "SELECT p.email FROM queue q JOIN profile p ON p.id = q.profile_id WHERE q.id = 4")" \
	marco.bianchi@bianchi-impianti.example "the review request keeps the profile found"

# --- queue list ----------------------------------------------------------
NOW=$(at "2025-11-28 12:30:00")
exits 0 "queue list" env MAILOPT_NOW="$NOW" "$MAILOPT" queue list
cp "$T/out" "$T/list"
is "$(grep '^#' "$T/list" | cut -d ' ' -f 1 | tr '\n' ' ')" "#1 #2 #3 #4 #5 #6 " \
	"oldest first"
like "$(grep '^#1 ' "$T/list")" "received 2025-11-28 12:00, waiting 30m, due 2025-12-12 12:00" \
	"an entry shows when it came, how long it waited and when it is due"
like "$(cat "$T/list")" "    from:     pk.berlin@gmail.example
    subject:  Unsubscribe
    action:   optout-all
    reason:   no profile for the sender or the addresses in the text
    best:     peter.kowalski@kowalski-bau.example (Peter Kowalski), score " \
	"sender, subject, action, reason and the best candidate"
like "$(cat "$T/list")" "best:     helen.ward@wardandsons.example (Helen Ward)" \
	"the best candidate of a name and company match"
is "$(sed -n '/^#5 /,/^$/p' "$T/list" | grep 'best:' | sed 's/ *best: *//')" "no candidate" \
	"a stranger has no candidate"
is "$(tail -n 1 "$T/list")" "queue: 6 open, 0 overdue (deadline 10 business days)" \
	"the summary counts open and overdue entries"
unlike "$(cat "$T/list")" "OVERDUE" "nothing is overdue after half an hour"

# --- queue list --json -----------------------------------------------------
if [ -x /usr/bin/python3 ]; then
	MAILOPT_NOW=$NOW mo queue list --json > "$T/json"
	is "$(wc -l < "$T/json" | tr -d ' ')" 6 "--json: a line per entry"
	is "$(json_field 1 received < "$T/json")" '"2025-11-28T12:00:00Z"' \
		"--json: received in UTC"
	is "$(json_field 1 due < "$T/json")" '"2025-12-12T12:00:00Z"' "--json: due"
	is "$(json_field 1 age_seconds < "$T/json")" 1800 "--json: age in seconds"
	is "$(json_field 1 overdue < "$T/json")" false "--json: not overdue"
	is "$(json_field 1 subject < "$T/json")" '"Unsubscribe"' "--json: the subject"
	is "$(json_field 1 best.email < "$T/json")" '"peter.kowalski@kowalski-bau.example"' \
		"--json: the best candidate"
	is "$(json_field 3 candidates < "$T/json")" 2 "--json: the number of candidates"
	is "$(json_field 4 profile < "$T/json")" '"marco.bianchi@bianchi-impianti.example"' \
		"--json: the profile found"
	is "$(json_field 5 best < "$T/json")" null "--json: no candidate is null"
else
	pass "# SKIP no /usr/bin/python3 to read --json"
fi

# --- overdue: business days --------------------------------------------------
# Ten business days from Friday 12:00 end on Friday two weeks later at 12:00.
MAILOPT_NOW=$(at "2025-12-12 11:59:00") mo queue list > "$T/o1"
is "$(tail -n 1 "$T/o1")" "queue: 6 open, 0 overdue (deadline 10 business days)" \
	"a minute before the tenth business day ends nothing is overdue"
MAILOPT_NOW=$(at "2025-12-12 12:03:30") mo queue list > "$T/o2"
is "$(tail -n 1 "$T/o2")" "queue: 6 open, 4 overdue (deadline 10 business days)" \
	"after it the entries that came earlier than that are overdue"
like "$(grep '^#1 ' "$T/o2")" ", OVERDUE since 2025-12-12 12:00" "an overdue entry says since when"
like "$(grep '^#6 ' "$T/o2")" ", due 2025-12-12 12:05" "a later one is still due"
if [ -x /usr/bin/python3 ]; then
	is "$(MAILOPT_NOW=$(at "2025-12-12 12:03:30") mo queue list --json | json_field 1 overdue)" \
		true "--json: overdue"
fi
echo "deadline_days = 1" >> "$MAILOPT_CONFIG"
MAILOPT_NOW=$(at "2025-12-01 11:59:00") mo queue list > "$T/o3"
is "$(tail -n 1 "$T/o3")" "queue: 6 open, 0 overdue (deadline 1 business day)" \
	"deadline_days = 1: the weekend does not count, nothing is overdue on Monday morning"
like "$(grep '^#1 ' "$T/o3")" "due 2025-12-01 12:00" "due on Monday at the hour it came on Friday"
MAILOPT_NOW=$(at "2025-12-01 12:00:30") mo queue list > "$T/o4"
is "$(tail -n 1 "$T/o4")" "queue: 6 open, 1 overdue (deadline 1 business day)" \
	"on Monday after the hour it is overdue"
: > "$MAILOPT_CONFIG"

# --- queue show: candidates with evidence ---------------------------------
exits 0 "queue show" mo queue show 1
cp "$T/out" "$T/show1"
# shown TEXT DESC: queue show 1 says TEXT.
shown() {
	like "$(cat "$T/show1")" "$1" "$2"
}
like "$(head -n 1 "$T/show1")" "queue entry 1: open" "show names the entry and its state"
shown "    queued:   no profile for the sender or the addresses in the text" \
	"show says why it was queued"
shown "    rule:     en-" "show names the rule that fired"
shown "  From: PK <pk.berlin@gmail.example>
  To: sales@nordwind.example
  Subject: Unsubscribe
  Message-ID: <queue-phone-1@gmail.example>" "show lists the headers"
shown "text the rules read (quotes and signature removed):
  | Please unsubscribe me, I write from my private address." \
	"show has the text the rules read"
unlike "$(sed -n '/^text the rules read/,/^whole text/p' "$T/show1")" "901820" \
	"  without the signature"
like "$(sed -n '/^whole text/,/^candidates/p' "$T/show1")" "  | Tel. +49 (0)30 901820-77" \
	"and the whole text with it"
is "$(candidates_of 1)" "  1. peter.kowalski@kowalski-bau.example (Peter Kowalski), score 60" \
	"by phone (and company): one candidate"
shown "       - phone +49 30 901820 77 is in the text (as 4930901820" \
	"the phone number is the evidence, compared as digits"
shown "       - company Kowalski Bau GmbH is in the message" \
	"the company without its legal form too"

is "$(candidates_of 2)" "  1. helen.ward@wardandsons.example (Helen Ward), score 50" \
	"by name and company: Helen Ward, not Hans Ward"
like "$(mo queue show 2)" "       - same name as the sender: Helen Ward
       - company Ward & Sons Ltd is in the message" "with both as evidence, strongest first"

is "$(candidates_of 3)" "  1. hans.ward@ward-elektro.example (Hans Ward), score 50
  2. ines.duarte@duarte-lda.example (Inês Duarte), score 50" \
	"two addresses in the text: both profiles, ties in address order"
like "$(mo queue show 3)" "address ines.duarte@duarte-lda.example is in the text" \
	"the address is the evidence"

like "$(mo queue show 4)" "    profile:  marco.bianchi@bianchi-impianti.example" \
	"a review request shows the profile found"
like "$(candidates_of 4)" "1. marco.bianchi@bianchi-impianti.example (Marco Bianchi)" \
	"and ranks it first"
like "$(mo queue show 4)" "the sender's address marco@bianchi-family.example is on file" \
	"a further address is evidence of its profile"

like "$(mo queue show 5)" "candidates:
  none" "a stranger: no candidates"

# --- hostile text stays text ---------------------------------------------
mo queue list > "$T/h"
mo queue show 6 >> "$T/h"
if LC_ALL=C grep -q "$(printf '[\033\007]')" "$T/h"; then
	fail "no escape or bell character reaches the terminal"
else
	pass "no escape or bell character reaches the terminal"
fi
unlike "$(cat "$T/h")" "$(printf '\342\200\256')" "no right-to-left override either"
like "$(grep -A 2 '^#6 ' "$T/h")" "[31mred?txt.exe" "an override shows as '?'"

# --- assign ------------------------------------------------------------
# Outgoing mail on: a decision confirms as a matched request would.
printf '#!/bin/sh\ncat >> "%s"\n' "$T/sent" > "$T/sendmail"
chmod +x "$T/sendmail"
printf 'from = sales@nordwind.example\nsendmail = %s -t -oi\ntemplates = %s\n' \
	"$T/sendmail" "$(cd "$srcdir/templates" && pwd)" > "$MAILOPT_CONFIG"
exits 0 "queue assign" mo queue assign 1 peter.kowalski@kowalski-bau.example --operator alice
is "$(cat "$T/out")" "queue entry 1: assigned to peter.kowalski@kowalski-bau.example by alice: marketing_email 1>0, marketing_postal 1>0, third_party 1>0" \
	"assign says what changed"
f=peter.kowalski@kowalski-bau.example
is "$(flag $f marketing_email) $(flag $f marketing_postal) $(flag $f third_party)" \
	"false false false" "the profile's flags are off"
is "$(sql "SELECT count(*) FROM history h JOIN profile p ON p.id = h.profile_id
	WHERE p.email = '$f' AND h.operator = 'alice' AND h.new_value = 0
	AND h.message_id = 'queue-phone-1@gmail.example'
	AND h.rule = (SELECT rule FROM queue WHERE id = 1)")" 3 \
	"three history rows name the operator, the message and the rule"
like "$(mo profile show $f)" "by alice" "profile show names the operator"
is "$(sql "SELECT state FROM outbox WHERE kind = 'confirmation' AND recipient = '$f'")" sent \
	"a confirmation to the profile's address went through the outbox"
like "$(cat "$T/sent" 2>/dev/null)" "To: Peter Kowalski <$f>" "  and was handed to sendmail"
unlike "$(cat "$T/sent" 2>/dev/null)" "pk.berlin@gmail.example" "  never to the sender"
is "$(sql "SELECT q.state || ' ' || q.operator || ' ' || p.email FROM queue q
	JOIN profile p ON p.id = q.profile_id WHERE q.id = 1")" "assigned alice $f" \
	"the entry records the decision and the profile"
unlike "$(mo queue list)" "#1 " "an assigned entry leaves the list"
like "$(mo queue show 1)" "    handled:  assigned " "show still has it, as assigned"
like "$(mo queue show 1)" " by alice" "  by whom"

exits 0 "assign a review request to a further address, any case" \
	mo queue assign 4 M.BIANCHI@studio-bianchi.example --operator alice
like "$(cat "$T/out")" "review, no flags to change" "a review changes no flag"
is "$(sql "SELECT count(*) FROM history h JOIN profile p ON p.id = h.profile_id
	WHERE p.email = 'marco.bianchi@bianchi-impianti.example' AND h.operator IS NOT 'import'")" 0 \
	"  and adds no history"
is "$(sql "SELECT state FROM queue WHERE id = 4")" assigned "  but is recorded as assigned"

# --- dismiss -------------------------------------------------------------
exits 0 "queue dismiss" mo queue dismiss 5 --reason "not a customer" --operator bob
is "$(cat "$T/out")" "queue entry 5: dismissed by bob" "dismiss says so"
unlike "$(mo queue list)" "#5 " "a dismissed entry leaves the list"
is "$(sql "SELECT state, operator, note, handled_time > 0, length(raw) > 0 FROM queue WHERE id = 5")" \
	"dismissed|bob|not a customer|1|1" "the record stays, with who, why and the message"
like "$(mo queue show 5)" "    handled:  dismissed " "show has the dismissed entry"
like "$(mo queue show 5)" "    note:     not a customer" "  with the reason"

exits 0 "dismiss without --operator" mo queue dismiss 6
me=$(logname 2>/dev/null || id -un)
who=$(sql "SELECT operator FROM queue WHERE id = 6")
case $who in
"$me"|"$(id -un)") pass "the operator defaults to the login name ($who)" ;;
*) fail "the operator defaults to the login name" "got '$who', want '$me'" ;;
esac
is "$(cat "$T/out")" "queue entry 6: dismissed by $who" "and is named"

# --- errors change nothing ------------------------------------------------
sql .dump > "$T/before"
exits 66 "show of an unknown entry: 66" mo queue show 99
like "$(cat "$T/err")" "mailopt: queue entry 99: no such entry" "  says so"
exits 66 "assign of an unknown entry: 66" mo queue assign 99 $f
exits 66 "dismiss of an unknown entry: 66" mo queue dismiss 99
exits 66 "assign to an unknown profile: 66" mo queue assign 2 nobody@nowhere.example
like "$(cat "$T/err")" "mailopt: nobody@nowhere.example: no such profile" "  says so"
exits 65 "assign of an assigned entry: 65" mo queue assign 1 $f
like "$(cat "$T/err")" "mailopt: queue entry 1: already assigned" "  says so"
exits 65 "dismiss of a dismissed entry: 65" mo queue dismiss 5
exits 65 "assign of a dismissed entry: 65" mo queue assign 5 $f
exits 65 "an id that is no number: 65" mo queue assign x1 $f
like "$(cat "$T/err")" "mailopt: queue entry x1: not an entry number" "  says so"
exits 64 "assign without an address: 64" mo queue assign 2
exits 64 "list with an argument: 64" mo queue list 2
exits 64 "--reason on assign: 64" mo queue assign 2 $f --reason x
exits 64 "an unknown subcommand: 64" mo queue frobnicate 2
exits 64 "an empty operator: 64" mo queue dismiss 2 --operator ""
if [ "$(sql .dump)" = "$(cat "$T/before")" ]; then
	pass "the database is as it was"
else
	fail "the database is as it was" "$(sql .dump | diff "$T/before" - | head -n 20)"
fi
is "$(MAILOPT_NOW=$(at "2026-01-05 09:00:00") mo queue list | tail -n 1)" "queue: 2 open, 2 overdue (deadline 10 business days)" \
	"two entries are left"

done_testing
