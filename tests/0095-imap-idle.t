#!/bin/sh
# sweep --idle: a message another client appends is handled within 2 s
# and filed; the sweep outlives a server restart, its connection cut and
# the server down for a while (trying again after 1 s, then 2 s), then
# handles new mail within seconds; SIGTERM makes it print the summary and
# exit 0 at once, leaving no process behind. And a sweep (no --idle) with
# the server down exits 75 at once, trying no more.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/dovecot.sh"

# imapctl ARGS: the test server's control client.
imapctl() {
	/usr/bin/python3 "$srcdir/tests/imapctl.py" "$@"
}

# msgid FILE: the Message-ID of a sample, as imapctl list shows it.
msgid() {
	sed -n 's/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:[[:space:]]*//p' "$1" | head -n 1
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# wait_line FIXED-STRING FILE MS: wait until a line of FILE contains
# FIXED-STRING, for at most MS milliseconds from $since (set by the
# caller when the clock starts); the line in $line, the time it took in
# $took. Returns 1 at the deadline, or at once when the sweep ($pid)
# has ended.
wait_line() {
	while :; do
		line=$(grep -F -- "$1" "$2" | head -n 1)
		took=$(($(now_ms) - since))
		[ -z "$line" ] || return 0
		[ "$took" -lt "$3" ] || return 1
		[ -z "$pid" ] || alive "$pid" || return 1
		sleep 0.05
	done
}

# gone: when the sweep is no more, $why says so with its exit status
# (kept in $ended); else $why is empty.
ended= why=
gone() {
	why=
	alive "$pid" && return
	[ -n "$ended" ] || { wait "$pid"; ended=$?; }
	why="the sweep ended with status $ended"
	[ "$ended" != 141 ] || why="$why: killed by SIGPIPE"
}

# drop_sessions: the server's processes for its IMAP sessions killed, as
# a crash of the server or a cut in the network would end them: the
# connection ends without a word. The sweep's is the only session open.
drop_sessions() {
	for ds_p in $(grep -l "^PPid:[[:space:]]*$dovecot_pid\$" /proc/[0-9]*/status 2>/dev/null |
	    sed 's|^/proc/\([0-9]*\)/status$|\1|'); do
		[ "$({ cat "/proc/$ds_p/comm"; } 2>/dev/null)" = imap ] && kill -9 "$ds_p" 2>/dev/null
	done
}

# alive PID: the process runs (a zombie counts as gone).
alive() {
	[ -r "/proc/$1/stat" ] &&
		[ "$(sed 's/^.*) \([A-Za-z]\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# ours: processes whose command line names this test's server (its port
# is this script's alone: other tests may run mailopt-imap meanwhile).
ours() {
	for o_p in /proc/[0-9]*; do
		# one may end meanwhile: its cmdline is gone, which is no error
		o_c=$({ tr '\0' ' ' < "$o_p/cmdline"; } 2>/dev/null)
		case $o_c in
		*"localhost:$IMAPS_PORT/"*) echo "${o_p#/proc/}: $o_c" ;;
		esac
	done
}

dovecot_start

exits 0 "init" mo init
exits 0 "the sample profiles import" mo profile import "$SAMPLES/profiles.csv"
echo "trusted_authserv_id = mx1.nordwind.example" >> "$MAILOPT_CONFIG"
dovecot_login
S=$SAMPLES/new
ignored=$S/1764404348.M12P2250.mx1.nordwind.example
first=$S/1764400112.M1P2131.mx1.nordwind.example
second=$S/1764400497.M2P2140.mx1.nordwind.example
third=$S/1764400873.M3P2152.mx1.nordwind.example
fourth=$S/1764401260.M4P2168.mx1.nordwind.example

uv=$(imapctl uidvalidity INBOX)
# url UID: the name the report gives INBOX's message UID
url() {
	echo "imap://$IMAP_USER@localhost/INBOX;UIDVALIDITY=$uv/;UID=$1"
}

# --- started, it handles what is there, then waits -------------------------
# mail from before the start: read by the first pass, which shows the
# sweep is up (its report is written batch by batch)
u0=$(imapctl append INBOX "$ignored")
"$MAILOPT" sweep --idle "$URL" > "$T/idle.out" 2> "$T/idle.err" &
pid=$!
since=$(now_ms)
if wait_line "$(url "$u0") " "$T/idle.out" 10000; then
	pass "sweep --idle reads the mail there is at its start"
else
	fail "sweep --idle reads the mail there is at its start" \
		"stdout: $(cat "$T/idle.out")
stderr: $(cat "$T/idle.err")"
fi
like "$line" " ignored" "  ignoring what is no request"

# --- new mail from another client -------------------------------------------
# what counts is the time from the append to the report; the append's own
# login is not the sweep's doing
u1=$(imapctl append INBOX "$first")
since=$(now_ms)
if wait_line "$(url "$u1") " "$T/idle.out" 2000; then
	pass "a message appended by another client is handled within 2 s ($took ms)"
else
	fail "a message appended by another client is handled within 2 s" \
		"nothing after $took ms; stdout: $(cat "$T/idle.out")
stderr: $(cat "$T/idle.err")"
fi
like "$line" " applied action=optout-all" "  applied"
is "$(flags tom.hughes@hughes-print.example)" "false false false" \
	"  the profile's flags are off"
is "$(imapctl list Processed | sed 's/^[0-9]* //')" "(\\Seen) $(msgid "$first")" \
	"  it is in Processed, seen"
is "$(imapctl list INBOX | sed 's/^[0-9]* //')" "() $(msgid "$ignored")" \
	"  INBOX keeps only the ignored one, unseen"

# --- the server goes away and comes back ------------------------------------
dovecot_restart
if alive "$pid"; then
	pass "sweep --idle outlives a server restart"
else
	gone
	fail "sweep --idle outlives a server restart" "$why
stderr: $(cat "$T/idle.err")"
fi
u2=$(imapctl append INBOX "$second")
since=$(now_ms)
# it may have been trying again when the server was back: a back-off of
# 1, 2, 4 s leaves it at most some 8 s behind
if wait_line "$(url "$u2") " "$T/idle.out" 10000; then
	pass "after the restart new mail is handled within 10 s ($took ms)"
else
	gone
	fail "after the restart new mail is handled within 10 s" \
		"nothing after $took ms; $why
stderr: $(cat "$T/idle.err")"
fi
like "$line" " applied action=optout-postal" "  applied"
like "$(cat "$T/idle.err")" "connecting again in 1 s" "  it said it would connect again, after 1 s"
is "$(imapctl list Processed | sed 's/^[0-9]* //' | LC_ALL=C sort)" \
	"$(printf '(\\Seen) %s\n(\\Seen) %s\n' "$(msgid "$first")" "$(msgid "$second")" | LC_ALL=C sort)" \
	"  it is in Processed, seen"
is "$(grep -c -F "$(url "$u0") " "$T/idle.out")" 1 \
	"  what it had read before the restart it does not read again"

# and once more without a restart: the new connection idles as the first did
u3=$(imapctl append INBOX "$third")
since=$(now_ms)
if wait_line "$(url "$u3") " "$T/idle.out" 2000; then
	pass "  and then handles new mail within 2 s again ($took ms)"
else
	fail "  and then handles new mail within 2 s again" \
		"nothing after $took ms; stdout: $(cat "$T/idle.out")"
fi

# --- the connection cut ------------------------------------------------------
# each time it connects again (after 1 s) and reads what came meanwhile
for i in 1 2 3; do
	drop_sessions
	u=$(imapctl append INBOX "$S/1764404733.M13P2262.mx1.nordwind.example")
	since=$(now_ms)
	if wait_line "$(url "$u") " "$T/idle.out" 10000; then
		pass "connection cut ($i): it connects again and reads new mail within 10 s ($took ms)"
	else
		gone
		fail "connection cut ($i): it connects again and reads new mail within 10 s" \
			"nothing after $took ms; $why
stderr: $(tail -n 5 "$T/idle.err")"
		break
	fi
done

# --- the server away for longer: it waits longer between tries --------------
dovecot_stop
since=$(now_ms)
if wait_line "connecting again in 2 s" "$T/idle.err" 10000; then
	pass "with the server down, it tries again after 1 s, then 2 s"
else
	gone
	fail "with the server down, it tries again after 1 s, then 2 s" "$why
stderr: $(cat "$T/idle.err")"
fi
dovecot_start
u4=$(imapctl append INBOX "$fourth")
since=$(now_ms)
if wait_line "$(url "$u4") " "$T/idle.out" 10000; then
	pass "  once it is back, new mail is handled within 10 s ($took ms)"
else
	gone
	fail "  once it is back, new mail is handled within 10 s" \
		"nothing after $took ms; $why
stderr: $(cat "$T/idle.err")"
fi

# --- SIGTERM ------------------------------------------------------------------
kill -TERM "$pid" 2>/dev/null
since=$(now_ms)
while alive "$pid" && [ $(($(now_ms) - since)) -lt 3000 ]; do
	sleep 0.05
done
took=$(($(now_ms) - since))
if alive "$pid"; then
	fail "SIGTERM: it exits within 3 s" "still running after $took ms"
	kill -9 "$pid" 2>/dev/null
else
	pass "SIGTERM: it exits within 3 s ($took ms)"
fi
if [ -z "$ended" ]; then
	wait "$pid"
	ended=$?
fi
is "$ended" 0 "  with status 0"
is "$(tail -n 1 "$T/idle.out")" \
	"sweep: 8 messages: 4 applied, 0 unchanged, 0 queued, 0 duplicate, 4 ignored, 0 errors" \
	"  printing the summary of all it handled"
# a try while the server starts or stops may fail in the TLS handshake,
# of which libetpan says a word of its own
is "$(grep -v -e "^mailopt: $URL: idle done: the connection broke\$" \
	-e "^mailopt: $URL: connecting again in [0-9]* s\$" \
	-e "^mailopt: $URL: connect: " -e '^GnuTLS error: ' "$T/idle.err")" "" \
	"  nothing on stderr but of the reconnections"
is "$(ours)" "" "  no process of it remains"

# --- no server at the start -----------------------------------------------------
dovecot_stop
# what a sweep costs to start and end on this machine, under this
# wrapper, with nothing to read: a sweep that tried the server again
# would take a second more at least
mkmaildir "$T/empty"
since=$(now_ms)
mo sweep "$T/empty" >/dev/null 2>&1
base=$(($(now_ms) - since))
since=$(now_ms)
exits 75 "sweep with the server down exits 75 (EX_TEMPFAIL)" mo sweep "$URL"
took=$(($(now_ms) - since))
if ! grep -q "connecting again" "$T/err" && [ "$took" -lt $((base + 3000)) ]; then
	pass "  at once ($took ms, $base ms to sweep an empty Maildir)"
else
	fail "  at once" "it took $took ms, $base ms to sweep an empty Maildir"
fi
like "$(cat "$T/err")" "mailopt: $URL:" "  saying which mailbox it could not reach"

done_testing
