# dovecot.sh — a private Dovecot IMAP server for a test script, on 127.0.0.1, with its own CA, users and OAuth2 endpoint.
#
# Source it after lib.sh, then:
#
#   dovecot_start        set up and start the server (or skip_all when this
#                        host cannot run one); exports
#                          IMAPS_PORT  implicit TLS (imaps://)
#                          IMAP_PORT   plain IMAP offering STARTTLS
#                          IMAP_USER   sales
#                          IMAP_PASS   its password (passwd-file)
#                          IMAP_TOKEN  the one OAuth2 token the endpoint
#                                      accepts for IMAP_USER (XOAUTH2 and
#                                      OAUTHBEARER)
#                          IMAP_CA     the CA certificate a client trusts
#                          IMAP_MAILDIR  the user's Maildir on disk (INBOX;
#                                      folder F in .F), owned by nobody:nogroup
#                          DOVECOT_DIR DOVECOT_LOG  for diagnostics
#                        After dovecot_stop, it starts the server again on
#                        the same ports and mail storage.
#   DOVECOT_EXTRA_CONF   lines appended to dovecot.conf (e.g. an
#                        imap_capability without MOVE); the config is
#                        written anew at each start, so a change takes
#                        effect at the next dovecot_start or dovecot_restart
#   dovecot_cert NAME    the server presents certificate NAME: "good"
#                        (localhost and 127.0.0.1, signed by IMAP_CA),
#                        "wrong-host" (wrong.example, same CA) or
#                        "unknown-ca" (localhost, signed by another CA)
#   dovecot_stop         stop the server (the OAuth2 endpoint stays up)
#   dovecot_restart      stop, then start on the same ports and storage
#   dovecot_cleanup      stop the server and the endpoint; run on exit.
#                        A script that sets its own EXIT trap must call it:
#                        trap 'dovecot_cleanup; ...; rm -rf "$T"' EXIT
#
# tests/imapctl.py prepares and inspects the mailboxes over IMAP.

DOVECOT=/usr/sbin/dovecot
DOVECOT_DIR=$T/dovecot
DOVECOT_LOG=$DOVECOT_DIR/dovecot.log
export DOVECOT_DIR DOVECOT_LOG
dovecot_introspect_pid=
dovecot_pid=

trap 'dovecot_cleanup; rm -rf "$T"' EXIT
# the EXIT trap does not run when a signal kills the shell; exiting from a
# signal trap runs it, so an interrupted test leaves no daemon behind
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# dovecot_bail MESSAGE: the server could not be run here although it should
# have been; stop the script with its log, not with a cascade of failures.
dovecot_bail() {
	echo "Bail out! $1"
	for dv_f in "$DOVECOT_DIR/dovecot.out" "$DOVECOT_LOG" "$DOVECOT_DIR/introspect.log"; do
		[ -s "$dv_f" ] && tail -n 20 "$dv_f" | sed "s|^|# $(basename "$dv_f"): |"
	done
	exit 99
}

dovecot_start() {
	if [ -f "$DOVECOT_DIR/dovecot.conf" ]; then
		dovecot_up
		return
	fi
	[ -x "$DOVECOT" ] || skip_all "no $DOVECOT (Debian: dovecot-imapd)"
	[ -x /usr/lib/dovecot/imap ] || [ -x /usr/libexec/dovecot/imap ] ||
		skip_all "no Dovecot IMAP server (Debian: dovecot-imapd)"
	command -v openssl >/dev/null 2>&1 || skip_all "no openssl to make certificates"
	[ "$(id -u)" = 0 ] || skip_all "Dovecot runs its mail processes as nobody: needs root"
	getent passwd nobody >/dev/null && getent group nogroup >/dev/null ||
		skip_all "no user nobody or group nogroup for the mail processes"

	mkdir -p "$DOVECOT_DIR/certs" "$DOVECOT_DIR/run" "$DOVECOT_DIR/state" \
		"$DOVECOT_DIR/home/sales" || dovecot_bail "cannot make $DOVECOT_DIR"
	chmod 0755 "$DOVECOT_DIR" "$DOVECOT_DIR/home"
	# the key files stay root's: only the master reads them
	chmod 0700 "$DOVECOT_DIR/certs"
	# auth runs as user dovecot, the mail processes as nobody: both must
	# reach into the directory, and mktemp made $T 0700
	chmod o+x "$T" && dovecot_searchable "$(dirname "$T")" ||
		dovecot_bail "cannot make the path to $T searchable"
	# the Maildir made now, not at the first login, so a test can look into
	# it or drop mail there (given to nobody:nogroup) before any IMAP
	mkdir -p "$DOVECOT_DIR/home/sales/Maildir/cur" "$DOVECOT_DIR/home/sales/Maildir/new" \
		"$DOVECOT_DIR/home/sales/Maildir/tmp"
	chown -R nobody:nogroup "$DOVECOT_DIR/home/sales"
	! command -v runuser >/dev/null 2>&1 ||
		runuser -u nobody -- test -w "$DOVECOT_DIR/home/sales" ||
		dovecot_bail "user nobody cannot write $DOVECOT_DIR/home/sales (an ACL or mount option?)"

	dovecot_mkcerts

	IMAP_USER=sales
	IMAP_PASS=pw-$(openssl rand -hex 9)
	IMAP_TOKEN=ya29.$(openssl rand -base64 30 | tr '+/' '-_')
	IMAP_MAILDIR=$DOVECOT_DIR/home/sales/Maildir
	IMAP_CA=$DOVECOT_DIR/ca.pem
	export IMAP_USER IMAP_PASS IMAP_TOKEN IMAP_MAILDIR IMAP_CA
	# "{PLAIN}" because the password is no secret here; the six empty
	# fields are uid, gid, gecos, home, shell and extra fields
	printf '%s:{PLAIN}%s::::::\n' "$IMAP_USER" "$IMAP_PASS" > "$DOVECOT_DIR/passwd"
	chmod 0644 "$DOVECOT_DIR/passwd"

	dovecot_introspect_start

	# the ports are chosen free, but another test may take one before
	# Dovecot binds it: then choose again
	dv_i=0
	while :; do
		IMAPS_PORT=$(/usr/bin/python3 "$srcdir/tests/port.py" free)
		IMAP_PORT=$(/usr/bin/python3 "$srcdir/tests/port.py" free)
		[ "$IMAPS_PORT" != "$IMAP_PORT" ] || continue
		export IMAPS_PORT IMAP_PORT
		dovecot_conf
		dovecot_launch && break
		dv_i=$((dv_i + 1))
		grep -q 'Address already in use' "$DOVECOT_DIR/dovecot.out" && [ $dv_i -lt 5 ] ||
			dovecot_bail "dovecot does not start"
	done
	dovecot_wait
}

# dovecot_searchable DIR: every directory from / to DIR lets others
# through (o+x, not o+r), which the unprivileged processes need to reach
# the passwd file and the mail storage below it.
dovecot_searchable() {
	ds_d=$1
	while [ -n "$ds_d" ] && [ "$ds_d" != / ]; do
		if [ -z "$(find "$ds_d" -maxdepth 0 -perm -0001)" ]; then
			chmod o+x "$ds_d" || return 1
			echo "# dovecot.sh: chmod o+x $ds_d for Dovecot's unprivileged processes"
		fi
		ds_d=$(dirname "$ds_d")
	done
}

# dovecot_mkcerts: a CA the tests trust, another they do not, and the
# server certificates dovecot_cert chooses from. EC keys: made in
# milliseconds, where RSA keys would slow every start down.
dovecot_mkcerts() {
	dv_c=$DOVECOT_DIR/certs
	cat > "$dv_c/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[good]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1
[wrong-host]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example
CNF
	{
		for dv_ca in ca other-ca; do
			openssl req -config "$dv_c/openssl.cnf" -x509 -new -nodes \
				-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
				-keyout "$dv_c/$dv_ca.key" -out "$dv_c/$dv_ca.pem" -days 30 \
				-subj "/O=mailopt tests/CN=$dv_ca $$" -extensions ca || return 1
		done
		# each: the name dovecot_cert knows, its signer, its extensions
		for dv_cert in "good ca good" "wrong-host ca wrong-host" "unknown-ca other-ca good"; do
			set -- $dv_cert
			openssl req -config "$dv_c/openssl.cnf" -new -nodes \
				-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
				-keyout "$dv_c/$1.key" -out "$dv_c/$1.csr" \
				-subj "/O=mailopt tests/CN=$1" &&
			openssl x509 -req -in "$dv_c/$1.csr" -CA "$dv_c/$2.pem" -CAkey "$dv_c/$2.key" \
				-set_serial "0x$(openssl rand -hex 8)" -days 30 \
				-extfile "$dv_c/openssl.cnf" -extensions "$3" -out "$dv_c/$1.pem" || return 1
		done
	} > "$dv_c/openssl.log" 2>&1 || dovecot_bail "openssl: $(tail -n 5 "$dv_c/openssl.log")"
	cp "$dv_c/ca.pem" "$DOVECOT_DIR/ca.pem"
	cp "$dv_c/good.pem" "$dv_c/server.pem"
	cp "$dv_c/good.key" "$dv_c/server.key"
}

# dovecot_introspect_start: the OAuth2 token endpoint Dovecot asks about
# each XOAUTH2/OAUTHBEARER token; it writes the port it chose.
dovecot_introspect_start() {
	rm -f "$DOVECOT_DIR/introspect.port"
	/usr/bin/python3 "$srcdir/tests/oauth2-introspect.py" "$IMAP_TOKEN" "$IMAP_USER" \
		"$DOVECOT_DIR/introspect.port" </dev/null >>"$DOVECOT_DIR/introspect.log" 2>&1 &
	dovecot_introspect_pid=$!
	dv_i=0
	while [ ! -s "$DOVECOT_DIR/introspect.port" ]; do
		kill -0 "$dovecot_introspect_pid" 2>/dev/null && [ $dv_i -lt 200 ] ||
			dovecot_bail "the OAuth2 endpoint does not start"
		dv_i=$((dv_i + 1))
		sleep 0.05
	done
	DOVECOT_INTROSPECT_PORT=$(cat "$DOVECOT_DIR/introspect.port")
}

dovecot_conf() {
	cat > "$DOVECOT_DIR/dovecot-oauth2.conf.ext" <<EOF
# RFC 7662 introspection: POST token=..., answer {"active": ..., "username": ...}
introspection_mode = post
introspection_url = http://127.0.0.1:$DOVECOT_INTROSPECT_PORT/introspect
# without it Dovecot would accept any answer that names a user
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
EOF
	cat > "$DOVECOT_DIR/dovecot.conf" <<EOF
# written by tests/dovecot.sh: a private server for one test script
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_LOG
instance_name = mailopt-test-$$
protocols = imap
listen = 127.0.0.1
# a client on 127.0.0.1 counts as secure to Dovecot, so plain LOGIN
# works even without STARTTLS: making sure a client uses TLS is the
# client's test, not the server's
disable_plaintext_auth = yes
ssl = yes
ssl_cert = <$DOVECOT_DIR/certs/server.pem
ssl_key = <$DOVECOT_DIR/certs/server.key
ssl_min_protocol = TLSv1.2

first_valid_uid = 1
mail_location = maildir:~/Maildir
# the tests log in wrongly on purpose: answer at once, not after 2 s
auth_failure_delay = 0
auth_mechanisms = plain login xoauth2 oauthbearer
auth_verbose = yes

# each passdb serves its own mechanisms: the token is no password and the
# password no token
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DOVECOT_DIR/passwd
  mechanisms = plain login
}
passdb {
  driver = oauth2
  args = $DOVECOT_DIR/dovecot-oauth2.conf.ext
  mechanisms = xoauth2 oauthbearer
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$DOVECOT_DIR/home/%u
}

# failed logins from one IP address slow down its next logins (up to
# 15 s): the tests fail on purpose, so the auth process is kept from
# the anvil socket that counts them
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
EOF
	[ -z "${DOVECOT_EXTRA_CONF:-}" ] ||
		printf '%s\n' "$DOVECOT_EXTRA_CONF" >> "$DOVECOT_DIR/dovecot.conf"
}

# dovecot_launch: run the master in the background, as a child of this
# shell (-F): no pid file to trust, and its exit is ours to wait for.
# It keeps every descriptor it inherits, and so do its children: stdout
# must not be the TAP pipe the harness reads to its end, nor fd 3-9 a
# pipe or FIFO a test waits on. Returns 1 when the master exits before
# both ports listen (a port taken: see dovecot.out).
dovecot_launch() {
	"$DOVECOT" -F -c "$DOVECOT_DIR/dovecot.conf" </dev/null >"$DOVECOT_DIR/dovecot.out" 2>&1 \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	dovecot_pid=$!
	dv_i=0
	until dovecot_listening "$IMAPS_PORT" && dovecot_listening "$IMAP_PORT"; do
		if ! dovecot_alive "$dovecot_pid"; then
			wait "$dovecot_pid"
			dovecot_pid=
			return 1
		fi
		dv_i=$((dv_i + 1))
		[ $dv_i -lt 400 ] || dovecot_bail "dovecot does not listen on $IMAPS_PORT and $IMAP_PORT"
		sleep 0.05
	done
}

# dovecot_listening PORT: a socket listens on 127.0.0.1:PORT (read from
# /proc: a probe connection would only clutter the server's log).
dovecot_listening() {
	# the address in host byte order: little- or big-endian
	awk -v port="$(printf '%04X' "$1")" \
		'($2 == "0100007F:" port || $2 == "7F000001:" port) && $4 == "0A" { found = 1 }
		END { exit !found }' /proc/net/tcp
}

# dovecot_wait: both listeners accept connections.
dovecot_wait() {
	/usr/bin/python3 "$srcdir/tests/port.py" wait "$IMAPS_PORT" &&
		/usr/bin/python3 "$srcdir/tests/port.py" wait "$IMAP_PORT" ||
		dovecot_bail "dovecot does not accept connections on $IMAPS_PORT and $IMAP_PORT"
}

dovecot_up() {
	[ -z "$dovecot_pid" ] || return 0
	dovecot_conf
	dovecot_launch || dovecot_bail "dovecot does not start again"
	dovecot_wait
}

dovecot_stop() {
	[ -n "$dovecot_pid" ] || return 0
	# the master's children, to wait for them too: a login process that
	# outlived it would still hold the listening sockets
	dv_kids=$(grep -l "^PPid:[[:space:]]*$dovecot_pid\$" /proc/[0-9]*/status 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/status$|\1|')
	kill "$dovecot_pid" 2>/dev/null
	dv_i=0
	for dv_p in $dovecot_pid $dv_kids; do
		while dovecot_alive "$dv_p"; do
			dv_i=$((dv_i + 1))
			if [ $dv_i -gt 200 ]; then
				kill -9 "$dv_p" 2>/dev/null
				echo "# dovecot.sh: process $dv_p did not stop, killed"
			fi
			sleep 0.05
		done
	done
	wait "$dovecot_pid"
	dovecot_pid=
}

# dovecot_alive PID: the process runs; a zombie counts as gone.
dovecot_alive() {
	[ -r "/proc/$1/stat" ] &&
		[ "$(sed 's/^.*) \([A-Za-z]\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

dovecot_restart() {
	dovecot_stop
	dovecot_up
}

# dovecot_fingerprint FILE | -port PORT [-starttls imap]: the SHA-256
# fingerprint of a certificate file, or of the one a port presents.
dovecot_fingerprint() {
	if [ "$1" = -port ]; then
		dv_p=$2
		shift 2
		openssl s_client -connect "127.0.0.1:$dv_p" -servername localhost "$@" \
			</dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null
	else
		openssl x509 -noout -fingerprint -sha256 -in "$1"
	fi
}

dovecot_cert() {
	case $1 in
	good|wrong-host|unknown-ca) ;;
	*) dovecot_bail "dovecot_cert: no certificate '$1'" ;;
	esac
	dv_c=$DOVECOT_DIR/certs
	cp "$dv_c/$1.pem" "$dv_c/server.pem.tmp" && mv -f "$dv_c/server.pem.tmp" "$dv_c/server.pem" &&
		cp "$dv_c/$1.key" "$dv_c/server.key.tmp" && mv -f "$dv_c/server.key.tmp" "$dv_c/server.key" ||
		dovecot_bail "dovecot_cert: cannot copy $1"
	dv_want=$(dovecot_fingerprint "$dv_c/$1.pem")
	# a reload (SIGHUP) rereads the configuration and the files it names
	# and replaces the login processes; wait until both ports serve it
	kill -HUP "$dovecot_pid" ||
		dovecot_bail "dovecot_cert: no server to reload"
	dv_i=0
	until [ "$(dovecot_fingerprint -port "$IMAPS_PORT")" = "$dv_want" ] &&
	    [ "$(dovecot_fingerprint -port "$IMAP_PORT" -starttls imap)" = "$dv_want" ]; do
		dv_i=$((dv_i + 1))
		[ $dv_i -lt 100 ] || dovecot_bail "dovecot_cert: the server does not present '$1'"
		sleep 0.05
	done
}

# dovecot_login: IMAP_PASS in a private file, and the settings that log a
# sweep in with it and trust IMAP_CA appended to $MAILOPT_CONFIG; URL is
# then the user's INBOX over imaps.
dovecot_login() {
	printf '%s\n' "$IMAP_PASS" > "$T/imap.pass"
	chmod 600 "$T/imap.pass"
	printf 'imap_password_file = %s\nimap_ca_file = %s\n' \
	    "$T/imap.pass" "$IMAP_CA" >> "$MAILOPT_CONFIG"
	URL="imaps://$IMAP_USER@localhost:$IMAPS_PORT/INBOX"
}

dovecot_cleanup() {
	dovecot_stop
	if [ -n "$dovecot_introspect_pid" ]; then
		kill "$dovecot_introspect_pid" 2>/dev/null
		wait "$dovecot_introspect_pid" 2>/dev/null
		dovecot_introspect_pid=
	fi
}
