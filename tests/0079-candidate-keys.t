#!/bin/sh
# A queued message's candidates are looked up by keys (addresses,
# domains, phone numbers, names, companies, postal address lines) that
# an import makes and `queue list` and `queue show` renew for profiles
# changed since; a profile changed behind them is weighed one by one
# until its keys are made anew, so the candidates are the same. A key
# more than 100 profiles share finds no one by itself.
. "$srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null || skip_all "no sqlite3 shell"
mo init >/dev/null
mo profile import "$SAMPLES/profiles.csv" >/dev/null
is "$(sql 'SELECT count(*) FROM profile_stale')" 0 "an import leaves no profile without its keys"
is "$(sql "SELECT count(*) FROM profile_key k JOIN profile p ON p.id = k.profile_id WHERE p.email = 'jane.doe@doe-consulting.example' AND k.key = 'n:doe jane'")" 1 \
	"a profile is found by its first and last name"
cp -R "$SAMPLES" "$T/md"
mo sweep -q --no-flush "$T/md" >/dev/null
entry=$(mo queue list --json | grep '"kevin.obrien@fastmail.example"' | sed 's/^{"id":\([0-9]*\),.*/\1/')
unlike "$(mo queue show "$entry")" "jane.doe@doe-consulting.example" "at first no candidate of Kevin's request is Jane's profile"

# the profile takes the sender's name behind mailopt's back: it is stale
sql "UPDATE profile SET name = 'Kevin O''Brien' WHERE email = 'jane.doe@doe-consulting.example'"
is "$(sql 'SELECT count(*) FROM profile_stale')" 1 "a profile changed behind mailopt is stale"
hold_lock
MAILOPT_BUSY_TIMEOUT=200 mo queue show "$entry" > "$T/busy" 2> /dev/null
release_lock
like "$(cat "$T/busy")" "jane.doe@doe-consulting.example (Kevin O'Brien), score 30" \
	"with the database busy, the stale profile is weighed all the same"
is "$(sql 'SELECT count(*) FROM profile_stale')" 1 "and stays stale"
like "$(mo queue show "$entry")" "jane.doe@doe-consulting.example (Kevin O'Brien), score 30" \
	"queue show finds it again"
is "$(sql 'SELECT count(*) FROM profile_stale')" 0 "having made its keys anew"
is "$(sql "SELECT count(*) FROM profile_key k JOIN profile p ON p.id = k.profile_id WHERE p.email = 'jane.doe@doe-consulting.example' AND k.key LIKE 'n:%'")" 1 \
	"which name it by its new name only"

# a database made before the keys: init adds them, every profile stale
# till the first queue list
sql "DROP TRIGGER profile_stale_insert; DROP TRIGGER profile_stale_update;
    DROP TRIGGER address_stale_insert; DROP TRIGGER address_stale_delete;
    DROP TRIGGER profile_key_erase;
    DROP TABLE profile_key; DROP TABLE profile_stale;
    DROP TABLE imap_mark; DROP TABLE imap_move; PRAGMA user_version = 5;"
exits 0 "init brings a database of schema version 5 up to date" mo init
is "$(sql 'SELECT count(*) FROM profile_stale')" 9 "with its nine profiles stale"
like "$(mo queue show "$entry")" "jane.doe@doe-consulting.example (Kevin O'Brien), score 30" \
	"they are candidates as before"
is "$(sql 'SELECT count(*) FROM profile_stale')" 0 "and have their keys after the first queue show"

# nothing stale: a busy database neither delays queue list nor draws a warning
hold_lock
MAILOPT_BUSY_TIMEOUT=5000 mo queue list > /dev/null 2> "$T/err"
echo $? > "$T/rc"
release_lock
is "$(cat "$T/rc")" 0 "queue list beside a writer, nothing stale"
is "$(cat "$T/err")" "" "says nothing of the lock"

# an erased profile is found by nothing, and its keys go with its data
mo profile delete jane.doe@doe-consulting.example >/dev/null
is "$(sql "SELECT count(*) FROM profile_key WHERE profile_id = (SELECT id FROM profile WHERE erased IS NOT NULL)")" 0 \
	"an erased profile has no keys"
unlike "$(mo queue show "$entry")" "(Kevin O'Brien), score" "and is no candidate"
# a key more than 100 profiles share finds no one by itself, but still
# counts for a profile found by another
mo init >/dev/null
gen_profiles() {
	echo 'email,other_emails,name,company,phone,address,country,products,marketing_email,marketing_postal,third_party'
	i=1
	while [ $i -le "$1" ]; do
		printf 'p%04d@leeds-%d.example,,Person %04d Tenant,,,"Unit %d, Gasworks Road, Leeds LS1 1AA",GB,,1,1,1\n' $i $i $i $i
		i=$((i + 1))
	done
	echo 'olga.moss@moss-labs.example,,Olga Moss,,+44 113 496 0871,"Unit 2000, Gasworks Road, Leeds LS1 1AA",GB,,1,1,1'
}
gen_profiles 99 > "$T/leeds.csv"
mo profile import "$T/leeds.csv" >/dev/null
mkmaildir "$T/leeds"
cat > "$T/leeds/new/1.leeds" <<'MSG'
From: Facilities <facilities@gasworks-park.example>
To: sales@nordwind.example
Subject: catalogues
Message-ID: <leeds-1@gasworks-park.example>
Date: Mon, 3 Jun 2024 09:12:44 +0100

Please stop sending printed catalogues to Gasworks Road, Leeds LS1 1AA.
The lab phone is 0113 496 0871.
MSG
mo sweep -q --no-flush "$T/leeds" >/dev/null
entry=$(mo queue list --json | grep 'leeds-1@gasworks-park' | sed 's/^{"id":\([0-9]*\),.*/\1/')
like "$(mo queue show "$entry")" "p0001@leeds-1.example" "a postal line 100 profiles share finds them"
gen_profiles 100 > "$T/leeds.csv"
mo profile import "$T/leeds.csv" >/dev/null
unlike "$(mo queue show "$entry")" "p0001@leeds-1.example" "one more, and it finds no one by itself"
like "$(mo queue show "$entry")" "olga.moss@moss-labs.example" "a profile found by another key is still a candidate"
like "$(mo queue show "$entry")" "postal address is in the text: Gasworks Road; Leeds LS1 1AA" "  and the shared postal line still counts for it"
done_testing
