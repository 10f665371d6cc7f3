#!/bin/sh
# token: the sales+TOKEN@ address names its profile and proves it, so an opt-in sent to it applies.
. "$srcdir/tests/lib.sh"

mo init >/dev/null
mo profile import "$FIX/token/profiles.csv" >/dev/null

# msg RCPT MID: the opt-in fixture sent to RCPT
msg() {
	sed -e "s/@RCPT@/$1/g" -e "s/@MID@/$2/g" "$FIX/token/optin.eml"
}

exits 78 "token without a secret is a configuration error" \
	mo token karin.meyer@meyer-labor.example

printf 'this-is-a-secret-of-enough-length\n' > "$T/secret"
chmod 644 "$T/secret"
cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Instruments <sales@nordwind.example>
token_secret_file = $T/secret
sendmail = /bin/false
templates = $srcdir/templates
CONF
exits 78 "a secret others can read is refused" \
	mo token karin.meyer@meyer-labor.example
like "$(cat "$T/err")" "readable by others" "and the error says so"
chmod 600 "$T/secret"

exits 0 "token prints the address" mo token KARIN.MEYER@meyer-labor.example
addr=$(cat "$T/out")
case $addr in
sales+[0-9]*-[a-z2-7]*@nordwind.example) pass "it is sales+ID-MAC@ the from domain" ;;
*) fail "it is sales+ID-MAC@ the from domain" "got: $addr" ;;
esac
exits 0 "the same token every time" mo token karin.meyer@meyer-labor.example
is "$(cat "$T/out")" "$addr" "  (stable)"
exits 66 "an unknown profile" mo token nobody@example.com

msg "$addr" t1 > "$T/m1"
exits 0 "an opt-in to the token address from an unknown sender" \
	mo deliver --no-flush < "$T/m1"
is "$(flag karin.meyer@meyer-labor.example marketing_email)" true \
	"is applied to the token's profile"
is "$(sql "SELECT rule FROM history WHERE flag = 'marketing_email'")" \
	en-optin-history-email "with the rule in the history"

sql "UPDATE profile SET marketing_email = 0"
upper=$(printf '%s' "$addr" | tr a-z A-Z)
msg "$upper" t2 > "$T/m2"
exits 0 "a token whose case an MTA changed" mo deliver --no-flush < "$T/m2"
is "$(flag karin.meyer@meyer-labor.example marketing_email)" true \
	"still names and proves the profile"

sql "UPDATE profile SET marketing_email = 0"
bad=$(printf '%s' "$addr" | awk -F- '{ m = $2; c = substr(m, 1, 1); c = (c == "a") ? "b" : "a"; print $1 "-" c substr(m, 2) }')
msg "$bad" t3 > "$T/m3"
exits 0 "a forged token" mo deliver --no-flush < "$T/m3"
is "$(flag karin.meyer@meyer-labor.example marketing_email)" false \
	"proves nothing: the flag stays"
is "$(sql "SELECT count(*) FROM queue WHERE message_id = 't3@freemail.example'")" 1 \
	"and the request waits for an operator"

tom=$(mo token tom.hughes@hughes-print.example)
sed -e "s/^From: .*/From: Karin Meyer <karin.meyer@meyer-labor.example>/" \
    -e "s/@RCPT@/$tom/g" -e "s/@MID@/t4/g" "$FIX/token/optin.eml" > "$T/m4"
exits 0 "an opt-in to a token of another profile than From's" \
	mo deliver --no-flush < "$T/m4"
is "$(flag tom.hughes@hughes-print.example marketing_email)" false \
	"proves nothing: the token's profile stays"
is "$(sql "SELECT count(*) FROM queue WHERE message_id = 't4@freemail.example'")" 1 \
	"and the request waits for an operator"

done_testing
