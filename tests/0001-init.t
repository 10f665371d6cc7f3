#!/bin/sh
# init creates a private database; commands refuse a missing one.
. "$srcdir/tests/lib.sh"

printf 'Subject: unsubscribe\n\nplease\n' > "$T/msg"
exits 75 "deliver without a database: 75, the MTA keeps the request (78 would bounce it)" \
	mo deliver < "$T/msg"
like "$(cat "$T/err")" "mailopt init" "the error says to run init"
exits 78 "an operator command without a database is a configuration error" \
	mo queue list

exits 0 "init creates the database" mo init
like "$(cat "$T/out")" "schema version" "init reports the schema version"
is "$(stat -c %a "$MAILOPT_DB")" 600 "database is mode 0600"
is "$(stat -c %a "$T/db")" 700 "its directory is mode 0700"
is "$(sql 'PRAGMA journal_mode')" wal "database is in WAL mode"
exits 0 "init again is harmless" mo init
exits 0 "init makes every missing directory" mo --db "$T/a/b/c/mailopt.db" init
is "$(stat -c %a "$T/a/b")" 700 "  each of them private"

exits 64 "unknown command is a usage error" mo frobnicate
exits 64 "missing arguments are a usage error" mo profile
exits 0 "--help works" mo --help
like "$(cat "$T/out")" "sweep MAILDIR" "--help lists sweep"
exits 0 "command --help works" mo sweep --help
like "$(cat "$T/out")" "--no-flush" "sweep --help lists --no-flush"

printf 'bogus line\n' > "$T/bad.conf"
exits 78 "a broken config file is a configuration error" mo --config "$T/bad.conf" init
like "$(cat "$T/err")" "bad.conf:1:" "the error names file and line"
exits 78 "a missing --config file is a configuration error" mo --config "$T/nope.conf" init

done_testing
