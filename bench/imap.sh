#!/bin/sh
# imap.sh — measure `mailopt sweep` of an IMAP mailbox (a private Dovecot on 127.0.0.1) against sweeping the same mail as a Maildir.
#
#   sh bench/imap.sh [MESSAGES] [PROFILES]     (defaults 5000 and 5000)
#
# Puts the generated mail into the INBOX of the private Dovecot the tests
# use (tests/dovecot.sh: needs root and dovecot-imapd) and sweeps it over
# imaps://; then sweeps a copy of the same Maildir, the baseline. Both with
# the default --jobs. Prints messages a second for both, their ratio, and
# the IMAP commands the sweep sent per message: each is a round trip, as
# mailopt waits for a command's answer before it sends the next. Needs a
# built mailopt and mailopt-imap (MAILOPT, default _build/mailopt),
# ../shared/bench/gen-maildir (GEN) and /usr/bin/time (Debian: time).
# Asserts nothing.
set -eu

n=${1:-5000}
p=${2:-5000}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

# tests/dovecot.sh, as a test script uses it: it keeps the server's files
# in $T and finds its helpers below $srcdir; it turns away (skip_all) a
# host where it cannot run
srcdir=$top
T=$work/t
mkdir "$T"
# Dovecot's unprivileged processes go through $work to reach their files
chmod o+x "$work"
skip_all() {
	echo "bench: no IMAP server here: $1" >&2
	exit 77
}
. "$top/tests/dovecot.sh"
# its traps would remove $T only; a function called in an || list runs
# without set -e, as dovecot.sh was written for
trap 'dovecot_cleanup || :; rm -rf "$work"' EXIT
imapctl() {
	/usr/bin/python3 "$top/tests/imapctl.py" "$@"
}

echo "bench: generating $n messages, $p profiles"
/usr/bin/python3 "$gen" --messages "$n" --profiles "$p" --out "$work/gen" --seed 1 >/dev/null
du -sh "$work/gen/Maildir/new" | sed 's/^/bench: maildir size /'

dovecot_start || exit 1
# Dovecot logs each IMAP command it finishes ("Command finished: UID
# FETCH ..."): the commands counted from the server's side, at the cost
# of a log line each
echo 'log_debug = event=imap_command_finished' >> "$DOVECOT_DIR/dovecot.conf"
dovecot_restart || exit 1
URL="imaps://$IMAP_USER@localhost:$IMAPS_PORT/INBOX"
printf '%s\n' "$IMAP_PASS" > "$work/imap.pass"
chmod 600 "$work/imap.pass"

# one database a sweep, each as after an install's `mailopt check`
for s in maildir imap; do
	cat > "$work/mailopt-$s.conf" <<CONF
database = $work/mailopt-$s.db
rules = ${MAILOPT_RULES:-$top/rules}
trusted_authserv_id = mx1.nordwind.example
imap_password_file = $work/imap.pass
imap_ca_file = $IMAP_CA
CONF
	MAILOPT_CONFIG="$work/mailopt-$s.conf" "$mailopt" init >/dev/null
	MAILOPT_CONFIG="$work/mailopt-$s.conf" "$mailopt" profile import "$work/gen/profiles.csv" >/dev/null
	MAILOPT_CONFIG="$work/mailopt-$s.conf" "$mailopt" rules check >/dev/null
done

# The mail goes straight into the server's Maildir (APPEND would cost
# Dovecot an fsync a message), owned by the user its mail processes run
# as. No session is open, so Dovecot sees it only when asked: the STATUS
# of imapctl count makes it give the messages their UIDs before the clock
# starts, as it would have when they were delivered.
cp -R "$work/gen/Maildir/new/." "$IMAP_MAILDIR/new/"
chown -R nobody:nogroup "$IMAP_MAILDIR"
got=$(imapctl count INBOX)
[ "$got" = "$n" ] || { echo "bench: INBOX holds $got messages, not $n" >&2; exit 1; }
# the baseline's copy; every file read from the page cache in both runs
cp -R "$work/gen/Maildir" "$work/md"
sync

# seconds COMMAND...: run it; its wall-clock seconds in $secs, its peak
# RSS (KiB) in $rss
seconds() {
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M' -o "$work/rss" "$@"
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	rss=$(tail -n 1 "$work/rss")
}

MAILOPT_CONFIG="$work/mailopt-maildir.conf" seconds \
	"$mailopt" sweep --no-flush -q "$work/md" > "$work/out-maildir"
md_secs=$secs
# the load beside the runs: on a shared machine the figures vary with it
awk -v n="$n" -v s="$secs" -v j="$(nproc)" -v rss="$rss" -v load="$(cut -d ' ' -f 1 /proc/loadavg)" 'BEGIN {
	printf "bench: %d CPUs (load average %s); both sweeps with the default --jobs\n", j, load
	printf "bench: sweep of the Maildir:    %6.2f s (%4.0f msg/s), peak RSS %d KiB\n", s, n / s, rss
}'

log0=$(wc -l < "$DOVECOT_LOG")
MAILOPT_CONFIG="$work/mailopt-imap.conf" seconds \
	"$mailopt" sweep --no-flush -q "$URL" > "$work/out-imap"
awk -v n="$n" -v s="$secs" -v b="$md_secs" -v rss="$rss" 'BEGIN {
	printf "bench: sweep over IMAP (TLS):   %6.2f s (%4.0f msg/s), %.1fx the Maildir sweep'"'"'s time, peak RSS %d KiB\n", s, n / s, s / b, rss
}'

# the log process writes a little after the session ends: wait for its
# last line
i=0
until tail -n +"$((log0 + 1))" "$DOVECOT_LOG" | grep -q 'Disconnected: Logged out'; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "bench: the sweep's logout is not in $DOVECOT_LOG" >&2; exit 1; }
	sleep 0.05
done
tail -n +"$((log0 + 1))" "$DOVECOT_LOG" > "$work/session.log"
# LOGIN goes to the login process, which logs the login instead
logins=$(grep -c 'imap-login: Info: Login:' "$work/session.log" || :)
grep 'Command finished:' "$work/session.log" |
	sed 's/.*Command finished: \(UID [A-Z]*\|[A-Z]*\).*/\1/' | sort | uniq -c |
	sort -rn > "$work/commands"
cmds=$(awk -v l="$logins" '{ c += $1 } END { print c + l }' "$work/commands")
awk -v n="$n" -v c="$cmds" -v l="$logins" -v by="$(awk '{ c = $1; $1 = ""; s = s (NR > 1 ? ", " : "") c $0 } END { print s }' "$work/commands")" 'BEGIN {
	printf "bench: IMAP commands: %d for %d messages, %.4f a message (%d LOGIN, %s)\n", c, n, c / n, l, by
}'
tail -n 1 "$work/out-maildir" | sed 's/^/bench: Maildir: /'
tail -n 1 "$work/out-imap" | sed 's/^/bench: IMAP:    /'
cmp -s "$work/out-maildir" "$work/out-imap" ||
	echo "bench: the two sweeps' summaries differ" >&2
