#!/bin/sh
# sweep imaps://… against a real Dovecot: the samples swept over IMAP come
# out exactly as the Maildir sweep of the same files (report lines, summary,
# profile flags) and are filed on the server by outcome; --dry-run changes
# nothing; --json names each message's URL; a second sweep reads nothing new;
# STARTTLS reaches the same mailbox; a request deliver saw first is a
# duplicate; a message over max_message_size stays unseen; a new UIDVALIDITY
# applies nothing twice; servers without MOVE or UIDPLUS; folders below a
# hierarchy.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/dovecot.sh"

TAB=$(printf '\t')

# imapctl ARGS: the test server's control client.
imapctl() {
	/usr/bin/python3 "$srcdir/tests/imapctl.py" "$@"
}

# msgid FILE: the Message-ID of a message, as imapctl list shows it.
msgid() {
	sed -n '/^\r*$/q; s/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" |
		head -n 1
}

# newid FILE ID: FILE with the Message-ID <ID>, in $T/ID.eml: the same
# request again, but new to the database.
newid() {
	sed "s/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:.*/Message-ID: <$2>/" "$1" > "$T/$2.eml"
}

# append_map FOLDER FILE...: append the FILEs in order; $T/map gets
# "UID<TAB>file name<TAB>Message-ID" for each.
append_map() {
	am_folder=$1
	shift
	imapctl append "$am_folder" "$@" > "$T/uids" || return 1
	for am_f in "$@"; do
		printf '%s\t%s\n' "$(basename "$am_f")" "$(msgid "$am_f")"
	done | paste "$T/uids" - > "$T/map"
}

# by_file REPORT: the IMAP report's lines with the file name $T/map gives
# each UID in place of the URL, as the Maildir sweep would print them.
by_file() {
	awk -v map="$T/map" '
		BEGIN { while ((getline l < map) > 0) { split(l, m, "\t"); f[m[1]] = m[2] } }
		/^imap:/ {
			u = $1; sub(/.*;UID=/, "", u)
			r = $0; sub(/^[^ ]* /, "", r)
			print ((u in f) ? f[u] : "UID=" u) " " r
		}' "$1"
}

# same_lines MAILDIR-REPORT IMAP-REPORT WHAT: each message's line over
# IMAP is its line from the Maildir sweep, and so is the summary.
same_lines() {
	by_file "$2" > "$T/byfile"
	is "$(grep -c '^imap:' "$2")" "$(grep -vc '^sweep:' "$1")" "$3: one line per message"
	grep -v '^sweep:' "$1" > "$T/mdlines"
	while read -r sl_f sl_rest; do
		is "$(awk -v f="$sl_f" '$1 == f { sub(/^[^ ]* /, ""); print }' "$T/byfile")" \
			"$sl_rest" "$3: $sl_f: $(echo "$sl_rest" | cut -d' ' -f1-2)"
	done < "$T/mdlines"
	is "$(grep '^sweep:' "$2")" "$(grep '^sweep:' "$1")" "$3: the same summary line"
}

# folders_want REPORT [keep]: "FOLDER (FLAGS) MESSAGE-ID" for each message
# of $T/map, sorted, where REPORT's outcome files it: applied, unchanged
# and duplicate in Processed seen, queued in Unmatched unseen, ignored
# unseen in INBOX. With "keep" (no MOVE, no UIDPLUS) the filed ones stay
# in INBOX too, flagged \Deleted.
folders_want() {
	awk -F "$TAB" -v rep="$1" -v mode="$2" '
		BEGIN {
			while ((getline l < rep) > 0) {
				if (l !~ /^imap:/) continue
				split(l, w, " "); u = w[1]; sub(/.*;UID=/, "", u); o[u] = w[2]
			}
		}
		o[$1] ~ /^(applied|unchanged|duplicate)$/ {
			print "Processed (\\Seen) " $3
			if (mode == "keep") print "INBOX (\\Deleted \\Seen) " $3
			next
		}
		o[$1] == "queued" {
			print "Unmatched () " $3
			if (mode == "keep") print "INBOX (\\Deleted) " $3
			next
		}
		o[$1] == "ignored" { print "INBOX () " $3; next }
		{ print "not in the report: " $2 }' "$T/map" | LC_ALL=C sort
}

# folders_got: the same for what INBOX, Processed and Unmatched hold.
folders_got() {
	for fg_f in INBOX Processed Unmatched; do
		imapctl list "$fg_f" | sed "s/^[0-9]* /$fg_f /"
	done | LC_ALL=C sort
}

# empty_folders: INBOX, Processed and Unmatched without messages.
empty_folders() {
	for ef_f in INBOX Processed Unmatched; do
		imapctl delete-all "$ef_f" || return 1
	done
}

# pflags DB EMAIL: the profile's three flags as profile show --json says them.
pflags() {
	mo --db "$1" profile show "$2" --json | /usr/bin/python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["marketing_email"], o["marketing_postal"], o["third_party"])'
}

# history_rows DB: the history entries of every sample profile, by profile show --json.
history_rows() {
	for hr_e in $EMAILS; do
		mo --db "$1" profile show "$hr_e" --json
	done | /usr/bin/python3 -c '
import json, sys
print(sum(len(json.loads(l)["history"]) for l in sys.stdin))'
}

# newdb DB: a database of its own with the sample profiles.
newdb() {
	mo --db "$1" init > /dev/null && mo --db "$1" profile import "$SAMPLES/profiles.csv" > /dev/null
}

dovecot_start

EMAILS=$(/usr/bin/python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print(r["email"])' "$SAMPLES/profiles.csv")
FILES=$(ls "$SAMPLES/new" | LC_ALL=C sort | sed "s|^|$SAMPLES/new/|")

exits 0 "init" mo init
mo profile import "$SAMPLES/profiles.csv" > /dev/null
echo "trusted_authserv_id = mx1.nordwind.example" >> "$MAILOPT_CONFIG"
dovecot_login

# the reference: the Maildir sweep of the same files, with its own database
mkmaildir "$T/md"
cp $FILES "$T/md/new/"
newdb "$T/md.db"
exits 0 "the Maildir sweep of the samples" mo --db "$T/md.db" sweep "$T/md"
cp "$T/out" "$T/md-samples.out"

# --- --dry-run and --json ----------------------------------------------------
append_map INBOX $FILES || dovecot_bail "cannot append the samples"
UV=$(imapctl uidvalidity INBOX)
imapctl list INBOX > "$T/inbox.before"
sql .dump > "$T/db.before"
exits 0 "sweep --dry-run" mo sweep --dry-run "$URL"
like "$(tail -n 1 "$T/out")" "sweep: 17 messages:" "  reads all 17"
like "$(tail -n 1 "$T/out")" "(dry run: nothing changed)" "  and says it changed nothing"
cp "$T/out" "$T/dry.out"
is "$(imapctl folders)" INBOX "  creates no folder"
is "$(imapctl list INBOX)" "$(cat "$T/inbox.before")" "  leaves every message in INBOX, unseen"
is "$(sql .dump)" "$(cat "$T/db.before")" "  leaves the database as it was"

exits 0 "sweep --dry-run --json" mo sweep --dry-run --json "$URL"
if /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["file"], o["outcome"], sep="\t")' < "$T/out" > "$T/json.tsv" 2> "$T/json.err"; then
	pass "  prints one JSON object a line"
else
	fail "  prints one JSON object a line" "$(cat "$T/json.err")"
fi
is "$(cut -f 1 "$T/json.tsv")" \
	"$(cut -f 1 "$T/map" | sed "s|^|imap://$IMAP_USER@localhost/INBOX;UIDVALIDITY=$UV/;UID=|")" \
	"  each names its message by URL: mailbox, UIDVALIDITY and UID"
is "$(imapctl list INBOX)" "$(cat "$T/inbox.before")" "  and leaves the messages alone"

# --- the samples over IMAP are the samples in a Maildir ------------------------
exits 0 "sweep $URL" mo sweep "$URL"
cp "$T/out" "$T/imap.out"
same_lines "$T/md-samples.out" "$T/imap.out" "IMAP as Maildir"
is "$(awk '/^imap:/ { print $1 "\t" $2 }' "$T/imap.out")" "$(cat "$T/json.tsv")" \
	"the dry run's JSON told the outcomes of the real sweep"
is "$(folders_got)" "$(folders_want "$T/imap.out")" \
	"requests in Processed (seen), queued in Unmatched and ignored in INBOX (unseen)"
for e in $EMAILS; do
	is "$(pflags "$MAILOPT_DB" "$e")" "$(pflags "$T/md.db" "$e")" "$e: the flags the Maildir sweep left"
done

# --- nothing new, then one more --------------------------------------------
folders_got > "$T/folders.before"
sql .dump > "$T/db.before"
exits 0 "a second sweep" mo sweep "$URL"
is "$(cat "$T/out")" "sweep: 0 messages: 0 applied, 0 unchanged, 0 queued, 0 duplicate, 0 ignored, 0 errors" \
	"  reads nothing"
is "$(folders_got)" "$(cat "$T/folders.before")" "  moves nothing"
is "$(sql .dump)" "$(cat "$T/db.before")" "  changes nothing in the database"

ANNA=$FIX/e2e/crlf-unsubscribe.eml	# Anna: "Unsubscribe"; her e-mail and post still on
uid=$(imapctl append INBOX "$ANNA")
exits 0 "one more request, swept" mo sweep "$URL"
is "$(grep -c '^imap:' "$T/out")" 1 "  one line"
like "$(cat "$T/out")" "imap://$IMAP_USER@localhost/INBOX;UIDVALIDITY=$UV/;UID=$uid applied " \
	"  for the new message, applied"
like "$(tail -n 1 "$T/out")" "sweep: 1 messages: 1 applied," "  and the summary counts it alone"
is "$(pflags "$MAILOPT_DB" anna.becker@becker-technik.example)" "False False False" \
	"  Anna's flags are off"
like "$(imapctl list Processed)" "(\\Seen) $(msgid "$ANNA")" "  the request is in Processed, seen"

# --- STARTTLS --------------------------------------------------------------
newid "$SAMPLES/new/1764400112.M1P2131.mx1.nordwind.example" starttls-1@hughes-print.example
uid=$(imapctl append INBOX "$T/starttls-1@hughes-print.example.eml")
since=$(wc -l < "$DOVECOT_LOG")
exits 0 "sweep imap://…:\$IMAP_PORT/INBOX (STARTTLS)" mo sweep "imap://$IMAP_USER@localhost:$IMAP_PORT/INBOX"
# Dovecot takes a password in the clear from 127.0.0.1: only its log
# tells whether the login came after STARTTLS
i=0
until tail -n "+$((since + 1))" "$DOVECOT_LOG" | grep -q "Login: user=<$IMAP_USER>" || [ $i -ge 100 ]; do
	i=$((i + 1))
	sleep 0.05
done
like "$(tail -n "+$((since + 1))" "$DOVECOT_LOG" | grep "Login: user=<$IMAP_USER>")" ", TLS," \
	"  logs in after STARTTLS"
is "$(grep '^imap:' "$T/out" | cut -d' ' -f1-2)" \
	"imap://$IMAP_USER@localhost/INBOX;UIDVALIDITY=$UV/;UID=$uid unchanged" \
	"  reads the new message, named as over imaps"
like "$(tail -n 1 "$T/out")" "sweep: 1 messages:" "  and only that"
exits 0 "then imaps:// to the same mailbox" mo sweep "$URL"
like "$(cat "$T/out")" "sweep: 0 messages:" "  finds nothing new: one mark for both"

# --- deliver, then IMAP ------------------------------------------------------
OLIVIA=$FIX/e2e/oversize-unsubscribe.eml	# Olivia: "Unsubscribe"
exits 0 "deliver a request" mo deliver < "$OLIVIA"
is "$(pflags "$MAILOPT_DB" olivia.brown@brown-associates.example)" "False False False" \
	"  deliver applied it"
hist=$(history_rows "$MAILOPT_DB")
uid=$(imapctl append INBOX "$OLIVIA")
exits 0 "the same message over IMAP" mo sweep "$URL"
like "$(cat "$T/out")" ";UID=$uid duplicate action=optout-all" "  is a duplicate"
is "$(history_rows "$MAILOPT_DB")" "$hist" "  and adds no history"
like "$(imapctl list Processed)" "(\\Seen) $(msgid "$OLIVIA")" "  filed in Processed, seen"
unlike "$(imapctl list INBOX)" "$(msgid "$OLIVIA")" "  gone from INBOX"

# --- larger than max_message_size ----------------------------------------------
newid "$OLIVIA" big-1@brown-associates.example
BIG=$T/big.eml
{
	cat "$T/big-1@brown-associates.example.eml"
	i=0
	while [ $i -lt 800 ]; do
		echo "Our privacy notice, line $i, which makes this message longer than 10k."
		i=$((i + 1))
	done
} > "$BIG"
{ cat "$MAILOPT_CONFIG"; echo "max_message_size = 10k"; } > "$T/small.conf"
cp "$BIG" "$T/md/new/1764499999.M1P9999.mx1.nordwind.example"
mo --db "$T/md.db" --config "$T/small.conf" sweep --dry-run --json "$T/md" > "$T/md.json"
exits 0 "the Maildir sweep of a request over 50 KB with max_message_size = 10k" \
	mo --db "$T/md.db" --config "$T/small.conf" sweep "$T/md"
cp "$T/out" "$T/md.out"
uid=$(imapctl append INBOX "$BIG")
printf '%s\t1764499999.M1P9999.mx1.nordwind.example\t%s\n' "$uid" "$(msgid "$BIG")" > "$T/map"
mo --config "$T/small.conf" sweep --dry-run --json "$URL" > "$T/imap.json"
is "$(sed 's/.*"outcome"/"outcome"/' "$T/imap.json")" "$(sed 's/.*"outcome"/"outcome"/' "$T/md.json")" \
	"too large: --json says over IMAP what it says for the Maildir"
like "$(cat "$T/imap.json")" '"outcome":"ignored"' "  ignored"
like "$(cat "$T/imap.json")" '"reason":"larger than max_message_size"' "  as larger than max_message_size"
exits 0 "the same over IMAP" mo --config "$T/small.conf" sweep "$URL"
cp "$T/out" "$T/imap.out"
same_lines "$T/md.out" "$T/imap.out" "too large"
like "$(cat "$T/imap.out")" ";UID=$uid ignored" "  ignored"
like "$(imapctl list INBOX)" "$uid () $(msgid "$BIG")" "  and left in INBOX, unseen"

# --- a new UIDVALIDITY -------------------------------------------------------
SALES=imaps://$IMAP_USER@localhost:$IMAPS_PORT/Sales
newdb "$T/sales.db"
imapctl create Sales
append_map Sales $FILES
uv1=$(imapctl uidvalidity Sales)
exits 0 "sweep a folder other than INBOX" mo --db "$T/sales.db" sweep "$SALES"
like "$(cat "$T/out")" "imap://$IMAP_USER@localhost/Sales;UIDVALIDITY=$uv1/;UID=" \
	"  its messages named by its URL"
like "$(tail -n 1 "$T/out")" "sweep: 17 messages: 6 applied," "  the samples' outcomes"
hist=$(history_rows "$T/sales.db")
nproc=$(imapctl count Processed)
imapctl delete Sales
imapctl create Sales
append_map Sales $FILES
uv2=$(imapctl uidvalidity Sales)
if [ "$uv1" != "$uv2" ]; then
	pass "the folder made anew has a new UIDVALIDITY ($uv1, then $uv2)"
else
	fail "the folder made anew has a new UIDVALIDITY ($uv1, then $uv2)"
fi
exits 0 "sweep it again" mo --db "$T/sales.db" sweep "$SALES"
cp "$T/out" "$T/again.out"
is "$(tail -n 1 "$T/again.out")" \
	"sweep: 17 messages: 0 applied, 0 unchanged, 0 queued, 12 duplicate, 5 ignored, 0 errors" \
	"  every request is a duplicate, known by its Message-ID"
is "$(grep -c ";UIDVALIDITY=$uv2/;UID=[0-9]* \(duplicate\|ignored\)" "$T/again.out")" 17 \
	"  each line names the new UIDVALIDITY"
is "$(history_rows "$T/sales.db")" "$hist" "  nothing is applied twice: no history added"
is "$(imapctl list Sales | sed 's/^[0-9]* //' | LC_ALL=C sort)" \
	"$(folders_want "$T/again.out" | sed -n 's/^INBOX //p')" \
	"  the ignored ones stay in the folder, unseen"
is "$(imapctl count Processed)" $((nproc + 12)) "  the duplicates went to Processed"

# --- no MOVE: UID COPY, \Deleted, UID EXPUNGE ----------------------------------
CAPS=$(imapctl capabilities | tr '\n' ' ')
empty_folders
# Dovecot still takes MOVE, but a client goes by what it announces
DOVECOT_EXTRA_CONF="imap_capability = $(echo "$CAPS" | tr ' ' '\n' | grep -vx MOVE | tr '\n' ' ')"
dovecot_restart
caps=$(imapctl capabilities | tr '\n' ' ')
unlike " $caps" " MOVE " "the server announces no MOVE now"
like " $caps" " UIDPLUS " "  but UIDPLUS"
exits 0 "check --imap sees it" mo check --imap "$URL"
like "$(cat "$T/out")" "no MOVE: messages are copied, marked \\Deleted and expunged by UID" \
	"  and says how messages will be moved"
newdb "$T/nomove.db"
append_map INBOX $FILES
exits 0 "sweep without MOVE" mo --db "$T/nomove.db" sweep "$URL"
cp "$T/out" "$T/imap.out"
same_lines "$T/md-samples.out" "$T/imap.out" "without MOVE"
is "$(folders_got)" "$(folders_want "$T/imap.out")" \
	"  the same folders as with MOVE, nothing left behind in INBOX"

# --- neither MOVE nor UIDPLUS: copied, \Deleted, never expunged ----------------
empty_folders
DOVECOT_EXTRA_CONF="imap_capability = $(echo "$CAPS" | tr ' ' '\n' | grep -vx -e MOVE -e UIDPLUS | tr '\n' ' ')"
dovecot_restart
caps=$(imapctl capabilities | tr '\n' ' ')
unlike " $caps" " UIDPLUS " "the server announces no UIDPLUS now"
unlike " $caps" " MOVE " "  nor MOVE"
exits 0 "check --imap sees it" mo check --imap "$URL"
like "$(cat "$T/out")" "no MOVE: messages are copied, marked \\Deleted and left for the server's owner to expunge (no UIDPLUS)" \
	"  and says the copies stay"
newdb "$T/nouidplus.db"
append_map INBOX $FILES
# another client's message, flagged \Deleted and not yet expunged: an
# EXPUNGE (rather than UID EXPUNGE) would take it away; on its way out,
# it is not read either
newid "$SAMPLES/new/1764404348.M12P2250.mx1.nordwind.example" deleted-by-another@becker-technik.example
other=$(imapctl append --flags '\Deleted' INBOX "$T/deleted-by-another@becker-technik.example.eml")
exits 0 "sweep without MOVE and UIDPLUS" mo --db "$T/nouidplus.db" sweep "$URL"
cp "$T/out" "$T/imap.out"
is "$(tail -n 1 "$T/imap.out")" "$(tail -n 1 "$T/md-samples.out")" \
	"  the samples' outcomes"
unlike "$(cat "$T/imap.out")" ";UID=$other " "  another client's \\Deleted message is not read"
is "$(folders_got)" "$( { folders_want "$T/imap.out" keep
	echo "INBOX (\\Deleted) <deleted-by-another@becker-technik.example>"; } | LC_ALL=C sort)" \
	"  filed ones copied and left \\Deleted in INBOX; another's \\Deleted message still there"

DOVECOT_EXTRA_CONF=
dovecot_restart
like " $(imapctl capabilities | tr '\n' ' ') " " MOVE " "the server announces MOVE again"

# --- folders below a hierarchy ------------------------------------------------
# what the sweeps with other databases left is new to this one
empty_folders
{
	cat "$MAILOPT_CONFIG"
	echo "imap_processed_folder = mailopt/Processed"
	echo "imap_unmatched_folder = mailopt/Unmatched"
} > "$T/deep.conf"
newid "$SAMPLES/new/1764400112.M1P2131.mx1.nordwind.example" deep-1@hughes-print.example
newid "$SAMPLES/new/1764402031.M6P2189.mx1.nordwind.example" deep-2@app.fastmail.example
imapctl append INBOX "$T/deep-1@hughes-print.example.eml" "$T/deep-2@app.fastmail.example.eml" > /dev/null
exits 0 "sweep with imap_processed_folder = mailopt/Processed" mo --config "$T/deep.conf" sweep "$URL"
like "$(tail -n 1 "$T/out")" "1 unchanged, 1 queued" "  a request and a message queued"
folders=$(imapctl folders)
like "$folders" "mailopt.Processed" "  makes mailopt.Processed: the server's delimiter is \".\""
like "$folders" "mailopt.Unmatched" "  and mailopt.Unmatched"
unlike "$folders" "mailopt/" "  no folder with a \"/\" in its name"
is "$(imapctl list mailopt.Processed | sed 's/^[0-9]* //')" "(\\Seen) <deep-1@hughes-print.example>" \
	"  the request is filed there"
is "$(imapctl list mailopt.Unmatched | sed 's/^[0-9]* //')" "() <deep-2@app.fastmail.example>" \
	"  the queued message too"

done_testing
