#!/bin/sh
# the shipped templates are built in: with from set, a missing or empty
# templates directory still confirms every opt-out (in the rule's
# language); a file there overrides that one text only; a broken
# override is named and the built-in text goes out, the opt-out applied.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read the mail"
L="$FIX/languages"
MARGARET=margaret.hale@example.com

# a sendmail that keeps each message as sent/mail.PID
cat > "$T/sendmail" <<'SM'
#!/bin/sh
dir=$(dirname "$0")/sent
mkdir -p "$dir"
cat > "$dir/mail.$$"
SM
chmod +x "$T/sendmail"

# setup DIR: outgoing mail on with templates = DIR, a fresh database, nothing sent.
setup() {
	printf 'from = Nordwind Sales <sales@nordwind.example>\nsendmail = %s -t -oi\ntemplates = %s\n' \
		"$T/sendmail" "$1" > "$MAILOPT_CONFIG"
	rm -rf "$T/db" "$T/sent" "$T/mc"
	mo init >/dev/null &&
	    mo profile import "$FIX/outbox/profiles.csv" >/dev/null &&
	    mo profile import "$L/profiles.csv" >/dev/null
}

# sent: the one mail sendmail was given (empty when none).
sent() {
	ls "$T/sent"/mail.* 2>/dev/null | head -1
}

# body FILE: the decoded text of the mail in FILE.
body() {
	/usr/bin/python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body().get_content())' "$1"
}

for dir in "$T/missing" "$T/empty"; do
	case $dir in *empty) mkdir -p "$dir"; what="an empty" ;; *) what="a missing" ;; esac
	setup "$dir"
	exits 0 "$what templates directory: deliver applies the opt-out" \
		mo deliver < "$FIX/outbox/optout.eml"
	is "$(cat "$T/err")" "" "  nothing on standard error"
	is "$(flag $MARGARET marketing_email)" false "  the flag is off"
	is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'confirmation' AND state = 'sent'")" 1 \
		"  the confirmation is in the outbox, sent"
	is "$(mc "$(sent)" to)" "$MARGARET" "  it went to the customer"
	like "$(body "$(sent)")" "we have changed your preferences as you asked" \
		"  with the built-in English text"
	rm -rf "$T/sent"
	exits 0 "$what templates directory: a German request" mo deliver < "$L/de.eml"
	like "$(body "$(sent)")" "Guten Tag" "  is confirmed with the built-in German text"
done

setup "$T/missing"
mkmaildir "$T/md"
cp "$FIX/outbox/optout.eml" "$T/md/new/1.m"
exits 0 "a missing templates directory: sweep applies the opt-out" mo sweep "$T/md"
is "$(count "$T/md/new"):$(count "$T/md/.Processed/cur")" "0:1" "  and files the request"
is "$(flag $MARGARET marketing_email)" false "  the flag is off"

# one override: that file is used, the other texts stay built in
mkdir -p "$T/over"
printf 'Subject: Custom {{email}}\n\nCUSTOM TEXT for {{name}}\n' > "$T/over/confirmation.en.txt"
setup "$T/over"
exits 0 "an override of confirmation.en.txt: deliver" mo deliver < "$FIX/outbox/optout.eml"
is "$(mc "$(sent)" subject)" "Custom $MARGARET" "  its subject is used"
like "$(body "$(sent)")" "CUSTOM TEXT for Margaret Hale" "  and its body"
rm -rf "$T/sent"
exits 0 "  a German request" mo deliver < "$L/de.eml"
like "$(body "$(sent)")" "Guten Tag" "  still gets the built-in German text"

# a broken override blocks nothing: it is named, the built-in text goes out
printf 'Subject: x\n\nHello {{nmae}}\n' > "$T/over/confirmation.en.txt"
setup "$T/over"
exits 0 "a broken override: deliver still applies the opt-out" \
	mo deliver < "$FIX/outbox/optout.eml"
like "$(cat "$T/err")" "confirmation.en.txt:3: unknown placeholder {{nmae}}" "  names file and line"
like "$(cat "$T/err")" "using the built-in text instead" "  and says what it did"
is "$(flag $MARGARET marketing_email)" false "  the flag is off"
like "$(body "$(sent)")" "we have changed your preferences as you asked" \
	"  the built-in text went out"

done_testing
