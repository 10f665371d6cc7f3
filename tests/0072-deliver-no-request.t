#!/bin/sh
# deliver answers a message that is not a request (exit 1) at once, from
# the rules alone: a busy, read-only or missing database delays only
# requests, which still wait for it, and are still found duplicates.
. "$srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null || skip_all "no sqlite3 shell to hold the lock"
command -v timeout >/dev/null || skip_all "no timeout(1)"
S="$SAMPLES/new"
QUESTION="$S/1764404348.M12P2250.mx1.nordwind.example"	# Anna asks for a quote
POSTAL="$S/1764400497.M2P2140.mx1.nordwind.example"	# François: no catalogues by post
FRANCOIS=francois.martin@martin-sa.example

mo init >/dev/null
mo profile import "$SAMPLES/profiles.csv" >/dev/null
# as after an install's `mailopt check`: the rules cache is made, so the
# times below are a deliver's, not a first compile's (slow under ASan)
mo rules check >/dev/null

trap 'exec 4>&- 2>/dev/null; rm -rf "$T"' EXIT

# a busy timeout of 8 s: an answer within 4 s did not wait for the lock
MAILOPT_BUSY_TIMEOUT=8000
export MAILOPT_BUSY_TIMEOUT
hold_lock 'BEGIN EXCLUSIVE; INSERT INTO reseller(country, name, email) VALUES ("ZZ", "x", "x@x.example");'
start=$(date +%s)
exits 1 "a busy database: deliver of a message that is no request exits 1" \
	timeout 10 "$MAILOPT" deliver < "$QUESTION"
is "$(( $(date +%s) - start < 4 ))" 1 "  at once"
exits 1 "  also with --dry-run" timeout 10 "$MAILOPT" deliver --dry-run < "$QUESTION"
like "$(cat "$T/out")" '"outcome":"ignored"' "  which reports it ignored"
exits 75 "a busy database: a request waits for it, then exits 75" \
	env MAILOPT_BUSY_TIMEOUT=300 "$MAILOPT" deliver < "$POSTAL"
release_lock
is "$(flag $FRANCOIS marketing_postal)" true "  and changed nothing"

exits 1 "a missing database: a message that is no request exits 1" \
	mo --db "$T/nowhere/mailopt.db" deliver < "$QUESTION"
exits 75 "a missing database: a request exits 75" \
	mo --db "$T/nowhere/mailopt.db" deliver < "$POSTAL"

if [ "$(id -u)" != 0 ]; then
	chmod 500 "$T/db"
	chmod 400 "$MAILOPT_DB"
	exits 1 "a read-only database: a message that is no request exits 1" \
		timeout 10 "$MAILOPT" deliver < "$QUESTION"
	chmod 700 "$T/db"
	chmod 600 "$MAILOPT_DB"
else
	# root writes anything: a database file that cannot be opened stands in
	mkdir -p "$T/ro"
	mkdir "$T/ro/mailopt.db"
	mo --db "$T/ro/mailopt.db" rules check >/dev/null
	exits 1 "a database that cannot be opened: a message that is no request exits 1" \
		timeout 10 "$MAILOPT" --db "$T/ro/mailopt.db" deliver < "$QUESTION"
	exits 75 "  a request exits 75" \
		timeout 10 "$MAILOPT" --db "$T/ro/mailopt.db" deliver < "$POSTAL"
fi

exits 0 "the database back: the request is applied" mo deliver < "$POSTAL"
is "$(flag $FRANCOIS marketing_postal)" false "  the flag is off"
exits 0 "the same request again" mo deliver --dry-run < "$POSTAL"
like "$(cat "$T/out")" '"outcome":"duplicate"' "  is found a duplicate"
mo deliver < "$POSTAL"
is "$(sql "SELECT outcome FROM processed")" "applied" "  one processed row"
is "$(sql "SELECT count(*) FROM history WHERE flag = 'marketing_postal'")" 1 \
	"  and one history row"

done_testing
