#!/bin/sh
# confirm-optins: an opt-in a rule below that line reads is checked for
# refusals as any, then queued for a person to confirm (review); no flag
# changes, opt-outs and rules above the line are applied as before.
. "$srcdir/tests/lib.sh"

R="$T/rules"
mkdir -p "$R"
cat > "$R/50-en.rules" <<'RULES'
lang en anywhere
negation    not|don['’]t|never
conjunction and|but

en-optin-signup     optin-email    body  /\bsign\s+me\s+up\s+again\b/i
# a loose reading, as a concept layer is: a person confirms its opt-ins
confirm-optins
en-loose-optin      optin-postal   body  /\bcatalogue\b[^.]{0,40}\bagain\b/i
en-loose-optout     optout-postal  body  /\bno\s+more\s+catalogues\b/i
RULES
exits 0 "a rule file with a confirm-optins line loads" mo --rules "$R" rules check
mo --rules "$R" rules show > "$T/show"
like "$(grep en-loose-optin "$T/show")" "	optin-postal/confirm	" \
    "rules show marks an opt-in below the line"
unlike "$(grep en-loose-optout "$T/show")" "/confirm" "  not an opt-out below it"
unlike "$(grep en-optin-signup "$T/show")" "/confirm" "  nor an opt-in above it"

read_as "$R" "catalogue" "Please send me the catalogue by post again." \
    "en-loose-optin (review) lang en" \
    "an opt-in read below the line is review, under the rule that read it"
read_as "$R" "catalogue" "Please do not send me the catalogue again." \
    "refusal (ignore) lang en" "  a refusal there is still a refusal"
read_as "$R" "catalogue" "No more catalogues, please." \
    "en-loose-optout (optout-postal) lang en" "  an opt-out there is an opt-out"
read_as "$R" "newsletter" "Please sign me up again." \
    "en-optin-signup (optin-email) lang en" "an opt-in above the line is an opt-in"

mkdir -p "$T/bad"
printf 'lang en\nconfirm-optins now\n' > "$T/bad/10-x.rules"
exits 65 "confirm-optins with words after it is an error" mo --rules "$T/bad" rules check
like "$(cat "$T/err")" "10-x.rules:2: want: confirm-optins, alone on its line" \
    "  said at its line"

# --- end to end: a proven sender; the rules from the files, then the cache
MAILOPT_RULES="$R"
provenconf

for i in 1 2; do
	MD="$T/Maildir$i"
	mkmaildir "$MD"
	mkproven "$MD/new/1.M$i.en" "catalogue" "Please send me the catalogue by post again, sweep $i."
	exits 0 "sweep $i of a loose opt-in from a proven sender" mo sweep --json "$MD"
	like "$(cat "$T/out")" '"outcome":"queued"' "sweep $i: it is queued for a person"
	like "$(cat "$T/out")" '"rule":"en-loose-optin"' "sweep $i: under the rule that read it"
	is "$(flags karin.meyer@meyer-labor.example)" "false false false" "sweep $i: no flag changed"
	is "$(hist karin.meyer@meyer-labor.example)" "" "sweep $i: no history written"
done
MD="$T/Maildir3"
mkmaildir "$MD"
mkproven "$MD/new/1.M3.en" "newsletter" "Please sign me up again."
exits 0 "an opt-in above the line from a proven sender" mo sweep --json "$MD"
like "$(cat "$T/out")" '"outcome":"applied"' "  is applied"
is "$(flags karin.meyer@meyer-labor.example)" "true false false" "  its flag changed"

done_testing
