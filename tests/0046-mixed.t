#!/bin/sh
# Mixed wishes: an opt-in beside a wish to stop something it does not
# touch ("the newsletter again, but no more catalogues") changes no
# flag and goes to a person, as rule "mixed"; a stop of the same
# channel, words the opt-in itself read, and a quotation the writer
# cites do not make a mix.
. "$srcdir/tests/lib.sh"

# --- the check, on rules of its own ----------------------------------
R="$T/rules"
mkdir -p "$R"
cat > "$R/50-en.rules" <<'EOF2'
lang en
words the and to of a i you please me my is it for

en-optin-news   optin-email       body  /\bnewsletter\s+again\b/i
en-optout-news  optout-email      body  /\bno\s+more\s+newsletters?\b/i
en-optout-cat   optout-postal     body  /\bno\s+more\s+catalogues\b/i
en-optout-3rd   optout-thirdparty body  /\bno\s+partner\s+offers\b/i
# reads the newsletter as the thing stopped: the opt-in's own words
en-optout-over  optout-postal     body  /\bthe\s+newsletter\s+again\s+and\s+the\s+catalogues\b/i
EOF2
exits 0 "the rules load" mo --rules "$R" rules check

read_as "$R" "Newsletter" "Please send me the newsletter again." \
    "en-optin-news (optin-email) lang en" "an opt-in alone is read as such"

read_as "$R" "Newsletter" "Please send me the newsletter again, but no more catalogues." \
    "mixed (review) lang en" "an opt-in beside a stop of another channel is a mix"
like "$(cat "$T/explain")" "MATCH en-optin-news" "explain shows the opt-in"
like "$(cat "$T/explain")" 'matched "no more catalogues"' "and the stop beside it"
like "$(cat "$T/explain")" 'MATCH mixed                            review             50-en.rules:4 on body' \
    "then the mix, at the opt-in rule's line"

read_as "$R" "Newsletter" "No more catalogues. Otherwise: the newsletter again, please." \
    "mixed (review) lang en" "in either order"

read_as "$R" "Newsletter" "Please send me the newsletter again. No partner offers." \
    "mixed (review) lang en" "a stop of third parties beside an e-mail opt-in is a mix too"

read_as "$R" "Newsletter" "Last year I wrote no more newsletters. Now I'd like the newsletter again." \
    "en-optin-news (optin-email) lang en" \
    "a stop of the opt-in's own channel is the past it undoes, no mix"

read_as "$R" "Newsletter" "Could I have the newsletter again and the catalogues as before?" \
    "en-optin-news (optin-email) lang en" \
    "a stop read in the opt-in's own words is no second wish"

read_as "$R" "Newsletter" 'I ticked "no partner offers" on your form. Please send the newsletter again.' \
    "en-optin-news (optin-email) lang en" \
    "a stop in quotation marks is what the writer cites, no mix"
read_as "$R" "Newsletter" 'I ticked «no more catalogues» by mistake, so: the newsletter again?' \
    "en-optin-news (optin-email) lang en" "guillemets quote too"
read_as "$R" "Newsletter" 'My form said "newsletter". Please send the newsletter again, but no more catalogues.' \
    "mixed (review) lang en" "a quotation closed before the stop quotes nothing of it"

# --- end to end, with the shipped rules ------------------------------
provenconf

MD="$T/Maildir"
mkmaildir "$MD"
mkproven "$MD/new/1.M1P1.fr" "newsletter" "Je souhaite recevoir à nouveau la newsletter. Par contre, plus de catalogue papier svp."
mkproven "$MD/new/2.M2P1.nl" "nieuwsbrief" "Ik wil de nieuwsbrief graag weer ontvangen. De papieren catalogus hoeft niet meer."
exits 0 "a sweep of two mixed wishes from a proven sender" mo sweep --json "$MD"
is "$(grep -c '"outcome":"queued"' "$T/out")" 2 "both are queued for a person"
is "$(grep -c '"rule":"mixed"' "$T/out")" 2 "as mixed wishes"
is "$(flags karin.meyer@meyer-labor.example)" "false false false" "no flag changed"
is "$(hist karin.meyer@meyer-labor.example)" "" "no history written"
is "$(count "$MD/.Unmatched/cur")" 2 "both went to .Unmatched for the operator"

mkproven "$MD/new/3.M3P1.nl" "nieuwsbrief" "Ik wil de nieuwsbrief graag weer ontvangen."
exits 0 "the opt-in alone" mo sweep --json "$MD"
like "$(cat "$T/out")" '"outcome":"applied"' "is applied"
is "$(flags karin.meyer@meyer-labor.example)" "true false false" "and turns the newsletter on"

done_testing
