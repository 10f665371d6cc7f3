#!/bin/sh
# sweep over maildir-samples: each sample's outcome and action as
# maildir-samples/expected.tsv says, where each file is filed, the flags
# and history left behind, --json and --dry-run, the summary line, and the
# same mail delivered again (duplicates, nothing changes twice).
. "$srcdir/tests/lib.sh"

MD="$T/md"
EXP="$SAMPLES/expected.tsv"
TAB=$(printf '\t')

# is_file PATH DESC: PATH is a regular file.
is_file() {
	if [ -f "$1" ]; then
		pass "$2"
	else
		fail "$2" "no file $1"
	fi
}

# msgid FILE: the Message-ID of a message, without the angle brackets.
msgid() {
	sed -n '/^$/q; s/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]: *<\(.*\)>.*/\1/p' "$1"
}

# line_of NAME FILE: the output line of the message file NAME.
line_of() {
	grep "^$1 " "$2"
}

# field KEY LINE: the value of " KEY=value" on a sweep output line.
field() {
	printf '%s\n' "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

# summary WANT: the summary line that expected.tsv predicts for WANT
# messages of each outcome (WANT: "all", or "again" for the same mail
# delivered a second time).
summary() {
	awk -F "$TAB" -v mode="$1" '
		/^#/ || NF < 3 { next }
		{ n++; o = $2 }
		mode == "again" && o != "ignored" { o = "duplicate" }
		{ c[o]++ }
		END {
			printf "sweep: %d messages: %d applied, %d unchanged, %d queued, %d duplicate, %d ignored, 0 errors\n",
			    n, c["applied"], c["unchanged"], c["queued"], c["duplicate"], c["ignored"]
		}' "$EXP"
}

# tree DIR: every path below DIR, sorted.
tree() {
	(cd "$1" && find . | LC_ALL=C sort)
}

# json_lines: check JSON Lines on stdin have exactly the SPEC's keys;
# print file, outcome, action, profile and changes of each, tab-separated.
json_lines() {
	/usr/bin/python3 -c '
import json, sys
keys = {"file", "message_id", "outcome", "action", "rule", "profile", "changes", "reason"}
for l in sys.stdin:
    o = json.loads(l)
    if set(o) != keys:
        sys.exit("keys: %s" % sorted(o))
    ch = o["changes"]
    ch = ",".join("%s=%d>%d" % (k, v[0], v[1]) for k, v in sorted(ch.items())) if ch else "-"
    print(o["file"], o["outcome"], o["action"] or "-", o["profile"] or "-", ch, sep="\t")
'
}

mkmaildir "$MD"
cp "$SAMPLES"/new/* "$MD/new/"
nmsg=$(count "$MD/new")

exits 0 "init" mo init
exits 0 "the sample profiles import" mo profile import "$SAMPLES/profiles.csv"
like "$(cat "$T/out")" "imported 9 profiles" "all nine sample profiles are imported"
is "$(flag olivia.brown@brown-associates.example third_party)" false \
	"a flag imported as false is false"
P=$(mo profile show olivia.brown@brown-associates.example --json)
like "$P" '"name":"Olivia \"Liv\" Brown","company":"Brown & Associates, LLC"' \
	"quoted CSV fields import with their commas and quotes"
like "$P" '"address":"200 Clarendon Street, Suite 12\nBoston, MA 02116"' \
	"a quoted CSV field keeps its line break"
like "$(mo profile show anna.becker@becker-technik.example --json)" \
	'"other_emails":"a.becker@gmail.example;anna@becker-family.example"' \
	"other_emails import"
echo "trusted_authserv_id = mx1.nordwind.example" >> "$MAILOPT_CONFIG"

# --- --dry-run: every outcome, nothing changed -------------------------
sql .dump > "$T/db.before"
tree "$MD" > "$T/tree.before"
exits 0 "sweep --dry-run" mo sweep --dry-run "$MD"
cp "$T/out" "$T/dry.out"
like "$(tail -n 1 "$T/dry.out")" "(dry run: nothing changed)" \
	"the dry run says it changed nothing"
sql .dump > "$T/db.after"
if cmp -s "$T/db.before" "$T/db.after"; then
	pass "sweep --dry-run leaves the database as it was"
else
	fail "sweep --dry-run leaves the database as it was" \
		"$(diff "$T/db.before" "$T/db.after" | head -20)"
fi
is "$(tree "$MD")" "$(cat "$T/tree.before")" \
	"sweep --dry-run leaves the Maildir as it was"

exits 0 "sweep --dry-run --json" mo sweep --dry-run --json "$MD"
if [ -x /usr/bin/python3 ]; then
	if json_lines < "$T/out" > "$T/json.tsv" 2> "$T/json.err"; then
		pass "--json prints one JSON object per message with the SPEC's keys"
	else
		fail "--json prints one JSON object per message with the SPEC's keys" \
			"$(cat "$T/json.err")"
	fi
	is "$(wc -l < "$T/json.tsv" | tr -d ' ')" "$nmsg" "--json: a line per message"
	is "$(grep -c '^sweep:' "$T/out")" 0 "--json prints no summary line"
	while IFS="$TAB" read -r f want action <&3; do
		case $f in '#'*|'') continue ;; esac
		got=$(grep "^$f$TAB" "$T/json.tsv" | cut -f 2,3)
		is "$got" "$want$TAB$action" "--json: $f is $want, action $action"
	done 3< "$EXP"
	is "$(grep "^1764400497.M2P2140" "$T/json.tsv" | cut -f 4,5)" \
		"francois.martin@martin-sa.example${TAB}marketing_postal=1>0" \
		"--json: changes names the flag with its old and new value"
	is "$(grep "^1764402802.M8P2214" "$T/json.tsv" | cut -f 4)" \
		"lars.nielsen@nielsen-as.example" \
		"--json: a review request queued names the profile found"
	is "$(grep "^1764402031.M6P2189" "$T/json.tsv" | cut -f 4,5)" "-$TAB-" \
		"--json: no profile, no changes: null"
else
	pass "# SKIP no /usr/bin/python3 to check --json"
fi
is "$(sql .dump)" "$(cat "$T/db.before")" "--dry-run --json changes nothing either"

# --- the sweep -----------------------------------------------------------
exits 0 "sweep the samples" mo sweep "$MD"
cp "$T/out" "$T/sweep.out"
is "$(tail -n 1 "$T/sweep.out")" "$(summary all)" "the summary line counts every outcome"
is "$(grep -v '^sweep:' "$T/sweep.out")" "$(grep -v '^sweep:' "$T/dry.out")" \
	"the dry run printed the same lines as the real sweep"

while IFS="$TAB" read -r f want action <&3; do
	case $f in '#'*|'') continue ;; esac
	line=$(line_of "$f" "$T/sweep.out")
	is "$(printf '%s\n' "$line" | cut -d ' ' -f 2)" "$want" "$f: $want"
	if [ "$action" = - ]; then
		unlike "$line" " action=" "$f: no rule matched"
	else
		is "$(field action "$line")" "$action" "$f: action $action"
	fi
	case $want in
	applied|unchanged|duplicate)
		is_file "$MD/.Processed/cur/$f:2,S" "$f: filed in .Processed/cur, seen" ;;
	queued)
		is_file "$MD/.Unmatched/cur/$f:2," "$f: filed in .Unmatched/cur" ;;
	ignored)
		is_file "$MD/cur/$f:2," "$f: left in the inbox's cur/" ;;
	esac
	# every flag change is in the history, with its message and rule
	n=$(printf '%s\n' "$line" | tr ' ' '\n' | grep -c '=[01]>[01]$')
	if [ "$want" = applied ]; then
		rule=$(field rule "$line")
		is "$(sql "SELECT count(*) FROM history WHERE message_id = '$(msgid "$MD/.Processed/cur/$f:2,S")' AND rule = '$rule' AND operator IS NULL")" \
			"$n" "$f: $n history row(s) with its Message-ID and rule $rule"
	fi
done 3< "$EXP"

is "$(count "$MD/new")" 0 "new/ is empty"
is_file "$MD/.Processed/maildirfolder" ".Processed is a Maildir++ folder"
is_file "$MD/.Unmatched/maildirfolder" ".Unmatched is a Maildir++ folder"
is "$(count "$MD/.Processed/cur") $(count "$MD/.Unmatched/cur") $(count "$MD/cur")" \
	"$(awk -F "$TAB" '/^#/ { next }
		$2 == "queued" { q++ } $2 == "ignored" { i++ }
		$2 ~ /^(applied|unchanged|duplicate)$/ { p++ }
		END { print p + 0, q + 0, i + 0 }' "$EXP")" \
	"nothing else is in the folders"

# what each line says about the profile and its flags
L=$(line_of 1764400112.M1P2131.mx1.nordwind.example "$T/sweep.out")
like "$L" "profile=tom.hughes@hughes-print.example marketing_email=1>0 marketing_postal=1>0 third_party=1>0" \
	"unsubscribe: the line shows the profile and all three flags going off"
L=$(line_of 1764400873.M3P2152.mx1.nordwind.example "$T/sweep.out")
like "$L" "profile=anna.becker@becker-technik.example third_party=1>0" \
	"a further address of a profile finds the profile"
L=$(line_of 1764403577.M10P2231.mx1.nordwind.example "$T/sweep.out")
like "$L" "profile=jane.doe@doe-consulting.example" \
	"an unknown sender naming one profile's address in the text finds it"
L=$(line_of 1764402415.M7P2203.mx1.nordwind.example "$T/sweep.out")
unlike "$L" "profile=" "addresses of two profiles in the text find neither"
like "$L" "(" "a queued line says why"
L=$(line_of 1764403190.M9P2226.mx1.nordwind.example "$T/sweep.out")
like "$L" "profile=sofia.rossi@rossi-srl.example" \
	"an opt-in without DMARC is queued with its profile"
L=$(line_of 1764403961.M11P2245.mx1.nordwind.example "$T/sweep.out")
like "$L" "profile=tom.hughes@hughes-print.example" "a duplicate names the profile"
unlike "$L" "=1>0" "a duplicate changes nothing"

for x in \
	"tom.hughes@hughes-print.example false false false" \
	"francois.martin@martin-sa.example true false true" \
	"anna.becker@becker-technik.example true true false" \
	"maria.lopez@lopez-diseno.example false true true" \
	"li.wei@wei-trading.example false false false" \
	"lars.nielsen@nielsen-as.example true true true" \
	"sofia.rossi@rossi-srl.example false true true" \
	"olivia.brown@brown-associates.example true false true" \
	"jane.doe@doe-consulting.example false false false"
do
	set -- $x
	is "$(flag "$1" marketing_email) $(flag "$1" marketing_postal) $(flag "$1" third_party)" \
		"$2 $3 $4" "$1: flags $2 $3 $4"
done
is "$(flag a.becker@gmail.example third_party)" false \
	"profile show finds a profile by a further address"
is "$(sql "SELECT count(*) FROM history WHERE message_id = '20251129070827.GA18842@hughes-print.example'")" 3 \
	"the duplicate added no history"
hist=$(sql 'SELECT count(*) FROM history WHERE message_id IS NOT NULL')
is "$hist" 10 "ten flag changes in the history"
is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 4 "four requests wait in the queue"
like "$(mo profile show olivia.brown@brown-associates.example --json)" \
	'"flag":"third_party","old":false,"new":true,"message_id":"CAOb7r2x+Kd9QfW4m1TzLp3Nv8sYhE6cJ0aGu5B@mail.brown-associates.example"' \
	"profile show --json has the opt-in in the history"

# --- the same mail delivered again ---------------------------------------
for f in "$SAMPLES"/new/*; do
	b=$(basename "$f")
	cp "$f" "$MD/new/${b%.mx1.nordwind.example}.mx2.nordwind.example"
done
exits 0 "sweep the same messages delivered again" mo sweep "$MD"
cp "$T/out" "$T/again.out"
is "$(tail -n 1 "$T/again.out")" "$(summary again)" \
	"again: every request is a duplicate, the rest ignored"
while IFS="$TAB" read -r f want action <&3; do
	case $f in '#'*|'') continue ;; esac
	g=${f%.mx1.nordwind.example}.mx2.nordwind.example
	line=$(line_of "$g" "$T/again.out")
	if [ "$want" = ignored ]; then
		is "$(printf '%s\n' "$line" | cut -d ' ' -f 2)" ignored "again: $g ignored"
		is_file "$MD/cur/$g:2," "again: $g left in cur/"
	else
		is "$(printf '%s\n' "$line" | cut -d ' ' -f 2)" duplicate "again: $g duplicate"
		is_file "$MD/.Processed/cur/$g:2,S" "again: $g filed in .Processed/cur"
	fi
done 3< "$EXP"
is "$(sql 'SELECT count(*) FROM history WHERE message_id IS NOT NULL')" "$hist" \
	"again: no history added"
is "$(sql "SELECT count(*) FROM queue WHERE state = 'open'")" 4 "again: nothing queued twice"
is "$(flag olivia.brown@brown-associates.example third_party) $(flag tom.hughes@hughes-print.example marketing_email)" \
	"true false" "again: flags as before"

# A file put back under its own name is the rerun of an interrupted sweep:
# it goes where it went before and changes nothing.
f=1764400112.M1P2131.mx1.nordwind.example
mv "$MD/.Processed/cur/$f:2,S" "$MD/new/$f"
exits 0 "sweep a file moved back into new/" mo sweep "$MD"
is_file "$MD/.Processed/cur/$f:2,S" "it is filed in .Processed/cur again"
is "$(count "$MD/new")" 0 "new/ is empty again"
is "$(sql 'SELECT count(*) FROM history WHERE message_id IS NOT NULL')" "$hist" \
	"and the history is unchanged"

done_testing
