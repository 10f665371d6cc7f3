#!/bin/sh
# Crash safety: a sweep killed after a commit, in the middle of moving
# files, or at any moment, then run again, leaves the same folders and the
# same database as one clean sweep.
. "$srcdir/tests/lib.sh"

GEN="$SHARED/bench/gen-maildir"
[ -f "$GEN" ] || skip_all "no $GEN"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"

/usr/bin/python3 "$GEN" --messages 600 --profiles 100 --out "$T/gen" --seed 7 \
	>/dev/null 2>"$T/gen.err" || { echo "Bail out! gen-maildir failed"; exit 99; }
# the same requests arriving twice, the copies in the last batch
awk -F '\t' '$2 == "request" { print $1 }' "$T/gen/truth.tsv" | head -n 15 |
	while read -r f; do
		cp "$T/gen/Maildir/new/$f" "$T/gen/Maildir/new/1800000000.$f"
	done
N=$(count "$T/gen/Maildir/new")
echo "# $N messages"

# History, queue and processed records carry the time: the same for every run.
MAILOPT_NOW=1714000000
export MAILOPT_NOW

# setup NAME: a fresh copy of the Maildir and a fresh database with the profiles.
setup() {
	rm -rf "$T/$1"
	mkdir -p "$T/$1"
	cp -R "$T/gen/Maildir" "$T/$1/Maildir"
	MAILOPT_DB="$T/$1/db/mailopt.db"
	mo init >/dev/null && mo profile import "$T/gen/profiles.csv" >/dev/null ||
		{ echo "Bail out! cannot set up $1"; exit 99; }
}

# sweep NAME: sweep NAME's Maildir (outbox left alone); output in $T/NAME/sweep.N
sweep() {
	k=$(ls "$T/$1" | grep -c '^sweep\.')
	mo sweep --no-flush "$T/$1/Maildir" > "$T/$1/sweep.$k" 2>&1
}

# snapshot NAME: every file (folder, name, content) and every row of every
# table, in one text file.
snapshot() {
	(cd "$T/$1/Maildir" && find . -type f -exec md5sum {} + | sort -k 2) \
		> "$T/$1/files"
	for t in $(sql "SELECT name FROM sqlite_master WHERE type = 'table'
	    AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		sqlite3 -batch -noheader -cmd '.mode quote' "$MAILOPT_DB" \
			"SELECT '$t', * FROM \"$t\"" | LC_ALL=C sort
	done > "$T/$1/db.dump"
}

# same NAME DESC: NAME ended like the clean run.
same() {
	if cmp -s "$T/clean/files" "$T/$1/files"; then
		pass "$2: the same files in the same folders"
	else
		fail "$2: the same files in the same folders" \
			"$(diff "$T/clean/files" "$T/$1/files" | head -n 10)"
	fi
	if cmp -s "$T/clean/db.dump" "$T/$1/db.dump"; then
		pass "$2: the same database"
	else
		fail "$2: the same database" \
			"$(diff "$T/clean/db.dump" "$T/$1/db.dump" | cut -c 1-200 | head -n 10)"
	fi
}

# --- one clean run -----------------------------------------------------
setup clean
t0=$(date +%s%N)
sweep clean
is "$?" 0 "clean sweep exits 0"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# clean sweep: $ms ms"
like "$(tail -n 1 "$T/clean/sweep.0")" "sweep: $N messages:" "it handles every message"
echo "# $(tail -n 1 "$T/clean/sweep.0")"
is "$(count "$T/clean/Maildir/new")" 0 "new/ is empty"
snapshot clean
is "$(grep -c '/cur/\|/new/' "$T/clean/files")" "$N" "every message is filed once"
changed=$(sql "SELECT count(*) FROM history")
[ "$changed" -gt 0 ] || echo "# the rules changed no flag: this run proves little"
echo "# $changed history rows, $(sql "SELECT count(*) FROM queue") queued"

# --- killed by the test hook, then run again -------------------------
for at in commit:1 commit:2 move:1 move:150 move:250; do
	setup "$at"
	MAILOPT_TEST_DIE_AT=$at mo sweep --no-flush "$T/$at/Maildir" \
		> "$T/$at/killed" 2>&1
	is "$?" 137 "$at: the sweep is killed there"
	left=$(count "$T/$at/Maildir/new")
	if [ "$left" -gt 0 ]; then
		pass "$at: it died before filing everything ($left still in new/)"
	else
		fail "$at: it died before filing everything" "new/ is empty"
	fi
	sweep "$at"
	is "$?" 0 "$at: the next sweep exits 0"
	is "$(count "$T/$at/Maildir/new")" 0 "$at: it leaves new/ empty"
	snapshot "$at"
	same "$at" "$at"
done

# --- two sweeps at once (an overlapping cron run) ---------------------
# The later one waits for the database; should it wait too long it exits
# 75 and the next run finishes. Either way the result is one clean run's.
setup twice
mo sweep --no-flush "$T/twice/Maildir" > "$T/twice/first" 2>&1 &
first=$!
mo sweep --no-flush "$T/twice/Maildir" > "$T/twice/second" 2>&1
rb=$?
wait "$first"
ra=$?
case "$ra $rb" in
"0 0"|"0 75"|"75 0") pass "two sweeps at once: they exit 0 (or 75): $ra $rb" ;;
*) fail "two sweeps at once: they exit 0 (or 75)" "exits $ra and $rb
$(tail -n 3 "$T/twice/first" "$T/twice/second")" ;;
esac
sweep twice
is "$?" 0 "two sweeps at once: a third finds nothing amiss"
is "$(count "$T/twice/Maildir/new")" 0 "two sweeps at once: new/ is empty"
snapshot twice
same twice "two sweeps at once"

# --- kill -9 from outside, at some moment -----------------------------
# half way through, as long as the clean run took
setup kill
half=$((ms / 2))
"$MAILOPT" sweep --no-flush "$T/kill/Maildir" > "$T/kill/killed" 2>&1 &
pid=$!
sleep "$((half / 1000)).$(printf %03d $((half % 1000)))"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "# killed at exit $?, $(count "$T/kill/Maildir/new") messages still in new/"
sweep kill
is "$?" 0 "kill -9: the next sweep exits 0"
is "$(count "$T/kill/Maildir/new")" 0 "kill -9: it leaves new/ empty"
snapshot kill
same kill "kill -9"

done_testing
