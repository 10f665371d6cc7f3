#!/bin/sh
# Refusals: an opt-in read under a negation in its clause ("do not sign
# me up again") or in a sentence that reports our question ("you asked
# whether I'd like to opt back in") changes no flag; negation,
# conjunction and reported lines of the rule files, in the languages the
# text may be written in.
. "$srcdir/tests/lib.sh"

# --- the check, on rules of its own ----------------------------------
R="$T/rules"
mkdir -p "$R"
cat > "$R/41-de.rules" <<'EOF'
lang de
words der die das und ist nicht ich sie wir bitte mich mir den

define NEG  (?:nicht|kein\w*)
negation    {NEG}|nie|nein
conjunction aber|und
reported    (?:Sie\s+fragen|fragen\s+Sie),?\s+ob
told        (?:ich|wir)\s+(?:habe|hatte)\s+(?:\w+\s+){0,6}?(?:gebeten|abbestellt)

de-optin-again  optin-email   body  /\bwieder\s+an(?:melden)?\b/i
de-optout-kat   optout-postal body  /\bkeine\s+kataloge\s+mehr\b/i
# reads the wish by looking ahead, past the end of its sentence
de-optin-told   optin-postal  body  /\bich\s+hatte\s+(?:\w+\s+){1,3}abbestellt\.\s(?=[^.]*\bwieder\b)/i
# the same, to the end of its clause
de-optin-told-clause  optin-email  body  /\bich\s+hatte\s+(?:\w+\s+){1,3}abbestellt\s+-\s(?=[^.]*\bwieder\b)/i
EOF
cat > "$R/43-es.rules" <<'EOF'
lang es
words el los las y es por para con una que del
negation    no|nunca
EOF
cat > "$R/46-pt.rules" <<'EOF'
lang pt
words o os um uma que para com por da dos das em na meu minha obrigado
negation    n[aã]o|nunca
conjunction mas|e
pt-optin-back  optin-all  body  /\bre(?:a|ac)tiv\w+/i
EOF
exits 0 "rule files with negation and conjunction lines load" \
    mo --rules "$R" rules check

read_as "$R" "Newsletter" "Bitte melden Sie mich wieder an." \
    "de-optin-again (optin-email) lang de" "an opt-in with no negation is read"

read_as "$R" "Newsletter" "Bitte melden Sie mich nicht wieder an." \
    "refusal (ignore) lang de" "under a negation in its clause it is a refusal"
like "$(cat "$T/explain")" "MATCH de-optin-again" "explain shows the opt-in that matched"
like "$(cat "$T/explain")" 'MATCH refusal                          ignore             41-de.rules:10 on body' \
    "and the refusal, at the opt-in rule's line"
like "$(cat "$T/explain")" 'matched "Bitte melden Sie mich nicht wieder an"' "with the clause read"

read_as "$R" "Newsletter" "Bitte melden Sie mich auf keinen Fall wieder an." \
    "refusal (ignore) lang de" "a negation given by a name ({NEG}) counts"

read_as "$R" "Newsletter" "Ich bekomme keine Mails mehr, bitte melden Sie mich wieder an." \
    "de-optin-again (optin-email) lang de" "a negation before a comma is another clause"

read_as "$R" "Newsletter" "Ich bekomme keine Mails mehr und melde mich wieder an" \
    "de-optin-again (optin-email) lang de" "so is one before a conjunction"

read_as "$R" "Newsletter" "Ich bekomme keine Mails mehr 😕 melde mich wieder an" \
    "de-optin-again (optin-email) lang de" "and one before an emoji"

read_as "$R" "Newsletter" "Ich werde mich nicht, wie Sie vorschlagen, wieder anmelden." \
    "refusal (ignore) lang de" "a negation ending the clause before an insertion set off by commas counts"

read_as "$R" "Newsletter" "Nein, bitte melden Sie mich wieder an." \
    "de-optin-again (optin-email) lang de" "a negation standing alone before a comma does not"

read_as "$R" "Newsletter" "Wieder anmelden? Nein danke." \
    "refusal (ignore) lang de" "a question answered with a negation is a refusal"

read_as "$R" "Newsletter" "Wieder anmelden? Ja, gern." \
    "de-optin-again (optin-email) lang de" "one answered yes is a wish"

read_as "$R" "Newsletter" "Können Sie mich wieder anmelden? Nicht jeder Link bei Ihnen funktioniert." \
    "de-optin-again (optin-email) lang de" "a sentence a negation opens is no answer"

read_as "$R" "Newsletter" "Bitte melden Sie anna@nie.example wieder an." \
    "de-optin-again (optin-email) lang de" "a negation word inside an address is none"

read_as "$R" "Newsletter" 'Ihr Link „jetzt wieder anmelden“ führt ins Leere.' \
    "reported (ignore) lang de" "an opt-in inside quotation marks is cited, not a wish"

read_as "$R" "Katalog" "Bitte melden Sie mich nicht wieder an, und keine Kataloge mehr." \
    "de-optout-kat (optout-postal) lang de" \
    "a refused opt-in leaves the message to the rules after it"

read_as "$R" "Katalog" "Ich hatte den Katalog abbestellt. Nun bitte doch wieder, nicht nur online." \
    "de-optin-told (optin-postal) lang de" \
    "a match that ends with its sentence read on by looking ahead: not checked"

read_as "$R" "Newsletter" "Sie fragen, ob ich mich wieder anmelden will. Nein danke." \
    "reported (ignore) lang de" \
    "an opt-in in a sentence that reports our question is no wish of the writer's"
like "$(cat "$T/explain")" 'matched "Sie fragen, ob ich mich wieder anmelden"' \
    "explain shows the sentence read"
read_as "$R" "Newsletter" "Sie fragen, ob alles gut ankam. Ja, und bitte melden Sie mich wieder an." \
    "de-optin-again (optin-email) lang de" \
    "a question reported in another sentence leaves the wish as it is"
read_as "$R" "Katalog" "Ich hatte Sie gebeten, mir keine Kataloge mehr zu schicken." \
    "told (review) lang de" \
    "an opt-out told as the writer's past is a story: alone, it goes to a person"
like "$(cat "$T/explain")" 'matched "Ich hatte Sie gebeten, mir keine Kataloge mehr"' \
    "explain shows the story read, from the start of its clause"
read_as "$R" "Katalog" "Ich hatte Sie gebeten, mir keine Kataloge mehr zu schicken. Also nochmals: keine Kataloge mehr!" \
    "de-optout-kat (optout-postal) lang de" \
    "the rule reads on after a story: the wish that follows counts"
read_as "$R" "Newsletter" "Ich hatte den Newsletter abbestellt - bitte doch wieder." \
    "de-optin-told-clause (optin-email) lang de" \
    "an opt-in that reads the story to the end of its clause, to reach the wish after it, is not one"
read_as "$R" "Katalog" "Zu meiner Bitte von gestern: keine Kataloge mehr." \
    "de-optout-kat (optout-postal) lang de" "an opt-out with no told word is a wish"

read_as "$R" "Newsletter" "Sie fragen, ob ich mich wieder anmelden will. Ja, bitte melden Sie mich wieder an." \
    "de-optin-again (optin-email) lang de" \
    "after a refused match the rule reads on: the writer's own wish that follows counts"
like "$(cat "$T/explain")" 'matched "wieder an"' "explain shows the match read on"
read_as "$R" "Newsletter" "In Ihrem Brief vom 4. März fragen Sie, ob ich mich wieder anmelden möchte" \
    "reported (ignore) lang de" \
    "the full stop of an ordinal ends no sentence"

# the languages the text may be written in: "no" negates in Spanish,
# and is "in the" in Portuguese
read_as "$R" "Re: newsletter" "No, gracias, no me reactiven la suscripción." \
    "refusal (ignore) lang pt" \
    "a short text: a negation of any language counts, so another language's opt-in does not read it"
read_as "$R" "newsletter" "Olá, cliquei no link errado e quero que reativem a minha newsletter para a minha caixa, obrigado." \
    "pt-optin-back (optin-all) lang pt" \
    "a text plainly in one language: another language's negation is no word of it"

bad() { # NAME WANT DESC, the file on stdin
	mkdir -p "$T/$1"
	cat > "$T/$1/10-x.rules"
	exits 65 "$3" mo --rules "$T/$1" rules check
	like "$(cat "$T/err")" "$2" "$3: said at its line"
}
bad nolang "10-x.rules:1: negation before the file's lang line" \
    "negation before lang is an error" <<'EOF'
negation nicht
EOF
bad badpat "10-x.rules:2: bad pattern: missing closing parenthesis" \
    "a negation that does not compile is an error" <<'EOF'
lang de
negation (nicht
EOF
bad empty "10-x.rules:2: want: conjunction pattern" \
    "a conjunction line with no pattern is an error" <<'EOF'
lang de
conjunction
EOF
bad noname "10-x.rules:2: undefined name {NEG}" "an unknown name is an error" <<'EOF'
lang de
negation {NEG}
EOF

# --- end to end, with the shipped rules ------------------------------
provenconf

MD="$T/Maildir"
mkmaildir "$MD"
mkproven "$MD/new/1.M1P1.es" "Re: ¿Quiere reactivar su suscripción?" "No, gracias, no me reactiven la suscripción. Estoy bien así."
mkproven "$MD/new/2.M2P1.en" "newsletter" "Please do not resubscribe me to the newsletter."
mkproven "$MD/new/3.M3P1.de" "Newsletter" "Bitte tragen Sie mich nicht wieder in den Verteiler ein."
mkproven "$MD/new/4.M4P1.fr" "newsletter" "Merci de ne pas me réabonner à la newsletter."
mkproven "$MD/new/5.M5P1.en" "Your call" "Thanks for phoning. You asked whether I would like to get the catalogue and the newsletter again; as I said, I am fine as things are."
for i in 1 2; do
	# the second sweep reads the rules from the cache beside the database
	exits 0 "sweep $i of refusals from a proven sender" mo sweep --json "$MD"
	is "$(grep -c '"outcome":"ignored"' "$T/out")" 5 "sweep $i: all five are no request"
	# the Spanish one read by a Portuguese opt-in rule, the others by the
	# refusal rules of their own languages
	like "$(grep '1.M1P1.es' "$T/out")" '"rule":"refusal"' "sweep $i: the Spanish one is a refusal"
	like "$(grep '5.M5P1.en' "$T/out")" '"rule":"reported"' "sweep $i: the question reported is no wish"
	is "$(flags karin.meyer@meyer-labor.example)" "false false false" "sweep $i: no flag changed"
	is "$(hist karin.meyer@meyer-labor.example)" "" "sweep $i: no history written"
	is "$(count "$MD/new")" 0 "sweep $i: the messages left new/"
	mv "$MD/cur/"* "$MD/new/" 2>/dev/null
	for f in "$MD/new/"*; do mv "$f" "${f%%:*}"; done
done

# an opt-out told as the writer's past, with no wish after it: a person
# reads it (it may be an opt-out not honoured), no flag changes
rm -f "$MD/new/"*
mkproven "$MD/new/6.M6P1.es" "Mis datos" "Hace un tiempo les pedí que no pasaran mis datos a sus socios. Sigo recibiendo ofertas de ellos."
exits 0 "sweep of an opt-out told as history" mo sweep --json "$MD"
like "$(cat "$T/out")" '"outcome":"queued"' "it is queued for a person"
like "$(cat "$T/out")" '"rule":"told"' "as a story told"
is "$(flags karin.meyer@meyer-labor.example)" "false false false" "no flag changed"

done_testing
