#!/bin/sh
# Exactly once over IMAP: a sweep of an IMAP mailbox killed at a batch's
# commit, at a move, or with kill -9 at random moments, then run again,
# leaves the same messages in the same folders with the same \Seen flags,
# and the same profiles, history, queue and records, as one clean sweep.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/dovecot.sh"

GEN="$SHARED/bench/gen-maildir"
[ -f "$GEN" ] || skip_all "no $GEN"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"

# imapctl ARGS: the test server's control client.
imapctl() {
	/usr/bin/python3 "$srcdir/tests/imapctl.py" "$@"
}

dovecot_start

# --- the workload --------------------------------------------------------
# requests that apply, that change nothing, that go to the queue, and mail
# that is ignored; more than two batches of 200
/usr/bin/python3 "$GEN" --messages 450 --profiles 100 --out "$T/gen" --seed 7 \
	>/dev/null 2>"$T/gen.err" || { echo "Bail out! gen-maildir failed"; exit 99; }
# the same requests arriving twice (duplicates), the copies in the last batch
awk -F '\t' '$2 == "request" { print $1 }' "$T/gen/truth.tsv" | head -n 15 |
	while read -r f; do
		cp "$T/gen/Maildir/new/$f" "$T/gen/Maildir/new/1800000000.$f"
	done
# Put in INBOX in this order every time: the same UIDs in the same order,
# the same batches. Named so that by name and by the time in the name
# Dovecot gives them UIDs in this order. $T/order.ids: their Message-IDs
# in that order, as imapctl list shows them.
mkdir -p "$T/inbox"
/usr/bin/python3 - "$T/gen/Maildir/new" "$T/inbox" > "$T/order.ids" <<'PY' ||
import email.parser, email.policy, os, shutil, sys
src, dst = sys.argv[1:]
for i, name in enumerate(sorted(os.listdir(src)), 1):
    shutil.copyfile(os.path.join(src, name), os.path.join(dst, "%d.P%d" % (1700000000 + i, i)))
    with open(os.path.join(src, name), "rb") as f:
        msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parse(f)
    print(" ".join(str(msg["Message-ID"]).split()))
PY
	{ echo "Bail out! cannot prepare the workload"; exit 99; }
N=$(count "$T/inbox")
echo "# $N messages"

# History, queue and processed records carry the time: the same for every run.
MAILOPT_NOW=1714000000
export MAILOPT_NOW

# the generated mail carries mx1's Authentication-Results, as the
# benchmarks read it
echo "trusted_authserv_id = mx1.nordwind.example" >> "$MAILOPT_CONFIG"
dovecot_login

# setup NAME: the workload freshly in INBOX (the folders a sweep fills
# emptied) and a fresh database with the profiles. The messages go
# straight into the Maildir, where Dovecot finds them as new mail: an IMAP
# APPEND costs Dovecot an fsync, some 10 ms here, five seconds a setup.
setup() {
	rm -rf "$T/$1"
	mkdir -p "$T/$1"
	for su_f in $(imapctl folders); do
		imapctl delete-all "$su_f" || { echo "Bail out! cannot empty $su_f"; exit 99; }
	done
	# through tmp/, as a delivery does, so Dovecot never sees half a file,
	# and owned by the user its mail processes run as. Each setup names
	# its files anew: Dovecot would not take a name it expunged before
	# for a new message.
	/usr/bin/python3 - "$T/inbox" "$IMAP_MAILDIR" "$(echo "$1" | tr -c 'A-Za-z0-9\n' -)" <<'PY' ||
import grp, os, pwd, shutil, sys
src, maildir, tag = sys.argv[1:]
uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
for name in sorted(os.listdir(src)):
    tmp = os.path.join(maildir, "tmp", name + "." + tag)
    shutil.copyfile(os.path.join(src, name), tmp)
    os.chown(tmp, uid, gid)
    os.rename(tmp, os.path.join(maildir, "new", name + "." + tag))
PY
		{ echo "Bail out! cannot put the workload into $IMAP_MAILDIR"; exit 99; }
	# the order seen once, for the clean run (a listing reads every
	# message); then as many as there are
	if [ "$1" = clean ]; then
		imapctl list INBOX | sed 's/^[0-9]* ([^)]*) //' > "$T/$1/inbox.ids"
		cmp -s "$T/$1/inbox.ids" "$T/order.ids" ||
			{ echo "Bail out! INBOX does not hold the $N messages in order"; exit 99; }
	fi
	[ "$(imapctl count INBOX)" = "$N" ] ||
		{ echo "Bail out! INBOX does not hold $N messages"; exit 99; }
	MAILOPT_DB="$T/$1/db/mailopt.db"
	mo init >/dev/null && mo profile import "$T/gen/profiles.csv" >/dev/null ||
		{ echo "Bail out! cannot set up $1"; exit 99; }
}

# sweep NAME [ENV...]: sweep INBOX (outbox left alone); output in $T/NAME/sweep.K
sweep() {
	sw_k=$(ls "$T/$1" | grep -c '^sweep\.')
	sw_name=$1
	shift
	# the shell's own "Killed" notice would land in the TAP stream
	{ env "$@" $MAILOPT_WRAPPER "$MAILOPT" sweep --no-flush "$URL" > "$T/$sw_name/sweep.$sw_k" 2>&1; } 2>/dev/null
}

# snapshot NAME: what a user sees after the sweeps.
#   $T/NAME/server   each message as "FOLDER (FLAGS) Message-ID", sorted
#                    (the UIDs differ from run to run, the rest must not)
#   $T/NAME/profiles every profile with its flags and its history
#   $T/NAME/records  the queue, the outbox and the processed records
#                    (without the age, which runs with the clock, and the
#                    message's URL, whose UID differs from run to run)
snapshot() {
	for sn_f in $(imapctl folders); do
		imapctl list "$sn_f" | sed "s|^[0-9]* |$sn_f |"
	done | LC_ALL=C sort > "$T/$1/server"
	mo profile export --json | sed -n 's/^{"email":"\([^"]*\)".*/\1/p' |
		while read -r sn_e; do
			mo profile show "$sn_e" --json
			echo
		done > "$T/$1/profiles"
	{
		mo queue list --json | sed 's/"age_seconds":[0-9]*,//'
		mo outbox list --json
		sql "SELECT key, message_id, outcome, action, rule, profile, time FROM processed ORDER BY key"
	} > "$T/$1/records"
}

# same NAME DESC: NAME ended like the clean run.
same() {
	for sa_w in "server:the same messages in the same folders with the same flags" \
	    "profiles:the same profile flags and history" \
	    "records:the same queue, outbox and processed records"; do
		sa_f=${sa_w%%:*}
		if cmp -s "$T/clean/$sa_f" "$T/$1/$sa_f"; then
			pass "$2: ${sa_w#*:}"
		else
			fail "$2: ${sa_w#*:}" \
				"$(diff "$T/clean/$sa_f" "$T/$1/$sa_f" | cut -c 1-200 | head -n 10)"
		fi
	done
	# no change applied twice: said on its own, for a plain failure message
	is "$(sql "SELECT count(*) FROM history")" "$hist_clean" "$2: as many history entries"
	is "$(sql "SELECT count(*) FROM imap_move")" 0 "$2: no move is owed"
}

# is_sweep GOT WANT DESC NAME: the exit status of NAME's last sweep is
# WANT; when not, what it said.
is_sweep() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "exit $1, want $2
$(ls "$T/$4"/sweep.* | LC_ALL=C sort -t . -k 2n | tail -n 1 | xargs tail -n 5)"
	fi
}

# in_inbox: the messages in INBOX now.
in_inbox() {
	imapctl count INBOX
}

# --- one clean run ----------------------------------------------------------
setup clean
t0=$(date +%s%N)
sweep clean
is "$?" 0 "clean sweep exits 0"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# clean sweep: $ms ms"
summary=$(tail -n 1 "$T/clean/sweep.0")
echo "# $summary"
like "$summary" "sweep: $N messages:" "it handles every message"
for o in applied unchanged queued duplicate ignored; do
	n=$(printf '%s\n' "$summary" | sed -n "s/.* \([0-9]*\) $o.*/\1/p")
	if [ "${n:-0}" -gt 0 ]; then
		pass "  some $o ($n)"
	else
		fail "  some $o" "$summary"
	fi
done
snapshot clean
hist_clean=$(sql "SELECT count(*) FROM history")
inbox_clean=$(in_inbox)
ignored=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) ignored.*/\1/p')
is "$inbox_clean" "$ignored" "the ignored ones stay in INBOX"
is "$(grep -c '^INBOX (\\Seen)' "$T/clean/server")" 0 "  unseen"
is "$(grep -c '^Processed ' "$T/clean/server")" \
	"$(grep -c '^Processed (\\Seen) ' "$T/clean/server")" "the processed ones are seen"
is "$(grep -c '^Unmatched (\\Seen)' "$T/clean/server")" 0 "the queued ones unseen"
is "$(wc -l < "$T/clean/server" | tr -d ' ')" "$N" "every message is somewhere once"
echo "# $hist_clean history rows, $(sql "SELECT count(*) FROM queue") queued"

# --- killed by the test hook, then run again ------------------------------
# batch 1 holds the first 200 messages, batch 2 the next 200, batch 3 the
# rest; each batch moves to Processed and to Unmatched: move:1 is batch
# 1's first, move:4 batch 2's second
for at in commit:1 commit:3 move:1 move:4; do
	setup "$at"
	sweep "$at" MAILOPT_TEST_DIE_AT="$at"
	is "$?" 137 "$at: the sweep is killed there"
	left=$(in_inbox)
	if [ "$left" -gt "$inbox_clean" ]; then
		pass "$at: it died before filing everything ($left in INBOX)"
	else
		fail "$at: it died before filing everything" "$left in INBOX"
	fi
	sweep "$at"
	rc=$?
	is_sweep "$rc" 0 "$at: the next sweep exits 0" "$at"
	# should it not, go on until one does: the end state still counts
	k=0
	while [ "$rc" != 0 ] && [ $k -lt 3 ]; do
		sweep "$at"
		rc=$?
		k=$((k + 1))
	done
	snapshot "$at"
	same "$at" "$at"
done

# --- kill -9 from outside, at random moments ------------------------------
# Up to five times a sweep is started and killed 0.05 s after the start
# up to as long as the clean sweep took (here about a second, on a loaded
# machine longer); once one has ended by itself, killing more tests
# nothing. Then a clean run. CRASH_SEED repeats a run's moments.
seed=${CRASH_SEED:-$(date +%s)}
echo "# kill -9 moments from CRASH_SEED=$seed"
awk -v s="$seed" -v ms="$ms" 'BEGIN {
	srand(s % 1000000)
	for (i = 0; i < 5; i++)
		printf "%.2f\n", 0.05 + rand() * (ms / 1000 - 0.05)
}' > "$T/naps"
setup kill
i=0
for nap in $(cat "$T/naps"); do
	i=$((i + 1))
	"$MAILOPT" sweep --no-flush "$URL" > "$T/kill/killed.$i" 2>&1 &
	pid=$!
	sleep "$nap"
	kill -9 "$pid" 2>/dev/null
	# the shell's "Killed" notice would land in the TAP stream
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	echo "# kill -9 after $nap s: exit $rc, $(in_inbox) in INBOX"
	[ "$rc" = 137 ] || break
done
sweep kill
is_sweep "$?" 0 "kill -9: the next sweep exits 0" kill
snapshot kill
same kill "kill -9"

done_testing
