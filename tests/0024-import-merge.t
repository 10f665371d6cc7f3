#!/bin/sh
# profile import merges: a re-import of a stale CRM export never undoes an
# opt-out that came by mail or from an operator (a flag goes back on only
# with a newer consent_time, and the import says how many it kept), a
# column absent from the file keeps the stored value, --dry-run prints
# each change and changes nothing; header names in any case, unknown
# columns warned and skipped; an address twice or a line that is not
# UTF-8 is an error naming the lines; reseller import still works.
. "$srcdir/tests/lib.sh"

I="$FIX/import"
T0=1796032800	# Monday 30 November 2026 10:00 UTC
MAILOPT_NOW=$T0
export MAILOPT_NOW

# field EMAIL KEY: a string field of profile show --json.
field() {
	mo profile show "$1" --json | /usr/bin/python3 -c \
	    'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

mo init >/dev/null || { echo "Bail out! init failed"; exit 99; }
exits 0 "the CRM export imports" mo profile import "$I/crm.csv"
is "$(cat "$T/out")" "imported 3 profiles" "three profiles, nothing kept"
is "$(flags anna@example.com)" "true true true" "a new profile's flags are as the file says"

# --- an opt-out by mail, an operator's by phone ---------------------------
MAILOPT_NOW=$((T0 + 1800))
exits 0 "Anna's opt-out arrives by mail" mo deliver < "$I/optout-anna.eml"
is "$(flags anna@example.com)" "false false false" "Anna is opted out of everything"
exits 0 "an operator turns Bob's e-mail off" \
	mo profile set bob@example.com marketing_email=0 --operator olga --reason "phone call"
is "$(flags bob@example.com)" "false true true" "Bob's e-mail is off"

# --- the stale CRM export again -------------------------------------------
MAILOPT_NOW=$((T0 + 3600))
before=$(sql "SELECT count(*) FROM history")
exits 0 "the stale export imports again" mo profile import "$I/crm.csv"
is "$(cat "$T/out")" "imported 3 profiles
kept 4 opt-outs that the file would have undone (see --dry-run)" \
	"the import says how many opt-outs it kept"
is "$(flags anna@example.com)" "false false false" "Anna's opt-out stands"
is "$(flags bob@example.com)" "false true true" "Bob's stands"
is "$(sql "SELECT count(*) FROM history")" "$before" "no history row was added"

exits 0 "--dry-run of the stale export" mo profile import "$I/crm.csv" --dry-run
is "$(cat "$T/out")" "anna@example.com: kept off: marketing_email (the file says 1; no consent_time; last changed 2026-11-30T10:30:00Z)
anna@example.com: kept off: marketing_postal (the file says 1; no consent_time; last changed 2026-11-30T10:30:00Z)
anna@example.com: kept off: third_party (the file says 1; no consent_time; last changed 2026-11-30T10:30:00Z)
bob@example.com: kept off: marketing_email (the file says 1; no consent_time; last changed 2026-11-30T10:30:00Z)
would import 3 profiles (dry run: nothing changed)
kept 4 opt-outs that the file would have undone" "--dry-run names each opt-out it keeps"

# --- consent_time ---------------------------------------------------------
printf 'email,marketing_email,third_party,consent_time\nanna@example.com,1,1,2026-11-30T10:00:00Z\n' > "$T/old.csv"
exits 0 "a consent_time older than the opt-out" mo profile import "$T/old.csv"
like "$(cat "$T/out")" "kept 2 opt-outs that the file would have undone" "  is no consent: kept"
is "$(flags anna@example.com)" "false false false" "  and the flags stay off"

printf 'EMAIL,Marketing_Email,Third_Party,Consent_Time\nanna@example.com,1,yes,2026-11-30T12:00:00+01:00\n' > "$T/new.csv"
exits 0 "--dry-run of a newer consent_time" mo profile import "$T/new.csv" --dry-run
is "$(cat "$T/out")" "anna@example.com: marketing_email 0 -> 1
anna@example.com: third_party 0 -> 1
would import 1 profile (dry run: nothing changed)" "  says what would go back on"
is "$(flags anna@example.com)" "false false false" "  and changes nothing"
exits 0 "a consent_time newer than the opt-out (an offset, header in any case)" \
	mo profile import "$T/new.csv"
is "$(cat "$T/out")" "imported 1 profile" "  keeps nothing"
is "$(flags anna@example.com)" "true false true" "  turns the consented flags on, leaves postal off"
is "$(hist anna@example.com | tail -n 2)" \
"marketing_email 0 1 import $T/new.csv:2, consent_time 2026-11-30T11:00:00Z
third_party 0 1 import $T/new.csv:2, consent_time 2026-11-30T11:00:00Z" \
	"  history names the import, the file and line, and the consent"

printf 'email,consent_time\nanna@example.com,30.11.2026\n' > "$T/badtime.csv"
exits 65 "a consent_time that is not ISO 8601: 65" mo profile import "$T/badtime.csv"
is "$(cat "$T/err")" "mailopt: $T/badtime.csv:2: consent_time is not an ISO 8601 date or time
mailopt: $T/badtime.csv: nothing imported" "  names the line"

printf 'email,marketing_email,consent_time\nanna@example.com,1,2062-11-30\n' > "$T/future.csv"
exits 65 "a consent_time in the future: 65" mo profile import "$T/future.csv"
is "$(head -n 1 "$T/err")" "mailopt: $T/future.csv:2: consent_time is in the future" "  names the line"

# --- turning off, merging fields ------------------------------------------
printf 'email,marketing_postal\ncarl@example.com,no\n' > "$T/off.csv"
exits 0 "an import may turn a flag off" mo profile import "$T/off.csv"
is "$(flags carl@example.com)" "true false true" "  Carl's postal is off"
is "$(hist carl@example.com)" "marketing_postal 1 0 import $T/off.csv:2" \
	"  one history row naming the file and line"

printf 'email,name\nbob@example.com,Robert Stone\n' > "$T/names.csv"
exits 0 "a file of email,name" mo profile import "$T/names.csv"
is "$(field bob@example.com name)" "Robert Stone" "  changes the name"
is "$(field bob@example.com phone)" "+44 20 7946 0001" "  keeps the phone"
is "$(field bob@example.com address)" "1 High Street, London" "  keeps the address"
is "$(flags bob@example.com)" "false true true" "  keeps the flags"
is "$(field anna@example.com other_emails)" "anna.home@example.net" \
	"a file without other_emails keeps them"
is "$(hist bob@example.com)" "marketing_email 1 0 olga phone call" "  and adds no history"

printf 'email,phone,crm_id,Country\nbob@example.com,+44 1,77,gb\ndora@example.com,,78,at\n' > "$T/extra.csv"
exits 0 "--dry-run with an unknown column" mo profile import "$T/extra.csv" --dry-run
is "$(cat "$T/err")" "mailopt: $T/extra.csv:1: unknown column \"crm_id\" skipped" \
	"  the unknown column is named in a warning"
is "$(cat "$T/out")" "bob@example.com: phone \"+44 20 7946 0001\" -> \"+44 1\"
dora@example.com: new profile
would import 2 profiles (dry run: nothing changed)" "  a line per change"
exits 66 "  and dora is not there" mo profile show dora@example.com
exits 0 "the import with an unknown column" mo profile import "$T/extra.csv"
is "$(flags dora@example.com)" "true true true" "a new profile's missing flags are true"
is "$(field dora@example.com country)" "AT" "  its country upper-cased"

# --- all or nothing -------------------------------------------------------
snap=$(sql "SELECT group_concat(email || name || marketing_email, ';') FROM profile")
printf 'email,other_emails,marketing_email\nerik@example.com,,0\nfrida@example.com,ERIK@Example.com,0\n' > "$T/dup.csv"
exits 65 "an address twice in one file (any case, as a further address): 65" \
	mo profile import "$T/dup.csv"
is "$(head -n 1 "$T/err")" "mailopt: $T/dup.csv:3: ERIK@Example.com is on $T/dup.csv:2 already" \
	"  names both lines"
printf 'email,name\nerik@example.com,Erik\nbob@example.com,B\xe9b\n' > "$T/latin1.csv"
exits 65 "a line that is not UTF-8: 65" mo profile import "$T/latin1.csv"
is "$(head -n 1 "$T/err")" "mailopt: $T/latin1.csv:3: not valid UTF-8" "  names the line"
is "$(sql "SELECT group_concat(email || name || marketing_email, ';') FROM profile")" "$snap" \
	"  nothing of either file was imported"

# --- reseller import shares the reader ------------------------------------
printf 'Country,NAME,email,crm\nse,Nordic Sales AB,partner@nordic.example,1\n' > "$T/res.csv"
exits 0 "reseller import: header in any case, an unknown column skipped" \
	mo reseller import "$T/res.csv"
is "$(cat "$T/out")" "imported 1 reseller" "  imports the reseller"
is "$(sql "SELECT country, name FROM reseller")" "SE|Nordic Sales AB" "  as it should"
printf 'country,name\nse,Nordic\n' > "$T/res2.csv"
exits 65 "reseller import without an email column: 65" mo reseller import "$T/res2.csv"

done_testing
