#!/bin/sh
# mailopt check: config, rules, templates, the database (there, owner,
# mode, schema), sendmail, the token secret, and with --smtp an EHLO to
# the server; one line per problem, exit 0 or 78.
. "$srcdir/tests/lib.sh"

mksendmail
mksecret
cat > "$T/good.conf" <<CONF
from = Nordwind Sales <sales@nordwind.example>
sendmail = $T/sendmail -t -oi
token_secret_file = $T/secret
templates = $T/templates
CONF
cp "$T/good.conf" "$MAILOPT_CONFIG"

# problems: the lines check wrote on standard error
problems() {
	grep -c '^mailopt: ' "$T/err"
}

exits 78 "check without a database" mo check
like "$(cat "$T/err")" "database: $MAILOPT_DB: missing: run mailopt init" "  says to run init"
is "$(problems)" 1 "  one line for the one problem"
like "$(cat "$T/out")" "check: 1 problem" "  and counts it"

mo init >/dev/null
exits 0 "check after init: all is well" mo check
is "$(cat "$T/err")" "" "  nothing on standard error"
like "$(cat "$T/out")" "check: 0 problems" "  it says so"

chmod 644 "$MAILOPT_DB"
chmod 755 "$T/db"
exits 78 "check: a database others can read" mo check
like "$(cat "$T/err")" "database: $MAILOPT_DB: mode 0644: chmod 600 it" "  the file's mode"
like "$(cat "$T/err")" "database directory: $T/db: mode 0755: chmod 700 it" "  the directory's mode"
is "$(problems)" 2 "  two problems, two lines"
chmod 600 "$MAILOPT_DB"
chmod 700 "$T/db"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$MAILOPT_DB"
	exits 78 "check: a database another user owns (sudo mailopt init)" mo check
	like "$(cat "$T/err")" "database: $MAILOPT_DB: owned by nobody (uid $(id -u nobody)), but mailopt runs as root (uid 0) here" \
		"  names the owner and the user running"
	chown 0 "$MAILOPT_DB"
else
	pass "# skip: not root, cannot give the database to another user"
	pass "# skip"
fi

v=$(sql 'PRAGMA user_version')
sql 'PRAGMA user_version = 1'
exits 78 "check: a database of an older schema" mo check
like "$(cat "$T/err")" "schema version 1 is older than $v: run mailopt init" "  says to run init"
sql "PRAGMA user_version = $v"

printf 'from = nobody\n' >> "$MAILOPT_CONFIG"
exits 78 "check: a bad config line" mo check
like "$(cat "$T/err")" "mailopt.conf:5: from: not an address" "  names file and line"
cp "$T/good.conf" "$MAILOPT_CONFIG"

mkdir -p "$T/rules"
cp "$srcdir/rules/"*.rules "$T/rules/"
printf 'broken optout-all body /unclosed(/\n' > "$T/rules/99-broken.rules"
exits 78 "check: a broken rule" mo --rules "$T/rules" check
like "$(cat "$T/err")" "99-broken.rules:1:" "  names file and line"

mkdir -p "$T/templates"
printf 'Subject: x\n\nHello {{nmae}}\n' > "$T/templates/confirmation.de.txt"
exits 78 "check: a broken template override" mo check
like "$(cat "$T/err")" "$T/templates/confirmation.de.txt:3: unknown placeholder {{nmae}}" \
	"  names file and line"
printf 'Subject: Ihre Einstellungen\n\nHallo {{name}}\n' > "$T/templates/confirmation.de.txt"
exits 0 "check: a good override" mo check

printf 'short\n' > "$T/secret"
exits 78 "check: a token secret too short" mo check
like "$(cat "$T/err")" "the secret must be" "  says so"
printf 'a-secret-of-enough-length-here\n' > "$T/secret"

printf 'trusted_authserv_id = mx1.nordwind.example\n' >> "$MAILOPT_CONFIG"
exits 0 "check with trusted_authserv_id" mo check
like "$(cat "$T/out")" "the MTA must delete every Authentication-Results field carrying mx1.nordwind.example" \
	"  reminds that the MTA must delete forged fields"
cp "$T/good.conf" "$MAILOPT_CONFIG"

exits 64 "check --imap needs a mailbox URL" mo check --imap
exits 64 "check --imap of a Maildir path is a usage error" mo check --imap "$T/Maildir"
exits 64 "check --bogus is a usage error" mo check --bogus

# --smtp: EHLO to a real server, then to none
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	port=$(/usr/bin/python3 "$srcdir/tests/port.py" free)
	printf 'smtp = smtp://127.0.0.1:%s\n' "$port" >> "$MAILOPT_CONFIG"
	/usr/bin/python3 -m aiosmtpd -n -d -l "127.0.0.1:$port" \
		-c aiosmtpd.handlers.Sink >> "$T/smtpd.log" 2>&1 &
	srv=$!
	trap 'kill $srv 2>/dev/null; rm -rf "$T"' EXIT
	/usr/bin/python3 "$srcdir/tests/port.py" wait "$port"
	exits 0 "check --smtp: the server answers" mo check --smtp
	is "$(cat "$T/err")" "" "  no problem"
	like "$(cat "$T/smtpd.log")" "EHLO" "  it said EHLO"
	kill $srv
	wait $srv 2>/dev/null
	exits 78 "check --smtp: no server" mo check --smtp
	like "$(cat "$T/err")" "smtp: smtp://127.0.0.1:$port" "  names the server"
	exits 0 "check without --smtp does not connect" mo check
else
	for i in 1 2 3 4 5 6; do pass "# skip: no python3-aiosmtpd"; done
fi

done_testing
