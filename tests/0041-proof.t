#!/bin/sh
# proof: forged Authentication-Results, tokens in the wrong place and floods of requests never change anyone's consent.
. "$srcdir/tests/lib.sh"

mksecret
cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Instruments <sales@nordwind.example>
trusted_authserv_id = mx1.nordwind.example
token_secret_file = $T/secret
token_domains = nordwind-instruments.example, mail.nordwind.example
sendmail = /bin/false
templates = $srcdir/templates
CONF
mo init >/dev/null
{
	echo "email,name,marketing_email"
	echo "karin.meyer@meyer-labor.example,Karin Meyer,0"
	echo "tom.hughes@hughes-print.example,Tom Hughes,0"
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		echo "c$i@customer$i.example,Customer $i,1"
	done
} > "$T/profiles.csv"
mo profile import "$T/profiles.csv" >/dev/null

NOW=1796547600
MAILOPT_NOW=$NOW
export MAILOPT_NOW

MD="$T/Maildir"
mkmaildir "$MD"

# optin NAME [HEADER-LINES on stdin]: an opt-in from Karin's address
# (unless the header lines give From), filed as new/NAME.
n=0
optin() {
	n=$((n + 1))
	{
		cat
		printf 'To: sales@nordwind.example\nSubject: Newsletter\n'
		printf 'Message-ID: <forged%d@meyer-labor.example>\n' "$n"
		printf 'Date: Mon, 23 Nov 2026 10:11:58 +0100\n\n'
		printf 'Hello,\n\nplease subscribe me to your newsletter again.\n\nKarin\n'
	} > "$MD/new/$1"
}
VICTIM='From: Karin Meyer <karin.meyer@meyer-labor.example>'
ID=mx1.nordwind.example
FAIL="Authentication-Results: $ID; dmarc=fail (p=none dis=none) header.from=meyer-labor.example"

# --- forged Authentication-Results: every variant is queued ------------
optin below-fail <<EOF
$FAIL
Authentication-Results: $ID; dmarc=pass header.from=meyer-labor.example
$VICTIM
EOF
optin comment <<EOF
Authentication-Results: $ID; dmarc=fail (forged: dmarc=pass as if) header.from=meyer-labor.example
$VICTIM
EOF
optin reason <<EOF
Authentication-Results: $ID; dmarc=fail reason="x; dmarc=pass y" header.from=meyer-labor.example
$VICTIM
EOF
optin spf-mailfrom <<EOF
Authentication-Results: $ID; spf=pass ($ID: domain of "x dmarc=pass y"@evil.example
	designates 192.0.2.1 as permitted sender) smtp.mailfrom="x dmarc=pass y"@evil.example
$VICTIM
EOF
optin encoded-word <<EOF
Authentication-Results: =?utf-8?q?$ID=3B_dmarc=3Dpass_header.from=3Dmeyer-labor.example?=
$VICTIM
EOF
optin space-colon <<EOF
Authentication-Results : $ID; dmarc=pass header.from=meyer-labor.example
$VICTIM
EOF
optin other-domain <<EOF
Authentication-Results: $ID; dmarc=pass header.from=evil.example
$VICTIM
EOF
optin two-from <<EOF
Authentication-Results: $ID; dmarc=pass header.from=evil.example
$VICTIM
From: <mallory@evil.example>
EOF
optin two-mailboxes <<EOF
Authentication-Results: $ID; dmarc=pass header.from=meyer-labor.example
From: karin.meyer@meyer-labor.example, mallory@evil.example
EOF
optin group <<EOF
Authentication-Results: $ID; dmarc=pass header.from=meyer-labor.example
From: friends: karin.meyer@meyer-labor.example;
EOF
optin unparsable <<EOF
Authentication-Results: $ID; dmarc=pass header.from=meyer-labor.example
From: karin.meyer@meyer-labor.example <<mallory@evil.example
EOF
forged="below-fail comment reason spf-mailfrom encoded-word space-colon other-domain two-from two-mailboxes group unparsable"

exits 0 "sweep of the forged opt-ins" mo sweep --json --no-flush "$MD"
for f in $forged; do
	line=$(grep "\"file\":\"$f\"" "$T/out")
	like "$line" '"outcome":"queued"' "forged: $f is queued"
done
is "$(flag karin.meyer@meyer-labor.example marketing_email)" false \
	"no forged variant opted Karin in"
like "$(mo profile show karin.meyer@meyer-labor.example --json)" '"history":[]' \
	"and none left a history row"
is "$(count "$MD/.Unmatched/cur")" 11 "all eleven wait in .Unmatched"

optin genuine <<EOF
Authentication-Results: $ID 1;
	dkim=pass (2048-bit key) header.d=meyer-labor.example;
	DMARC=Pass (p=none dis=none) Header.From=Meyer-Labor.example
$FAIL
$VICTIM
EOF
exits 0 "sweep of the genuine opt-in" mo sweep --json --no-flush "$MD"
like "$(cat "$T/out")" '"outcome":"applied"' \
	"the trusted server's topmost dmarc=pass applies"
is "$(flag karin.meyer@meyer-labor.example marketing_email)" true \
	"Karin is opted in"

# --- tokens: only to our domains, never in Cc ---------------------------
sql "UPDATE profile SET marketing_email = 0 WHERE email LIKE '%meyer-labor.example' OR email LIKE '%hughes-print.example'"
tok=$(mo token tom.hughes@hughes-print.example)
local=${tok%@*}

# tokmsg MID FROM TO CC BODY
tokmsg() {
	printf 'From: %s\nTo: %s\n' "$2" "$3"
	[ -z "$4" ] || printf 'Cc: %s\n' "$4"
	printf 'Subject: Newsletter\nMessage-ID: <%s@example.net>\n\n%s\n' "$1" "$5"
}
SUB='Please subscribe me to your newsletter again.'
UNSUB='Please unsubscribe me from all your mailings.'

# held MID: the token proved nothing, Tom's flag stayed, MID waits in the queue
held() {
	is "$(flag tom.hughes@hughes-print.example marketing_email)" false \
		"  proves nothing: Tom stays opted out"
	is "$(sql "SELECT count(*) FROM queue WHERE message_id = '$1@example.net'")" 1 \
		"  and the request is queued"
}

tokmsg t1 stranger@example.net sales@nordwind.example "$tok" "$SUB" > "$T/t1"
exits 0 "a token in Cc" mo deliver --no-flush < "$T/t1"
held t1
tokmsg t2 stranger@example.net "$local@evil.example" "" "$SUB" > "$T/t2"
exits 0 "a token on another domain" mo deliver --no-flush < "$T/t2"
held t2

tokmsg t3 stranger@example.net "$local@Nordwind-Instruments.example" "" "$SUB" > "$T/t3"
exits 0 "a token on a domain of token_domains" mo deliver --no-flush < "$T/t3"
is "$(flag tom.hughes@hughes-print.example marketing_email)" true \
	"proves the opt-in of its profile"

sql "UPDATE profile SET marketing_email = 0 WHERE email LIKE '%meyer-labor.example' OR email LIKE '%hughes-print.example'"
tokmsg t4 "Karin Meyer <karin.meyer@meyer-labor.example>" "$tok" "" "$SUB" > "$T/t4"
exits 0 "an opt-in to Tom's token from Karin's address" mo deliver --no-flush < "$T/t4"
is "$(flag tom.hughes@hughes-print.example marketing_email) $(flag karin.meyer@meyer-labor.example marketing_email)" \
	"false false" "opts neither Tom nor Karin in"
like "$(sql "SELECT reason FROM queue WHERE message_id = 't4@example.net'")" \
	"other than the sender's" "it is queued saying why"

tokmsg t5 "Karin Meyer <karin.meyer@meyer-labor.example>" "$tok" "" "$UNSUB" > "$T/t5"
exits 0 "an opt-out to Tom's token from Karin's address" mo deliver --no-flush < "$T/t5"
is "$(flag tom.hughes@hughes-print.example third_party) $(flag karin.meyer@meyer-labor.example third_party)" \
	"false true" "applies to the token's profile, not to the sender's"

printf 'token_domains = nordwind.example, bad_domain\n' >> "$MAILOPT_CONFIG"
exits 78 "a bad token_domains" mo queue list
like "$(cat "$T/err")" "mailopt.conf:7: token_domains: bad value" \
	"  is reported with file and line"
sed -i '$d' "$MAILOPT_CONFIG"

# --- floods: a stranger naming customers -------------------------------
# flood MID ADDRESS...: an opt-out from a stranger naming the addresses
flood() {
	fmid=$1
	shift
	printf 'From: Mallory <mallory@evil.example>\nTo: sales@nordwind.example\n'
	printf 'Subject: unsubscribe\nMessage-ID: <%s@evil.example>\n\n' "$fmid"
	printf 'Please remove %s from your mailing list.\n' "$*"
}
before=$(mo outbox list --json | grep -c '"kind":"confirmation"')
for i in 1 2 3 4 5 6 7; do
	flood f$i "c$i@customer$i.example" > "$T/f$i"
	exits 0 "a stranger names customer $i" mo deliver --no-flush < "$T/f$i"
done
applied=0
for i in 1 2 3 4 5 6 7; do
	[ "$(flag "c$i@customer$i.example" marketing_email)" = false ] &&
		applied=$((applied + 1))
done
is "$applied" 5 "five of seven applied (max_requests_per_sender)"
is "$(flag c6@customer6.example marketing_email)" true "the sixth is not"
is "$(flag c7@customer7.example marketing_email)" true "nor the seventh"
is "$(sql "SELECT count(*) FROM queue WHERE message_id IN ('f6@evil.example', 'f7@evil.example')")" 2 \
	"both wait for an operator"
like "$(sql "SELECT reason FROM queue WHERE message_id = 'f6@evil.example'")" \
	"max_requests_per_sender" "  saying why"
mo outbox list --json > "$T/outbox"
is "$(($(grep -c '"kind":"confirmation"' "$T/outbox") - before))" 5 \
	"five confirmations were written"
for i in 1 2 3 4 5; do
	like "$(cat "$T/outbox")" "\"recipient\":\"c$i@customer$i.example\"" \
		"  one to customer $i"
done
unlike "$(cat "$T/outbox")" "c6@customer6.example" "  none to customer 6"
unlike "$(cat "$T/outbox")" "c7@customer7.example" "  none to customer 7"

flood f1b "c1@customer1.example" > "$T/f1b"
exits 0 "the stranger names customer 1 again" mo deliver --no-flush < "$T/f1b"
is "$(sql "SELECT count(*) FROM queue WHERE message_id = 'f1b@evil.example'")" 0 \
	"  a profile already counted is not held back"

MAILOPT_NOW=$((NOW + 24 * 60 * 60 + 1))
flood f6b "c6@customer6.example" > "$T/f6b"
exits 0 "24 hours later the stranger names customer 6" mo deliver --no-flush < "$T/f6b"
is "$(flag c6@customer6.example marketing_email)" false "and it applies"

flood f8 c8@customer8.example c9@customer9.example c10@customer10.example \
	c11@customer11.example > "$T/f8"
exits 0 "a message naming four customers" mo deliver --no-flush < "$T/f8"
for i in 8 9 10 11; do
	is "$(flag "c$i@customer$i.example" marketing_email)" true \
		"  changes nothing for customer $i"
done
is "$(sql "SELECT count(*) FROM queue WHERE message_id = 'f8@evil.example'")" 1 \
	"  and is queued"

done_testing
