#!/bin/sh
# outgoing mail through a recording sendmail: its argument vector and the
# message on its input; confirmations to the address on file only, in the
# rule's language; reseller notices; no answer to automatic mail, even with
# the ignore rules gone; unchanged confirms at most once a day; deliver then
# sweep confirms once; header injection through a subject and a display
# name; a failing sendmail (pending, attempts, back-off, then sent once);
# no shell; concurrent flushes; a flush killed after handing a mail over;
# outbox list; reseller import.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read the mail"

OB="$FIX/outbox"
SENT="$T/sent"
NOW=1764400000
MAILOPT_NOW=$NOW
export MAILOPT_NOW
MARGARET=margaret.hale@example.com

# The recording sendmail: each run leaves its arguments in sent/mail.X.argv
# and its input in sent/mail.X; sm-exit holds the status it exits with,
# sm-sleep how long it dawdles, sm-kill-after the number of mails after
# which it kills the mailopt that ran it.
cat > "$T/sendmail" <<'SM'
#!/bin/sh
dir=$(dirname "$0")
mkdir -p "$dir/sent"
f=$(mktemp "$dir/sent/mail.XXXXXX")
for a in "$@"; do printf '%s\n' "$a"; done > "$f.argv"
cat > "$f"
[ -f "$dir/sm-sleep" ] && sleep "$(cat "$dir/sm-sleep")"
if [ -f "$dir/sm-kill-after" ] &&
    [ "$(ls "$dir/sent" | grep -vc '\.argv$')" -ge "$(cat "$dir/sm-kill-after")" ]; then
	kill -9 "$PPID"
fi
exit "$(cat "$dir/sm-exit" 2>/dev/null || echo 0)"
SM
chmod +x "$T/sendmail"

# conf [LINE]: outgoing mail on, through the recording sendmail, plus LINE.
conf() {
	cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Sales <sales@nordwind.example>
templates = $srcdir/templates
sendmail = $T/sendmail -t -oi
${1:-}
CONF
}

# fresh: a new database with the test profiles and resellers, nothing sent.
fresh() {
	rm -rf "$T/db" "$SENT" "$T/mc" "$T/sm-exit" "$T/sm-sleep" "$T/sm-kill-after"
	mo init >/dev/null && mo profile import "$OB/profiles.csv" >/dev/null &&
	    mo reseller import "$OB/resellers.csv" >/dev/null
}

# mails: the recorded mails, oldest first.
mails() {
	[ -d "$SENT" ] && ls -tr "$SENT" | grep -v '\.argv$' | sed "s|^|$SENT/|"
}

# nsent: how many mails the sendmail was given.
nsent() {
	mails | grep -c .
}

# to ADDR: the recorded mails whose To is ADDR, one a line.
to() {
	mail_with to "$1" $(mails)
}

# outbox SQL-CONDITION: the outbox rows that meet it.
outbox() {
	sql "SELECT count(*) FROM outbox WHERE $1"
}

# deliver_each FILE...: deliver each fixture (exit status ignored).
deliver_each() {
	for f in "$@"; do
		mo deliver < "$OB/$f" >/dev/null 2>&1
	done
}

conf
exits 0 "init" mo init
exits 0 "reseller import" mo reseller import "$OB/resellers.csv"
is "$(cat "$T/out")" "imported 2 resellers" "it says how many"
is "$(sql "SELECT country || ' ' || email FROM reseller ORDER BY country" | tr '\n' ' ')" \
	"DE info@mueller-vertrieb.example FR contact@lyon-distribution.example " \
	"the resellers are on file"

# --- reseller import: all or nothing, the bad line named ------------------
exits 65 "reseller import: a country that is not a code is bad data" \
	mo reseller import "$OB/resellers-bad-country.csv"
like "$(cat "$T/err")" "resellers-bad-country.csv:3: country is not an ISO 3166 alpha-2 code" \
	"  and names the file and line"
like "$(cat "$T/err")" "nothing imported" "  and says nothing was imported"
exits 65 "reseller import: a country twice" mo reseller import "$OB/resellers-twice.csv"
like "$(cat "$T/err")" "resellers-twice.csv:3: FR has a reseller already" "  names the line"
exits 65 "reseller import: an address with a line break" \
	mo reseller import "$OB/resellers-bad-email.csv"
like "$(cat "$T/err")" "resellers-bad-email.csv:2: email is not an address" "  names the line"
printf 'country,name\nFR,x\n' > "$T/short.csv"
exits 65 "reseller import: a header without email" mo reseller import "$T/short.csv"
like "$(cat "$T/err")" "short.csv:1: the header must name country, name and email" "  says so"
is "$(sql 'SELECT count(*) FROM reseller')" 2 "after the refusals the old list stands"
printf 'email,name,country\n' > "$T/none.csv"
exits 0 "reseller import of an empty list" mo reseller import "$T/none.csv"
is "$(sql 'SELECT count(*) FROM reseller')" 0 "the file is the whole list: none is left"
exits 64 "reseller without a subcommand is a usage error" mo reseller
exits 66 "reseller import of a missing file" mo reseller import "$T/missing.csv"

# --- a request confirmed through sendmail --------------------------------
fresh
exits 0 "deliver an opt-out" mo deliver < "$OB/optout.eml"
is "$(cat "$T/err")" "" "  nothing on standard error"
is "$(nsent)" 1 "sendmail ran once"
M=$(mails)
is "$(cat "$M.argv" | tr '\n' ' ')" "-t -oi " "its arguments are exactly the configured ones"
is "$(mc "$M" valid)" yes "the confirmation is valid MIME with every field it needs once"
is "$(mc "$M" to)" "$MARGARET" "it goes to the profile's address"
is "$(mc "$M" to-name)" "Margaret Hale" "  with the profile's name"
is "$(mc "$M" from)" "sales@nordwind.example" "from the configured sender"
is "$(mc "$M" subject)" "Re: Unsubscribe" "its subject answers the request's"
is "$(mc "$M" auto-submitted)" "auto-replied" "Auto-Submitted: auto-replied"
is "$(mc "$M" x-auto-response-suppress)" "All" "X-Auto-Response-Suppress: All"
is "$(mc "$M" in-reply-to)" "<optout-1@mail.example.com>" "In-Reply-To the request"
is "$(mc "$M" references)" "<newsletter-2025-11@nordwind.example> <optout-1@mail.example.com>" \
	"References: the request's, then the request"
is "$(mc "$M" content-type)" "text/plain; charset=utf-8" "text/plain in UTF-8"
is "$(mc "$M" cte)" "quoted-printable" "in quoted-printable"
is "$(mc "$M" mime-version)" "1.0" "MIME-Version 1.0"
B=$(mc "$M" body)
like "$B" "Our offers by e-mail:                 no" "the body says e-mail offers are off"
like "$B" "Our offers by post:                   no" "  postal offers"
like "$B" "products (third parties):             no" "  and third parties"
like "$B" "reply to this message" "  and how to change them back"
unlike "$B" "http" "it holds no link"
is "$(outbox "state = 'sent' AND attempts = 1 AND sent_time = $NOW AND kind = 'confirmation'")" 1 \
	"the outbox row is sent, after one attempt"
is "$(sql 'SELECT message_id FROM outbox')" "$(mc "$M" message-id | tr -d '<>')" \
	"the outbox keeps the Message-ID it sent"

mkmaildir "$T/md"
cp "$OB/optout.eml" "$T/md/new/1764400001.M1P1.mx1.nordwind.example"
exits 0 "sweep the same request after deliver" mo sweep "$T/md"
like "$(cat "$T/out")" "duplicate" "  it is a duplicate"
is "$(nsent)" 1 "deliver then sweep of one request confirms once"
is "$(outbox 1)" 1 "  and the outbox holds one mail"

# --- unchanged: at most one confirmation a day ----------------------------
exits 0 "the same wish again, in a new message" mo deliver < "$OB/optout-again.eml"
is "$(nsent)" 1 "unchanged within a day of the last confirmation: none"
MAILOPT_NOW=$((NOW + 86400)) mo deliver < "$OB/optout-again.eml" >/dev/null 2>&1
is "$(nsent)" 1 "the same message a day later is a duplicate: none"
cp "$OB/optout-again.eml" "$T/again2.eml"
sed -i 's/optout-2@/optout-3@/' "$T/again2.eml"
MAILOPT_NOW=$((NOW + 86400)) mo deliver < "$T/again2.eml"
is "$(nsent)" 1 "unchanged 24 hours to the second after a confirmation: none"
sed -i 's/optout-3@/optout-4@/' "$T/again2.eml"
MAILOPT_NOW=$((NOW + 86401)) mo deliver < "$T/again2.eml"
is "$(nsent)" 2 "unchanged a day later: confirmed again"
M=$(to "$MARGARET" | tail -n 1)
like "$(mc "$M" body)" "already as you asked" "  saying nothing needed to change"
sed -i 's/optout-4@/optout-5@/' "$T/again2.eml"
MAILOPT_NOW=$((NOW + 86401 + 60)) mo deliver < "$T/again2.eml"
is "$(nsent)" 2 "  and not a third time that day"

# --- a reseller notice, a German confirmation -----------------------------
fresh
mkdir -p "$T/rules-de"
cp "$srcdir"/rules/*.rules "$T/rules-de/"
cp "$OB/de.rules" "$T/rules-de/60-de-test.rules"
exits 0 "deliver a postal opt-out from France" mo deliver < "$OB/postal.eml"
is "$(nsent)" 2 "a confirmation and a reseller notice"
M=$(to contact@lyon-distribution.example)
is "$(mc "$M" valid)" yes "the notice is valid MIME"
is "$(mc "$M" to-name)" "Lyon Distribution SARL" "it goes to the French reseller"
is "$(mc "$M" auto-submitted)" "auto-generated" "Auto-Submitted: auto-generated"
is "$(mc "$M" in-reply-to)" "" "it answers nobody"
B=$(mc "$M" body)
like "$B" "Customer:   Jean Dupont" "it names the customer"
like "$B" "Company:    Dupont & Fils SA" "  the company"
like "$B" "E-mail:     jean.dupont@dupont.example" "  the address"
like "$B" "Country:    FR" "  the country"
like "$B" "Offers by post:            allowed -> refused   (changed)" "and the change"
like "$B" "Offers by e-mail:          allowed -> allowed" "  and what stayed"
is "$(outbox "kind = 'notice' AND recipient = 'contact@lyon-distribution.example'")" 1 \
	"the outbox has the notice"
is "$(to jean.dupont@dupont.example | grep -c .)" 1 "Jean has his confirmation"
MAILOPT_RULES="$T/rules-de" mo deliver < "$OB/german.eml"
M=$(to klaus.weber@weber.example)
is "$(mc "$M" valid)" yes "the German confirmation is valid MIME"
is "$(mc "$M" subject)" "Re: Abmelden" "  its subject"
like "$(mc "$M" body)" "Unsere Angebote per E-Mail:           nein" \
	"a de- rule gets the German template"
like "$(mc "$M" body)" "Mit freundlichen Grüßen" "  UTF-8 through quoted-printable"
is "$(to info@mueller-vertrieb.example | grep -c .)" 1 \
	"the German reseller gets an (English) notice"
like "$(mc "$(to info@mueller-vertrieb.example)" body)" "Hello Müller Vertrieb GmbH," \
	"  addressed by name"

# --- no confirmation for automatic mail or unknown senders ----------------
fresh
deliver_each auto-replied.eml bounce.eml precedence-bulk.eml precedence-list.eml \
	null-sender.eml unknown.eml
is "$(nsent)" 0 "auto-reply, bounce, bulk, list, null sender, unknown sender: no mail"
is "$(outbox 1)" 0 "  and nothing in the outbox"
is "$(sql "SELECT count(*) FROM queue")" 1 "the unknown sender's request waits for an operator"
# a rule that takes any "unsubscribe" for a request, and no ignore rules:
# the outbox alone must keep automatic mail from being answered
mkdir -p "$T/rules-noignore"
printf 'any-unsubscribe  optout-all  subject,body  /unsubscribe/i\n' > "$T/rules-noignore/50-x.rules"
for f in auto-replied.eml bounce.eml precedence-bulk.eml precedence-list.eml null-sender.eml; do
	fresh
	MAILOPT_RULES="$T/rules-noignore" mo deliver < "$OB/$f" >/dev/null 2>&1
	is "$(flag $MARGARET marketing_email) $(nsent)" "false 0" \
		"without the ignore rules $f changes the flags, yet gets no answer"
done
fresh
exits 0 "an unknown sender naming a profile's address" mo deliver < "$OB/names-profile.eml"
is "$(nsent)" 1 "one confirmation"
is "$(mc "$(mails)" to)" "$MARGARET" "  to the address on file, not to the sender"
mo deliver < "$OB/unknown.eml" >/dev/null
exits 0 "queue assign of the unknown sender's request" \
	mo queue assign "$(sql 'SELECT id FROM queue LIMIT 1')" jean.dupont@dupont.example --operator tester
is "$(outbox "recipient = 'jean.dupont@dupont.example' AND kind = 'confirmation'")" 1 \
	"an operator's assignment queues a confirmation to the profile"
is "$(outbox "recipient = 'stranger@nowhere.example'")" 0 "  and nothing to the stranger"
exits 0 "outbox flush" mo outbox flush
is "$(to jean.dupont@dupont.example | grep -c .) $(to contact@lyon-distribution.example | grep -c .)" \
	"1 1" "  the confirmation and the reseller's notice go out once each"
like "$(mc "$(to contact@lyon-distribution.example)" body)" ", applied by tester" \
	"the notice names the operator"

# --- header injection -----------------------------------------------------
fresh
exits 0 "deliver: subject and profile name carry CR LF Bcc" mo deliver < "$OB/injection.eml"
is "$(nsent)" 1 "one mail"
M=$(mails)
is "$(mc "$M" valid)" yes "it is valid MIME"
is "$(mc "$M" to)" "eve@example.com" "To holds the one address on file"
is "$(mc "$M" bcc)$(mc "$M" cc)" "" "no Bcc, no Cc"
is "$(mc "$M" fields)" "From To Subject In-Reply-To References Auto-Submitted X-Auto-Response-Suppress Date Message-ID MIME-Version Content-Type Content-Transfer-Encoding" \
	"no field but the ones mailopt writes"
is "$(mc "$M" subject)" "Re: Remove me Bcc: x@evil.example" "the subject is one line"
like "$(mc "$M" to-name | tr -s ' ')" 'Eve Bcc: x@evil.example, "Mallory" <m@evil.example>' \
	"the hostile name is kept as a name"
unlike "$(cat "$M")" "
Bcc:" "no line of the message starts with Bcc"

# --- a failing sendmail: pending, attempts, back-off ----------------------
fresh
echo 75 > "$T/sm-exit"
rm -rf "$T/md"
mkmaildir "$T/md"
cp "$OB/optout.eml" "$T/md/new/1764400002.M2P1.mx1.nordwind.example"
exits 0 "sweep a request while sendmail fails: still exit 0" mo sweep "$T/md"
like "$(cat "$T/err")" "not sent now" "  stderr says the mail was not sent"
like "$(cat "$T/err")" "exited 75" "  and why"
like "$(cat "$T/err")" "kept pending" "  and that it stays pending"
is "$(outbox "state = 'pending' AND attempts = 1 AND next_try = $((NOW + 300))")" 1 \
	"the mail is pending, one attempt, next try in five minutes"
like "$(sql 'SELECT last_error FROM outbox')" "exited 75" "the outbox keeps the reason"
exits 0 "outbox list" mo outbox list
like "$(cat "$T/out")" "1 pending confirmation $MARGARET created=2025-11-29T07:06:40Z attempts=1 next_try=2025-11-29T07:11:40Z error=" \
	"outbox list shows state, attempts and next try"
exits 0 "outbox flush before the back-off is over: nothing due" mo outbox flush
is "$(cat "$T/out")" "outbox: 0 sent, 0 deferred, 0 failed" "  nothing tried"
exits 75 "outbox flush --all tries anyway, and fails: 75" mo outbox flush --all
is "$(outbox "attempts = 2 AND next_try = $((NOW + 600))")" 1 "the back-off doubles"
rm -f "$T/sm-exit"
n=$(nsent)
MAILOPT_NOW=$((NOW + 599)) mo outbox flush >/dev/null
is "$(nsent)" "$n" "not due a second early"
exits 0 "outbox flush once due" env MAILOPT_NOW=$((NOW + 600)) "$MAILOPT" outbox flush
is "$(cat "$T/out")" "outbox: 1 sent, 0 deferred, 0 failed" "  sends it"
is "$(nsent)" $((n + 1)) "  once"
is "$(outbox "state = 'sent' AND attempts = 3 AND last_error IS NULL")" 1 "sent on the third attempt"
exits 0 "outbox flush --all again" mo outbox flush --all
is "$(nsent)" $((n + 1)) "a sent mail is never sent again"
exits 0 "outbox list --json" mo outbox list --json
/usr/bin/python3 -c '
import json, sys
keys = ["id", "created", "kind", "recipient", "message_id", "state", "attempts", "next_try", "sent_time", "last_error"]
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert list(o) == keys, list(o)
    assert o["state"] == "sent" and o["attempts"] == 3 and o["next_try"] is None, o
    assert o["sent_time"] == "2025-11-29T07:16:40Z", o
' "$T/out" 2> "$T/py.err"
is "$(cat "$T/py.err")" "" "outbox list --json: one object a mail, with its times"

# the mail is given up after many tries
fresh
echo 1 > "$T/sm-exit"
mo deliver < "$OB/optout.eml" 2>/dev/null
sql "UPDATE outbox SET attempts = 14"
exits 0 "outbox flush --all on the 15th failure" mo outbox flush --all
like "$(cat "$T/err")" "given up after 15 tries" "  gives up, and says so"
is "$(outbox "state = 'failed' AND attempts = 15")" 1 "the mail is failed"
mo outbox flush --all > "$T/out" 2>&1
is "$(outbox "state = 'failed' AND attempts = 15")" 1 "a failed mail is not tried again"

# --- no shell, only an absolute path --------------------------------------
fresh
conf "sendmail = $T/sendmail;touch $T/pwned -t"
exits 75 "deliver with a sendmail setting a shell would split: refused, the MTA keeps the mail" \
	mo deliver < "$OB/optout.eml"
like "$(cat "$T/err")" "mailopt.conf:4: sendmail: $T/sendmail;touch: no such file" \
	"  the setting is named with its file and line"
[ -e "$T/pwned" ] && fail "no shell ran the setting" || pass "no shell ran the setting"
is "$(outbox "1")" 0 "  nothing was processed"
conf
mo deliver --no-flush < "$OB/optout.eml" > /dev/null
is "$(outbox "state = 'pending'")" 1 "the mail waits"
conf "sendmail = sendmail -t"
exits 78 "outbox flush with a relative sendmail is a configuration error" mo outbox flush --all
like "$(cat "$T/err")" "not an absolute path" "  it says so"
conf "sendmail = $T/sendmail -t -oi -f bounces@nordwind.example"
exits 0 "outbox flush --all with more arguments" mo outbox flush --all
is "$(cat "$(mails).argv" | tr '\n' ' ')" "-t -oi -f bounces@nordwind.example " \
	"the argument vector is the setting split on blanks"
conf
: > "$T/empty.conf"
exits 78 "outbox flush without from is a configuration error" \
	env MAILOPT_CONFIG="$T/empty.conf" "$MAILOPT" outbox flush
like "$(cat "$T/err")" "outgoing mail is off" "  it says outgoing mail is off"

# --- --no-flush, concurrent flushes ---------------------------------------
fresh
rm -rf "$T/md"
mkmaildir "$T/md"
i=0
while [ $i -lt 24 ]; do
	sed "s/^Message-ID: <optout-1@/Message-ID: <bulk-$i@/" "$OB/optout.eml" \
		> "$T/md/new/17644000$i.M$i.mx1.nordwind.example"
	i=$((i + 1))
done
exits 0 "sweep --no-flush" mo sweep --no-flush "$T/md"
is "$(nsent)" 0 "  sends nothing"
is "$(outbox "state = 'pending'")" 1 "  the confirmation waits in the outbox"
sql "DELETE FROM outbox"
sql "INSERT INTO outbox (created, kind, recipient, message_id, message, next_try)
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
	SELECT $NOW, 'confirmation', 'x' || i || '@example.com', 'c' || i || '@x',
	    CAST('To: x' || i || '@example.com' || char(10) || char(10) || 'hi' || char(10) AS BLOB), $NOW FROM n"
echo 0.02 > "$T/sm-sleep"
mo outbox flush > "$T/f1.out" 2>&1 &
p1=$!
mo outbox flush > "$T/f2.out" 2>&1 &
p2=$!
mo outbox flush > "$T/f3.out" 2>&1
wait $p1
wait $p2
is "$(nsent)" 40 "three concurrent flushes send 40 mails"
is "$(for m in $(mails); do sed -n 's/^To: //p' "$m"; done | sort -u | wc -l | tr -d ' ')" 40 \
	"  each exactly once"
is "$(outbox "state = 'sent' AND attempts = 1 AND claim IS NULL")" 40 "  all recorded sent once"

# --- a flush killed after handing a mail over -----------------------------
sql "DELETE FROM outbox"
rm -rf "$SENT" "$T/sm-sleep"
sql "INSERT INTO outbox (created, kind, recipient, message_id, message, next_try)
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
	SELECT $NOW, 'confirmation', 'k' || i || '@example.com', 'k' || i || '@x',
	    CAST('To: k' || i || '@example.com' || char(10) || char(10) || 'hi' || char(10) AS BLOB), $NOW FROM n"
echo 3 > "$T/sm-kill-after"
mo outbox flush >/dev/null 2>&1
rm -f "$T/sm-kill-after"
is "$(nsent)" 3 "the flush dies as the third mail is handed over"
is "$(outbox "state = 'sent'")" 2 "two were recorded sent"
exits 0 "a flush at once" mo outbox flush
is "$(nsent)" 3 "  sends nothing: the dead flush's claim holds the rest"
exits 0 "a flush once the claim has lapsed" \
	env MAILOPT_NOW=$((NOW + 15 * 60)) "$MAILOPT" outbox flush
is "$(outbox "state = 'sent' AND claim IS NULL")" 5 "  sends the rest: nothing is lost"
is "$(for m in $(mails); do sed -n 's/^To: //p' "$m"; done | sort | uniq -c | awk '$1 > 1 { print $2 }')" \
	"k3@example.com" "only the mail in hand at the kill went twice, none recorded sent"
is "$(outbox "state = 'sent' AND sent_time = $NOW")" 2 "  the two recorded sent stayed so"
is "$(outbox "state = 'pending'")" 0 "  and nothing is left pending"

exits 64 "outbox without a subcommand is a usage error" mo outbox
exits 64 "outbox flush --json is a usage error" mo outbox flush --json
exits 64 "deliver --bogus is a usage error" mo deliver --bogus

done_testing
