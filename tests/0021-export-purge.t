#!/bin/sh
# What leaves the database for others and what is dropped from it:
# suppression lists per channel (further addresses and waiting opt-outs
# included, CSV and JSON, stable order), profile export that import reads
# back unchanged, and purge, which drops the stored messages of handled
# requests and keeps every record.
. "$srcdir/tests/lib.sh"

Q="$FIX/queue"
HEADER="email,profile,name,company,address,country"

# emails: the first column of a suppression CSV on stdin, header dropped,
# as one line. A record goes on while a quoted field is open.
emails() {
	awk 'NR > 1 {
		rec = rec $0 "\n"
		if (gsub(/"/, "\"", rec) % 2 == 0) {
			split(rec, f, ",")
			printf "%s ", f[1]
			rec = ""
		}
	}'
}

mo init >/dev/null && mo profile import "$Q/profiles.csv" >/dev/null ||
	{ echo "Bail out! cannot set up the database"; exit 99; }
DAY=86400
T0=1764331200	# Friday 28 November 2025 12:00 UTC
for f in name stranger review; do
	MAILOPT_NOW=$T0 mo deliver < "$Q/$f.eml" ||
		{ echo "Bail out! cannot queue $f.eml"; exit 99; }
done
# ids: 1 name (Helen Ward's opt-out from a free-mail address), 2 stranger,
# 3 review (Marco Bianchi)

# --- export suppression ---------------------------------------------------
exits 0 "export suppression --channel email" mo export suppression --channel email
cp "$T/out" "$T/email.csv"
is "$(head -n 1 "$T/email.csv")" "$HEADER" "the CSV starts with a header line"
is "$(emails < "$T/email.csv")" \
	"hw.bristol@yahoo.example M.Bianchi@Studio-Bianchi.example marco.bianchi@bianchi-impianti.example marco@bianchi-family.example Nobody.Known@unknown-co.example " \
	"email: every address of a profile with marketing_email off, further ones too, and the senders of waiting opt-outs, by address"
like "$(cat "$T/email.csv")" "M.Bianchi@Studio-Bianchi.example,marco.bianchi@bianchi-impianti.example,Marco Bianchi,Bianchi Impianti S.p.A.,\"Corso Francia 10, 10138 Torino\",IT" \
	"a further address names its profile, with name, company and postal address"
like "$(cat "$T/email.csv")" "
hw.bristol@yahoo.example,,,,,
" "a waiting sender on no profile has only the address"
unlike "$(cat "$T/email.csv")" "helen.ward@" "a profile whose flag is on is not listed"

exits 0 "--channel postal" mo export suppression --channel postal
is "$(emails < "$T/out")" \
	"hw.bristol@yahoo.example ines.duarte@duarte-lda.example Nobody.Known@unknown-co.example " \
	"postal: the profile with marketing_postal off and the waiting opt-outs"
like "$(cat "$T/out")" 'ines.duarte@duarte-lda.example,ines.duarte@duarte-lda.example,Inês Duarte,"Duarte & Filhos, Lda","Rua Augusta 100, 1100-053 Lisboa",PT' \
	"fields are quoted as RFC 4180 wants"

exits 0 "--channel third-party" mo export suppression --channel third-party --format csv
is "$(emails < "$T/out")" \
	"hw.bristol@yahoo.example M.Bianchi@Studio-Bianchi.example marco.bianchi@bianchi-impianti.example marco@bianchi-family.example Nobody.Known@unknown-co.example " \
	"third-party: the profile with third_party off, every address, and the waiting opt-outs"

exits 0 "the same export again" mo export suppression --channel email
is "$(cat "$T/out")" "$(cat "$T/email.csv")" "the order is stable"

if [ -x /usr/bin/python3 ]; then
	exits 0 "--format json" mo export suppression --format json --channel email
	got=$(/usr/bin/python3 -c '
import json, sys
keys = ["email", "profile", "name", "company", "address", "country"]
for l in sys.stdin:
    o = json.loads(l)
    if list(o) != keys:
        sys.exit("keys: %s" % list(o))
    print(o["email"], o["profile"] or "-")
' < "$T/out" 2>&1)
	is "$got" "hw.bristol@yahoo.example -
M.Bianchi@Studio-Bianchi.example marco.bianchi@bianchi-impianti.example
marco.bianchi@bianchi-impianti.example marco.bianchi@bianchi-impianti.example
marco@bianchi-family.example marco.bianchi@bianchi-impianti.example
Nobody.Known@unknown-co.example -" "--format json: one object per address, the same keys and order as the CSV"
else
	pass "# SKIP no /usr/bin/python3 to read JSON"
fi

# A decision moves an address from the waiting senders to the profile.
mo queue assign 1 helen.ward@wardandsons.example --operator carol >/dev/null
mo queue dismiss 2 --operator carol >/dev/null
is "$(mo export suppression --channel postal | emails)" \
	"helen.ward@wardandsons.example ines.duarte@duarte-lda.example " \
	"after assign and dismiss: the profile is listed, the handled senders are not"

exits 64 "an unknown channel: 64" mo export suppression --channel sms
like "$(cat "$T/err")" "sms: unknown channel" "  says so"
exits 64 "no channel: 64" mo export suppression
exits 64 "an unknown format: 64" mo export suppression --channel email --format xml
exits 64 "an unknown export: 64" mo export everything --channel email

# --- purge ------------------------------------------------------------------
# entries 1 and 2 were handled now (the real clock); 3 is open
hist=$(sql "SELECT count(*) FROM history")
handled=$(sql "SELECT max(handled_time) FROM queue")
exits 0 "purge --older-than 30 right away" mo purge --older-than 30
is "$(cat "$T/out")" "purge: 0 stored messages dropped (handled more than 30 days ago)" \
	"nothing handled that long ago"
is "$(sql "SELECT count(*) FROM queue WHERE raw IS NOT NULL")" 3 "every message is still stored"

exits 0 "purge 31 days later" env MAILOPT_NOW=$((handled + 31 * DAY)) "$MAILOPT" purge --older-than 30
is "$(cat "$T/out")" "purge: 2 stored messages dropped (handled more than 30 days ago)" \
	"the two handled messages are dropped"
is "$(sql "SELECT id FROM queue WHERE raw IS NULL ORDER BY id" | tr '\n' ' ')" "1 2 " \
	"the handled entries lost their message"
is "$(sql "SELECT count(*) FROM queue WHERE id = 3 AND raw IS NOT NULL")" 1 \
	"the open entry keeps its message"
is "$(sql "SELECT count(*) FROM queue")" 3 "every entry stays"
is "$(sql "SELECT state || ' ' || operator FROM queue WHERE id = 1")" "assigned carol" \
	"with its decision"
is "$(sql "SELECT count(*) FROM history")" "$hist" "the history stays"
like "$(mo queue show 1)" "message: purged" "show says the message was purged"
like "$(mo queue show 1)" "    handled:  assigned " "  and still shows the decision"
exits 0 "purge again" env MAILOPT_NOW=$((handled + 31 * DAY)) "$MAILOPT" purge --older-than 0
is "$(cat "$T/out")" "purge: 0 stored messages dropped (handled more than 0 days ago)" \
	"a message is dropped once"
exits 64 "purge without --older-than: 64" mo purge
exits 64 "purge --older-than -1: 64" mo purge --older-than -1
exits 64 "purge --older-than ten: 64" mo purge --older-than ten

# --- profile export round trip ----------------------------------------------
# The samples have quoting, a line break in a field, further addresses,
# non-ASCII names and flags both ways; the queue fixtures changed some flags.
mo profile import "$SAMPLES/profiles.csv" >/dev/null
exits 0 "profile export" mo profile export
cp "$T/out" "$T/export.csv"
is "$(sed 1q "$T/export.csv")" \
	"email,other_emails,name,company,phone,address,country,products,marketing_email,marketing_postal,third_party" \
	"the export's header is the import's"
is "$(sed 1d "$T/export.csv" | grep -c '@')" 14 "fourteen profiles"
MAILOPT_DB="$T/db2/mailopt.db"
mo init >/dev/null
exits 0 "the export imports into a new database" mo profile import "$T/export.csv"
like "$(cat "$T/out")" "imported 14 profiles" "  every profile"
exits 0 "and exports again" mo profile export
if cmp -s "$T/out" "$T/export.csv"; then
	pass "the second export is the first byte for byte"
else
	fail "the second export is the first byte for byte" "$(diff "$T/export.csv" "$T/out" | head -n 20)"
fi
mo profile export --json > "$T/j2"
MAILOPT_DB="$T/db/mailopt.db"
mo profile export --json > "$T/j1"
if cmp -s "$T/j1" "$T/j2"; then
	pass "and the JSON exports agree"
else
	fail "and the JSON exports agree" "$(diff "$T/j1" "$T/j2" | head -n 20)"
fi

done_testing
