#!/bin/sh
# the IMAP test server itself (tests/dovecot.sh, tests/imapctl.py): it
# starts; messages appended over IMAP can be listed and lie in its Maildir;
# password, XOAUTH2 and OAUTHBEARER logins work and a wrong password or
# token is refused; STARTTLS on the plain port; each of the certificates
# dovecot_cert offers is the one served and fails or passes verification
# as its name says; a restart keeps the ports and the mail.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/dovecot.sh"

# imapctl ARGS: the test server's control client.
imapctl() {
	/usr/bin/python3 "$srcdir/tests/imapctl.py" "$@"
}

# tls_verify PORT HOSTNAME [ARGS]: openssl verifies the certificate PORT
# presents against $IMAP_CA and for HOSTNAME; its output in $T/tls.
tls_verify() {
	tv_port=$1 tv_host=$2
	shift 2
	openssl s_client -connect "127.0.0.1:$tv_port" -servername localhost \
		-verify_return_error -CAfile "$IMAP_CA" -verify_hostname "$tv_host" "$@" \
		</dev/null >"$T/tls" 2>&1
}

# msgid FILE: the Message-ID of a sample, as imapctl list shows it.
msgid() {
	sed -n 's/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:[[:space:]]*//p' "$1" | head -n 1
}

dovecot_start
pass "the server starts (imaps on $IMAPS_PORT, imap with STARTTLS on $IMAP_PORT)"
first_imaps=$IMAPS_PORT first_imap=$IMAP_PORT

# --- mail in and out --------------------------------------------------------
set -- $(ls "$SAMPLES/new" | LC_ALL=C sort | head -n 3)
m1=$SAMPLES/new/$1 m2=$SAMPLES/new/$2 m3=$SAMPLES/new/$3
exits 0 "imapctl append: three samples into INBOX" imapctl append INBOX "$m1" "$m2" "$m3"
is "$(tr '\n' ' ' < "$T/out")" "1 2 3 " "  each gets its UID"
exits 0 "imapctl list INBOX" imapctl list INBOX
inbox="1 () $(msgid "$m1")
2 () $(msgid "$m2")
3 () $(msgid "$m3")"
is "$(cat "$T/out")" "$inbox" "  one line each: UID, no flags, Message-ID"
is "$(imapctl count INBOX)" 3 "imapctl count INBOX"
is "$(find "$IMAP_MAILDIR/new" "$IMAP_MAILDIR/cur" -type f | wc -l | tr -d ' ')" 3 \
	"the three lie in \$IMAP_MAILDIR"
exits 0 "imapctl folders" imapctl folders
is "$(cat "$T/out")" INBOX "  names INBOX alone"
exits 0 "imapctl create Processed" imapctl create Processed
is "$(imapctl folders | tr '\n' ' ')" "INBOX Processed " "  and folders names it"
exits 0 "append --flags '\\Seen \\Flagged'" imapctl append --flags '\Seen \Flagged' Processed "$m1"
is "$(imapctl list Processed)" "1 (\\Flagged \\Seen) $(msgid "$m1")" "  list shows the flags, sorted"
printf 'Subject: no id\n\nbody\n' > "$T/noid.eml"
imapctl append Processed "$T/noid.eml" > /dev/null
is "$(imapctl list Processed | sed -n 2p)" \
	"2 () sha1:$(printf 'Subject: no id\r\n\r\nbody\r\n' | sha1sum | cut -d' ' -f1)" \
	"  a message without Message-ID shows the sha1 of what the server keeps"
exits 0 "imapctl uidvalidity" imapctl uidvalidity Processed
case $(cat "$T/out") in
''|*[!0-9]*) fail "  is a number" ;;
*) pass "  is a number" ;;
esac
exits 0 "imapctl delete-all Processed" imapctl delete-all Processed
is "$(imapctl count Processed)" 0 "  leaves it empty"
is "$(imapctl uidnext Processed)" 3 "  and UIDs go on (uidnext)"
exits 1 "imapctl count on a folder that does not exist fails" imapctl count Nowhere
like "$(cat "$T/err")" "imapctl.py: count:" "  saying so"
exits 2 "imapctl with a wrong argument count is a usage error" imapctl list
like "$(imapctl capabilities)" "IDLE" "the server offers IDLE"

# --- logins ------------------------------------------------------------------
exits 1 "a wrong password is refused" env IMAP_PASS=not-it /usr/bin/python3 \
	"$srcdir/tests/imapctl.py" count INBOX
like "$(cat "$T/err")" "AUTHENTICATIONFAILED" "  as an authentication failure"
exits 0 "XOAUTH2 with \$IMAP_TOKEN logs in" imapctl --xoauth2 "$IMAP_TOKEN" count INBOX
is "$(cat "$T/out")" 3 "  to the same mailbox"
exits 1 "XOAUTH2 with another token is refused" imapctl --xoauth2 "${IMAP_TOKEN}x" count INBOX
like "$(cat "$T/err")" "AUTHENTICATIONFAILED" "  as an authentication failure"
exits 0 "OAUTHBEARER with \$IMAP_TOKEN logs in" imapctl --oauthbearer "$IMAP_TOKEN" count INBOX
exits 1 "OAUTHBEARER with another token is refused" imapctl --oauthbearer bad-token count INBOX
exits 1 "the token is no password" env IMAP_PASS="$IMAP_TOKEN" /usr/bin/python3 \
	"$srcdir/tests/imapctl.py" count INBOX
exits 0 "STARTTLS on \$IMAP_PORT, verified against \$IMAP_CA" imapctl --starttls count INBOX
is "$(cat "$T/out")" 3 "  reaches the same mailbox"

# --- certificates ------------------------------------------------------------
tls_verify "$IMAPS_PORT" localhost
is "$?" 0 "the good certificate verifies for localhost"
tls_verify "$IMAP_PORT" localhost -starttls imap
is "$?" 0 "  and after STARTTLS"
dovecot_cert wrong-host
tls_verify "$IMAPS_PORT" localhost
is "$?" 1 "wrong-host: verification for localhost fails"
like "$(cat "$T/tls")" "hostname mismatch" "  on the host name"
tls_verify "$IMAPS_PORT" wrong.example
is "$?" 0 "  while the same CA's signature holds (verifies for wrong.example)"
exits 1 "  imapctl refuses it" imapctl count INBOX
like "$(cat "$T/err")" "certificate verify failed" "  as a certificate failure"
tls_verify "$IMAP_PORT" localhost -starttls imap
is "$?" 1 "  after STARTTLS too"
dovecot_cert unknown-ca
tls_verify "$IMAPS_PORT" localhost
is "$?" 1 "unknown-ca: verification against \$IMAP_CA fails"
like "$(cat "$T/tls")" "unable to get local issuer certificate" "  on the issuer"
exits 1 "  imapctl refuses it" imapctl --starttls count INBOX
like "$(cat "$T/err")" "certificate verify failed" "  as a certificate failure"
dovecot_cert good
tls_verify "$IMAPS_PORT" localhost
is "$?" 0 "good again: verification passes"
is "$(imapctl count INBOX)" 3 "  and imapctl reads the mailbox"

# --- stop, start, restart ------------------------------------------------------
uv=$(imapctl uidvalidity INBOX)
dovecot_stop
exits 1 "after dovecot_stop nothing answers" imapctl count INBOX
dovecot_start
is "$(imapctl count INBOX)" 3 "dovecot_start brings it back"
dovecot_restart
is "$IMAPS_PORT $IMAP_PORT" "$first_imaps $first_imap" "dovecot_restart keeps the ports"
is "$(imapctl list INBOX)" "$inbox" "  and the messages, UIDs and all"
is "$(imapctl uidvalidity INBOX)" "$uv" "  and the UIDVALIDITY"
exits 0 "  XOAUTH2 still works" imapctl --xoauth2 "$IMAP_TOKEN" count INBOX

done_testing
