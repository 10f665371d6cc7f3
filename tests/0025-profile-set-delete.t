#!/bin/sh
# An operator's commands: profile set changes flags with history (operator,
# reason) and confirms like queue assign; profile delete erases a profile's
# personal data and stored mail, keeping only the SHA-256 of its addresses,
# which stay suppressed on every channel (export --hashed), are refused by
# import and match no later mail; queue dismiss --reason erased closes the
# request. CSV exports guard cells a spreadsheet would run as formulas.
. "$srcdir/tests/lib.sh"

I="$FIX/import"
T0=1796032800	# Monday 30 November 2026 10:00 UTC
MAILOPT_NOW=$T0
export MAILOPT_NOW

# hash ADDRESS: the SHA-256 of the address lower-cased, as hashed lists have it.
hash() {
	printf '%s' "$1" | tr 'A-Z' 'a-z' | sha256sum | cut -d ' ' -f 1
}

mo init >/dev/null && mo profile import "$I/crm.csv" >/dev/null ||
	{ echo "Bail out! cannot set up the database"; exit 99; }
printf '#!/bin/sh\ncat >> "%s"\n' "$T/sent" > "$T/sendmail"
chmod +x "$T/sendmail"
printf 'from = sales@nordwind.example\nsendmail = %s -t -oi\ntemplates = %s\n' \
	"$T/sendmail" "$(cd "$srcdir/templates" && pwd)" > "$MAILOPT_CONFIG"

# --- profile set ----------------------------------------------------------
exits 0 "profile set two flags" mo profile set BOB@example.com marketing_email=0 \
	third_party=0 marketing_postal=1 --operator olga --reason "asked by phone"
is "$(cat "$T/out")" "bob@example.com: marketing_email 1 -> 0 by olga
bob@example.com: marketing_postal already 1
bob@example.com: third_party 1 -> 0 by olga" "it says what changed, flag by flag"
is "$(flags bob@example.com)" "false true false" "the flags are so"
is "$(hist bob@example.com)" "marketing_email 1 0 olga asked by phone
third_party 1 0 olga asked by phone" "a history row per change with operator and reason"
is "$(mo profile show bob@example.com --json | /usr/bin/python3 -c '
import json, sys
h = json.load(sys.stdin)["history"][0]
print(h["operator"], h["reason"], h["message_id"])')" "olga asked by phone None" \
	"profile show --json has operator and reason"
is "$(sql "SELECT state FROM outbox WHERE kind = 'confirmation' AND recipient = 'bob@example.com'")" \
	sent "a confirmation to the profile's address went out, as after queue assign"
like "$(cat "$T/sent" 2>/dev/null)" "To: Bob Stone <bob@example.com>" "  handed to sendmail"

: > "$T/sent"
exits 0 "profile set without --operator" mo profile set bob@example.com marketing_email=1
me=$(id -un)
is "$(cat "$T/out")" "bob@example.com: marketing_email 0 -> 1 by $me" \
	"the operator defaults to the login name, as for queue assign"
is "$(hist bob@example.com | tail -n 1)" "marketing_email 0 1 $me -" "  and is recorded"
exits 0 "setting a flag as it is" mo profile set bob@example.com marketing_email=1
is "$(cat "$T/out")" "bob@example.com: marketing_email already 1" "  says so"
is "$(sql "SELECT count(*) FROM history h JOIN profile p ON p.id = h.profile_id WHERE p.email = 'bob@example.com'")" 3 \
	"  and adds no history"
exits 64 "an unknown flag: 64" mo profile set bob@example.com sms=0
is "$(head -n 1 "$T/err")" "mailopt: sms=0: not FLAG=0 or FLAG=1 (flags: marketing_email, marketing_postal, third_party)" \
	"  names it"
exits 64 "a value other than 0 or 1: 64" mo profile set bob@example.com third_party=yes
exits 64 "a flag twice: 64" mo profile set bob@example.com third_party=1 third_party=0
exits 64 "no flag: 64" mo profile set bob@example.com
exits 66 "an unknown profile: 66" mo profile set nobody@example.com third_party=1
is "$(cat "$T/err")" "mailopt: nobody@example.com: no such profile" "  says so"
is "$(flags bob@example.com)" "true true false" "none of the refused commands changed a flag"

# --- profile delete -------------------------------------------------------
exits 0 "an opt-out from Anna" mo deliver < "$I/optout-anna.eml"
exits 0 "her erasure request is queued" mo deliver < "$I/erase-anna.eml"
is "$(sql "SELECT count(*) FROM outbox WHERE recipient = 'anna@example.com'")" 1 \
	"Anna's confirmation is in the outbox"
exits 65 "dismissing her request as erased before the erasure: 65" \
	mo queue dismiss 1 --reason erased --operator olga
like "$(cat "$T/err")" "profile anna@example.com is not erased: run mailopt profile delete first" \
	"  says to erase first"

MAILOPT_NOW=$((T0 + 3600))
exits 0 "profile delete by a further address, any case" \
	mo profile delete Anna.Home@example.net --operator olga
is "$(cat "$T/out")" "anna@example.com: erased by olga; 2 addresses kept only as SHA-256" \
	"it says so"
exits 66 "profile show of the erased address: 66" mo profile show anna@example.com --json
is "$(cat "$T/err")" "mailopt: anna@example.com: erased on 2026-11-30T11:00:00Z: only the SHA-256 of the address is kept" \
	"  says it was erased"
exits 66 "  and of the further one" mo profile show ANNA.HOME@example.net
is "$(sql "SELECT count(*) FROM profile WHERE name IS NOT NULL AND erased IS NOT NULL")" 0 \
	"no personal field is left"
is "$(sql "SELECT email, marketing_email, marketing_postal, third_party FROM profile WHERE erased IS NOT NULL")" \
	"sha256:$(hash anna@example.com)|0|0|0" "the profile stays as its hash, every flag off"
is "$(sql "SELECT count(*) FROM address WHERE email LIKE 'anna%'")" 0 "its addresses are gone"
is "$(sql "SELECT count(*) FROM outbox WHERE recipient LIKE 'anna%' OR message LIKE '%Anna%'")" 0 \
	"its outgoing mail is deleted"
is "$(sql "SELECT count(*) FROM queue WHERE raw IS NOT NULL OR sender IS NOT NULL OR subject IS NOT NULL")" 0 \
	"its queued message is deleted"
is "$(sql "SELECT count(*) FROM processed WHERE profile LIKE 'anna%'")" 0 \
	"processed messages no longer name it"
is "$(sql "SELECT h.flag, h.message_id FROM history h JOIN profile p ON p.id = h.profile_id WHERE p.erased IS NOT NULL")" \
	"marketing_email|import-optout-1@example.com
marketing_postal|import-optout-1@example.com
third_party|import-optout-1@example.com" "its history stays, under the hash (its flags were off already)"
exits 66 "deleting it again: 66" mo profile delete anna@example.com

exits 0 "queue dismiss --reason erased" mo queue dismiss 1 --reason erased --operator olga
is "$(cat "$T/out")" "queue entry 1: dismissed by olga: erased, its stored message deleted" \
	"closes the erasure request"
is "$(sql "SELECT state, operator, note FROM queue WHERE id = 1")" "dismissed|olga|erased" \
	"  recorded with its reason"

exits 0 "erasing Carl, whose flags are on" mo profile delete carl@example.com --reason "ticket 42"
is "$(sql "SELECT h.flag, h.old_value, h.new_value, h.operator, h.reason FROM history h JOIN profile p ON p.id = h.profile_id WHERE p.email = 'sha256:$(hash carl@example.com)'")" \
	"marketing_email|1|0|$me|ticket 42
marketing_postal|1|0|$me|ticket 42
third_party|1|0|$me|ticket 42" "  turns them off with history naming operator and reason"

# --- what stays suppressed ------------------------------------------------
for ch in email postal third-party; do
	exits 0 "export suppression --channel $ch --hashed" \
		mo export suppression --channel "$ch" --hashed
	like "$(cat "$T/out")" ",,,,,,$(hash anna.home@example.net)" \
		"  lists the hash of each erased address ($ch)"
	unlike "$(cat "$T/out")" "anna" "  and nothing else of it ($ch)"
done
exits 0 "export suppression --hashed --format json" \
	mo export suppression --channel postal --hashed --format json
like "$(cat "$T/out")" "{\"email\":null,\"profile\":null,\"name\":null,\"company\":null,\"address\":null,\"country\":null,\"sha256\":\"$(hash anna@example.com)\"}" \
	"  JSON too"
exits 0 "export suppression without --hashed" mo export suppression --channel email
is "$(head -n 1 "$T/out")" "email,profile,name,company,address,country" "  has no sha256 column"
unlike "$(cat "$T/out")" "$(hash anna@example.com)" "  and no hashes"
exits 0 "profile export" mo profile export
unlike "$(cat "$T/out")" "sha256" "profile export leaves the erased profile out"

exits 0 "a later import naming the erased address" mo profile import "$I/crm.csv"
is "$(cat "$T/out")" "imported 1 profile
kept 1 opt-out that the file would have undone (see --dry-run)
skipped 2 records of erased addresses" "  imports the rest and counts the refused records"
is "$(cat "$T/err")" "mailopt: $I/crm.csv:2: anna@example.com was erased on 2026-11-30T11:00:00Z: not imported
mailopt: $I/crm.csv:4: carl@example.com was erased on 2026-11-30T11:00:00Z: not imported" \
	"  names each"
printf 'email,other_emails\nnew@example.com,Anna.Home@Example.NET\n' > "$T/sneak.csv"
exits 0 "an erased address as a further address" mo profile import "$T/sneak.csv"
like "$(cat "$T/out")" "skipped 1 record of erased addresses" "  is refused too"
exits 66 "  and makes no profile" mo profile show new@example.com

n=$(sql "SELECT count(*) FROM profile")
h=$(sql "SELECT count(*) FROM history")
exits 0 "mail from the erased address later" mo deliver < "$I/optout-anna.eml"
exits 0 "  another one" sh -c "sed 's/import-optout-1/import-optout-2/' '$I/optout-anna.eml' | '$MAILOPT' deliver"
is "$(sql "SELECT count(*) FROM profile")" "$n" "  makes no profile"
is "$(sql "SELECT count(*) FROM history")" "$h" "  changes no flag"
is "$(sql "SELECT count(*) FROM address")" "$(sql "SELECT count(*) FROM address WHERE email NOT LIKE 'anna%'")" \
	"  and gives no address back"

# --- CSV injection --------------------------------------------------------
printf 'email,name,company,marketing_email\neve@example.com,"=HYPERLINK(""http://x"",""y"")",@evil,0\n' > "$T/eve.csv"
exits 0 "a name that is a formula imports" mo profile import "$T/eve.csv"
exits 0 "profile export" mo profile export
is "$(grep '^eve@' "$T/out")" "eve@example.com,,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@evil,,,,,0,1,1" \
	"profile export: the formula cells begin with '"
cp "$T/out" "$T/profiles.csv"
like "$(grep '^bob@' "$T/out")" ",'+44 20 7946 0001," "  so does a phone number starting with +"
exits 0 "export suppression" mo export suppression --channel email
is "$(grep '^eve@' "$T/out")" "eve@example.com,eve@example.com,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@evil,," \
	"export suppression: the same, byte for byte"
exits 0 "--format json" mo export suppression --channel email --format json
like "$(cat "$T/out")" "\"name\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\",\"company\":\"@evil\"" \
	"  JSON is unchanged"
MAILOPT_DB="$T/db2/mailopt.db" mo init >/dev/null
exits 0 "the CSV export imports into a new database" env MAILOPT_DB="$T/db2/mailopt.db" \
	"$MAILOPT" profile import "$T/profiles.csv"
is "$(MAILOPT_DB="$T/db2/mailopt.db" mo profile show eve@example.com --json | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)
print(p["name"], p["company"])')" "=HYPERLINK(\"http://x\",\"y\") @evil" "  without the guarding '"

done_testing
