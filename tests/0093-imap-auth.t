#!/bin/sh
# sweep imaps://… and check --imap against a real Dovecot when the server
# or the credentials are wrong: a certificate for another host or from an
# unknown CA is refused before any login (exit 75, check 78) and moves
# nothing; a wrong password, a password file others can read, a failing
# password command, a bad OAuth2 token; the password from a file or a
# command and XOAUTH2 from a token command work; neither password nor
# token shows in any process's arguments or in any output; a URL with a
# password is refused.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/dovecot.sh"

# imapctl ARGS: the test server's control client.
imapctl() {
	/usr/bin/python3 "$srcdir/tests/imapctl.py" "$@"
}

# msgid FILE: the Message-ID of a message, as imapctl list shows it.
msgid() {
	sed -n '/^$/q; s/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" |
		head -n 1
}

# request N: a new unsubscribe request (Tom's, with Message-ID
# <auth-N@hughes-print.example>) appended to INBOX; its UID in $uid.
request() {
	sed "s/^Message-ID:.*/Message-ID: <auth-$1@hughes-print.example>/" \
		"$SAMPLES/new/1764400112.M1P2131.mx1.nordwind.example" > "$T/auth-$1.eml"
	uid=$(imapctl append INBOX "$T/auth-$1.eml")
}

# conf SETTING...: the config: the base one and these lines.
conf() {
	{
		cat "$T/base.conf"
		for c_line in "$@"; do
			printf '%s\n' "$c_line"
		done
	} > "$MAILOPT_CONFIG"
}

# run CODE DESC CMD...: exits, and what the command printed kept in
# $T/all, which must never hold the password or the token.
run() {
	exits "$@"
	cat "$T/out" "$T/err" >> "$T/all"
}

# logins SINCE: the successful logins of $IMAP_USER Dovecot logged after
# line SINCE of its log.
logins() {
	tail -n "+$(($1 + 1))" "$DOVECOT_LOG" | grep -c "Login: user=<$IMAP_USER>"
}

dovecot_start

exits 0 "init" mo init
mo profile import "$SAMPLES/profiles.csv" > /dev/null
cat > "$T/base.conf" <<EOF
trusted_authserv_id = mx1.nordwind.example
imap_ca_file = $IMAP_CA
EOF
printf '%s\n' "$IMAP_PASS" > "$T/pw"
chmod 600 "$T/pw"
conf "imap_password_file = $T/pw"
URL=imaps://$IMAP_USER@localhost:$IMAPS_PORT/INBOX
: > "$T/all"

# --- certificates: refused before any login ----------------------------------
request 1
imapctl list INBOX > "$T/inbox.before"
dovecot_cert wrong-host
since=$(wc -l < "$DOVECOT_LOG")
run 75 "a certificate for another host: sweep exits 75" mo sweep "$URL"
like "$(cat "$T/err")" \
	"mailopt: $URL: certificate: certificate is for another host name" "  saying why"
is "$(grep -c '^imap:' "$T/out")" 0 "  and reporting no message"
run 78 "  check --imap exits 78" mo check --imap "$URL"
like "$(cat "$T/out" "$T/err")" "certificate is for another host name" "  naming the problem"
like "$(cat "$T/out")" "check: 1 problem" "  as a problem"
dovecot_cert unknown-ca
run 75 "a certificate from an unknown CA: sweep exits 75" mo sweep "$URL"
like "$(cat "$T/err")" "mailopt: $URL: certificate: certificate is not trusted" "  saying why"
run 75 "  after STARTTLS too" mo sweep "imap://$IMAP_USER@localhost:$IMAP_PORT/INBOX"
like "$(cat "$T/err")" "certificate is not trusted" "  saying why"
run 78 "  check --imap exits 78" mo check --imap "$URL"
like "$(cat "$T/out" "$T/err")" "certificate is not trusted" "  naming the problem"
dovecot_cert good
# a login would have been logged long before the reload dovecot_cert waited for
is "$(logins "$since")" 0 "no login reached the server while its certificate was wrong"
is "$(imapctl folders)" INBOX "  no folder made"
is "$(imapctl list INBOX)" "$(cat "$T/inbox.before")" "  nothing moved or seen"
since=$(wc -l < "$DOVECOT_LOG")
run 0 "the good certificate again: sweep works" mo sweep "$URL"
like "$(cat "$T/out")" ";UID=$uid applied " "  and reads the request"
# its login is logged as one with a wrong certificate would have been
i=0
while [ "$(logins "$since")" = 0 ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.05
done
is "$(logins "$since")" 1 "  its login is in Dovecot's log"
like "$(imapctl list Processed)" "(\\Seen) <auth-1@hughes-print.example>" "  and files it"

# --- passwords -----------------------------------------------------------------
request 2
printf 'not-%s\n' "$IMAP_PASS" > "$T/wrong"
chmod 600 "$T/wrong"
conf "imap_password_file = $T/wrong"
run 75 "a wrong password: sweep exits 75" mo sweep "$URL"
like "$(cat "$T/err")" "mailopt: $URL: login: " "  saying the login failed"
run 78 "  check --imap exits 78" mo check --imap "$URL"
like "$(cat "$T/out" "$T/err")" "login: " "  naming the problem"
like "$(imapctl list INBOX)" "$uid () <auth-2@hughes-print.example>" "  the request stays in INBOX, unseen"

cp "$T/pw" "$T/pw644"
chmod 644 "$T/pw644"
conf "imap_password_file = $T/pw644"
run 78 "a password file others can read: sweep exits 78" mo sweep "$URL"
like "$(cat "$T/err")" "chmod 600" "  and says chmod 600"
run 78 "  check --imap exits 78" mo check --imap "$URL"
like "$(cat "$T/out" "$T/err")" "chmod 600" "  saying the same"

conf
run 78 "no password set: sweep exits 78" mo sweep "$URL"
like "$(cat "$T/err")" "imap_password_file or imap_password_command" "  naming the settings"

# a token or password helper fails while the network is down: try again later
conf "imap_password_command = exit 3"
run 75 "a failing password command: sweep exits 75" mo sweep "$URL"
like "$(cat "$T/err")" "imap_password_command: the command failed" "  saying so"

conf "imap_password_command = cat $T/pw"
run 0 "imap_password_command = cat FILE: sweep works" mo sweep "$URL"
like "$(cat "$T/out")" ";UID=$uid unchanged " "  and reads the request"
like "$(tail -n 1 "$T/out")" "sweep: 1 messages:" "  only that one"

# --- XOAUTH2 ---------------------------------------------------------------------
printf '%s\n' "$IMAP_TOKEN" > "$T/token"
chmod 600 "$T/token"
conf "imap_auth = xoauth2" "imap_token_command = cat $T/token"
request 3
run 0 "XOAUTH2 with imap_token_command: sweep works" mo sweep "$URL"
like "$(cat "$T/out")" ";UID=$uid unchanged " "  and reads the request"
run 0 "  check --imap passes" mo check --imap "$URL"
like "$(cat "$T/out")" "logged in as $IMAP_USER" "  logged in"
printf 'ya29.not-the-token\n' > "$T/badtoken"
chmod 600 "$T/badtoken"
conf "imap_auth = xoauth2" "imap_token_command = cat $T/badtoken"
request 4
run 75 "a bad token: sweep exits 75" mo sweep "$URL"
like "$(cat "$T/err")" "mailopt: $URL: login: " "  saying the login failed"
like "$(imapctl list INBOX)" "$uid () <auth-4@hughes-print.example>" "  the request stays in INBOX, unseen"

# --- no secret in any process's arguments ---------------------------------------
# idle_secrets DESC: a sweep --idle runs, logged in and idling, while
# every process's arguments (and the sweep's environment) are read; then
# SIGTERM ends it.
idle_secrets() {
	request "$1"
	# without the harness's own copies of the secrets in the environment
	env -u IMAP_PASS -u IMAP_TOKEN "$MAILOPT" sweep --idle "$URL" \
		> "$T/idle.out" 2> "$T/idle.err" &
	is_pid=$!
	is_i=0
	until grep -q ";UID=$uid " "$T/idle.out"; do
		is_i=$((is_i + 1))
		if [ $is_i -gt 400 ] || ! kill -0 "$is_pid" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	like "$(cat "$T/idle.out")" ";UID=$uid unchanged " "$2: sweep --idle reads the request"
	# every process but the test server's OAuth2 endpoint, which is given
	# the one token it accepts on its command line
	ps -eo pid=,args= | awk -v p="$dovecot_introspect_pid" '$1 != p' > "$T/ps"
	for is_f in /proc/[0-9]*/cmdline; do
		[ "$is_f" != "/proc/$dovecot_introspect_pid/cmdline" ] || continue
		# a process may be gone by now
		{ tr '\0' ' ' < "$is_f"; } 2>/dev/null
		echo
	done > "$T/cmdlines"
	like "$(cat "$T/ps")" "sweep --idle $URL" "$2: ps shows the sweep"
	if grep -qF -e "$IMAP_PASS" -e "$IMAP_TOKEN" "$T/ps" "$T/cmdlines"; then
		fail "$2: no process's arguments hold the password or token" \
			"$(grep -hF -e "$IMAP_PASS" -e "$IMAP_TOKEN" "$T/ps" "$T/cmdlines")"
	else
		pass "$2: no process's arguments hold the password or token"
	fi
	if grep -qF -e "$IMAP_PASS" -e "$IMAP_TOKEN" "/proc/$is_pid/environ"; then
		fail "$2: nor the sweep's environment"
	else
		pass "$2: nor the sweep's environment"
	fi
	kill -TERM "$is_pid"
	wait "$is_pid"
	is "$?" 0 "$2: SIGTERM ends it, exit 0"
	like "$(tail -n 1 "$T/idle.out")" " 0 errors" "$2: with the summary"
	cat "$T/idle.out" "$T/idle.err" >> "$T/all"
}
conf "imap_password_file = $T/pw"
idle_secrets 5 "password file"
conf "imap_auth = xoauth2" "imap_token_command = cat $T/token"
idle_secrets 6 "XOAUTH2"

if grep -qF -e "$IMAP_PASS" "$T/all"; then
	fail "no output of any run holds the password"
else
	pass "no output of any run holds the password"
fi
if grep -qF -e "$IMAP_TOKEN" "$T/all"; then
	fail "no output of any run holds the token"
else
	pass "no output of any run holds the token"
fi

# --- a password in the URL ---------------------------------------------------------
exits 64 "a URL with a password is refused, exit 64" \
	mo sweep "imaps://$IMAP_USER:$IMAP_PASS@localhost:$IMAPS_PORT/INBOX"
like "$(cat "$T/err")" "a password in the URL would show in ps" "  saying why"
# unlike would print what it got, and that holds the password when it fails
case $(cat "$T/out" "$T/err") in
*"$IMAP_PASS"*) fail "  without repeating the password" ;;
*) pass "  without repeating the password" ;;
esac
like "$(cat "$T/err")" "imaps://$IMAP_USER:***@localhost" "  showing the URL with the password hidden"

done_testing
