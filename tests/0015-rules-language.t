#!/bin/sh
# The rule file language: define/{NAME}, '| branch' lines, lang, words,
# quote- markers; what rules check, show and explain say about them, and
# the errors, each with the file and line of the branch or definition at
# fault.
. "$srcdir/tests/lib.sh"

R="$T/rules"
mkdir -p "$R"
mkmsg() {
	printf 'From: Chris <chris@example.com>\nTo: sales@example.com\nSubject: %s\nMessage-ID: <%s@example.com>\n\n%s\n' \
	    "$1" "$$" "$2" > "$T/msg.eml"
}

# --- a file in the new form ----------------------------------------
cat > "$R/50-xx.rules" <<'EOF'
# a test language
lang de

define SENT  (?:[^.!?\n]|\n(?!\s*\n))
define UE    (?:ü|ue|u)
define STOP  (?:keine|nicht\s+mehr)
define OBJ   (?:newsletter|{UE}bersicht)

stop-objects  optout-email  subject,body  /
    # a comment between branches is allowed
    | \b{STOP}\b{SENT}{0,30}?\b{OBJ}\b
    | \babbestellen\b/i
single        optout-all    body          /\bgar\s+nichts\s+mehr\b/i
EOF
exits 0 "a file with define, lang and branches loads" mo --rules "$R" rules check
like "$(cat "$T/out")" "2 rules, all valid" "rules check counts its rules"

exits 0 "rules show" mo --rules "$R" rules show
like "$(cat "$T/out")" '50-xx.rules:9	de	stop-objects	optout-email	subject,body	/\b(?:keine|nicht\s+mehr)\b(?:[^.!?\n]|\n(?!\s*\n)){0,30}?\b(?:newsletter|(?:ü|ue|u)bersicht)\b|\babbestellen\b/i' \
    "rules show prints the pattern expanded, its branches joined, with file, line and lang"
unlike "$(cat "$T/out")" "{STOP}" "no {NAME} is left after expansion"

mkmsg "Frage" "Bitte keine weitere Uebersicht per Mail."
exits 0 "rules explain" mo --rules "$R" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "MATCH stop-objects" "explain: the rule matched"
like "$(cat "$T/out")" "branch 50-xx.rules:11" "explain names the line of the branch that matched"
like "$(cat "$T/out")" 'matched "keine weitere Uebersicht"' "explain shows the matched text"
like "$(cat "$T/out")" "winner: stop-objects (optout-email) lang de" "explain names the file's lang"

mkmsg "Newsletter" "Ich will den Newsletter abbestellen."
exits 0 "rules explain, second branch" mo --rules "$R" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "branch 50-xx.rules:12" "the second branch is named by its own line"
like "$(cat "$T/out")" 'matched "abbestellen"' "and its matched text"

# branches are matched one at a time: the match is still the leftmost
mkmsg "Frage" "Abbestellen bitte, und keine weitere Uebersicht."
exits 0 "rules explain, the later branch first in the text" mo --rules "$R" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "branch 50-xx.rules:12" "the branch that matches first in the text wins"
like "$(cat "$T/out")" 'matched "Abbestellen"' "with the text it matches there"

# --- errors ----------------------------------------------------------
bad() { # NAME EXPECTED-STDERR-PART DESCRIPTION; the file is on stdin
	mkdir -p "$T/$1"
	cat > "$T/$1/10-bad.rules"
	exits 65 "$3: rules check fails" mo --rules "$T/$1" rules check
	like "$(cat "$T/err")" "$2" "$3: the error names file and line"
}
bad undef "10-bad.rules:3: undefined name {NOPE}" "an undefined name" <<'EOF'
define A   abc
x  optout-all  body  /
    | {NOPE}
    | abc/i
EOF
bad later "10-bad.rules:1: undefined name {B}" "a name defined after its use" <<'EOF'
x  optout-all  body  /{B}/
define B   abc
EOF
bad branch "10-bad.rules:4: bad pattern: missing closing parenthesis at offset 5" "a broken branch" <<'EOF'
x  optout-all  body  /
    | abc
    | def
    | (?:gh
    | ijk/i
EOF
bad inname "10-bad.rules:3: bad pattern: two named subpatterns have the same name" "an error inside a name" <<'EOF'
define W   (?<n>a)
x  optout-all  body  /
    | foo{W}x{W}
    | bar/
EOF
like "$(cat "$T/err")" "at offset 7, in {W} (line 1)" "an error inside a name: it names the name and its line"
bad bar "10-bad.rules:1: {W} has a '|' outside any group" "a definition with a bare alternation" <<'EOF'
define W   a|b
EOF
bad lang "10-bad.rules:2: lang must come before the file's first rule" "lang after a rule" <<'EOF'
x  optout-all  body  /abc/
lang de
EOF
bad early "10-bad.rules:1: only the last branch ends in /flags" "a branch that closes the pattern early" <<'EOF'
x  optout-all  body  /abc/i
    | def/i
EOF
bad orphan "10-bad.rules:2: a '|' branch with no rule above it" "a branch line alone" <<'EOF'

    | abc/
EOF
mkdir -p "$T/scope"
printf 'define A   abc\n' > "$T/scope/10-a.rules"
printf 'y  optout-all  body  /{A}/\n' > "$T/scope/20-b.rules"
exits 65 "definitions are file-scoped" mo --rules "$T/scope" rules check
like "$(cat "$T/err")" "20-b.rules:1: undefined name {A}" "the other file's name is undefined"

# --- the prefilter says what it cannot read ------------------------------
mkdir -p "$T/pf"
cat > "$T/pf/10-pf.rules" <<'EOF'
ext   optout-all  body     /abc \s def/x
cond  optout-all  body     /(?(?=x)xyz|abc)/
none  optout-all  subject  /^\w+$/
hdr   ignore      header:X-Thing  /^/
EOF
exits 0 "rules that the prefilter cannot read still load" mo --rules "$T/pf" rules check
like "$(cat "$T/out")" "10-pf.rules:1: ext: prefilter: cannot read the x flag" "rules check names a rule with the x flag"
like "$(cat "$T/out")" "10-pf.rules:2: cond: prefilter: cannot read a condition" "and one with a condition"
unlike "$(cat "$T/out")" "none:" "a rule that needs no literal is named only under -v"
exits 0 "rules check -v" mo --rules "$T/pf" rules check -v
like "$(cat "$T/out")" "10-pf.rules:3: none: prefilter: no literal" "rules check -v names the rule that needs no literal"
unlike "$(cat "$T/out")" "hdr" "header rules are not the prefilter's"

# --- words: requests of a language the text is plainly not in are not read ---
mkdir -p "$T/lw"
cat > "$T/lw/10-pt.rules" <<'EOF'
lang pt
words o os um uma não que para com por obrigado
pt-guard   ignore       body  /\bregiste\b/i
pt-optin   optin-email  body  /\bregiste\b/i
EOF
cat > "$T/lw/20-pt2.rules" <<'EOF'
lang pt
pt-optin2  optin-email  body  /\bregisto\b/i
EOF
cat > "$T/lw/50-en.rules" <<'EOF'
lang en anywhere
words the and you your this that with have are from please
en-optin   optin-email  body  /\bsign\s+me\s+up\b/i
EOF
# the guard is ignore: move it away to see the request behind it
sed -i '/pt-guard/d' "$T/lw/10-pt.rules"
mkmsg "Offer" "You have registered with our partners and the offer is yours: please registe now, this is the last week."
exits 0 "rules explain, an English text" mo --rules "$T/lw" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "languages: pt 0 (its requests skipped), en 8" "explain counts the words of each language"
unlike "$(cat "$T/out")" "MATCH pt-optin" "a Portuguese request does not read an English text"
like "$(cat "$T/out")" "winner: none" "so nothing is read"
mkmsg "Registe" "registe"
exits 0 "rules explain, a text too short to tell" mo --rules "$T/lw" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: pt-optin (optin-email)" "a text too short to tell is read by every language"
mkmsg "Newsletter" "Olá, por favor registe o meu endereço para a newsletter, obrigado. Please sign me up."
exits 0 "rules explain, a Portuguese text" mo --rules "$T/lw" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: pt-optin (optin-email)" "the Portuguese request reads a Portuguese text"
mkmsg "Newsletter" "This is the offer you have from us with the partners: please sign me up, registo"
exits 0 "rules explain, a file of a language without words of its own" mo --rules "$T/lw" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: en-optin" "a lang anywhere file reads the English text"
mkmsg "Newsletter" "Bitte für den Newsletter: with the offer you have from us, registo, please"
printf 'lang pt\nwords obrigado\ng  ignore  body  /registo/i\n' > "$T/lw/05-g.rules"
exits 0 "rules explain, a guard" mo --rules "$T/lw" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: g (ignore)" "a guard reads every text, whatever its language"
printf 'words the\n' > "$T/lw/01-w.rules"
exits 65 "words before lang: rules check fails" mo --rules "$T/lw" rules check
like "$(cat "$T/err")" "01-w.rules:1: words before the file's lang line" "words before lang: the error names file and line"
printf 'lang xx\nwords the e-mail\n' > "$T/lw/01-w.rules"
exits 65 "a word with a hyphen: rules check fails" mo --rules "$T/lw" rules check
like "$(cat "$T/err")" "01-w.rules:2: 'e-mail' is not one word of letters" "a word with a hyphen: the error names file, line and word"

# --- the language a text is most written in reads it first ---
mkdir -p "$T/ord"
cat > "$T/ord/43-es.rules" <<'EOF'
lang es
words el los las y es por para con una que del
es-cat  optin-postal  body  /\bcat[aá]logo\b/i
EOF
cat > "$T/ord/46-pt.rules" <<'EOF'
lang pt
words o os um uma não que para com por obrigado
pt-cat  optin-postal  body  /\bcat[aá]logo\b/i
EOF
mkmsg "Catálogo" "Por favor, voltem a enviar o catálogo para a morada de sempre, obrigado."
exits 0 "rules explain, a Portuguese text some Spanish rules read" mo --rules "$T/ord" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "languages: es 2, pt 4" "both languages read it"
like "$(cat "$T/out")" "winner: pt-cat (optin-postal) lang pt" "the Portuguese rules read it first"
mkmsg "Catálogo" "Por favor, vuelvan a enviar el catálogo a la dirección de siempre, que es la misma."
exits 0 "rules explain, a Spanish text" mo --rules "$T/ord" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: es-cat (optin-postal) lang es" "the Spanish rules read a Spanish text first"
mkmsg "Catálogo" "catálogo"
exits 0 "rules explain, a text too short to tell" mo --rules "$T/ord" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: es-cat (optin-postal) lang es" "a tie keeps the files' order"

# --- quote- lines: the markers that cut what the writer did not write ---
mkdir -p "$T/q"
cat > "$T/q/50-pl.rules" <<'EOF'
lang pl
quote-attribution  w\s+dniu\s.*\spisze
quote-opens        w
quote-wrote        pisze
quote-marker       -{2,}\s*oryginalna wiadomo\S*\s*-{2,}
pl-out  optout-all  body  /\bwypisz\b/i
EOF
mkmsg "Re: oferta" "Dziekuje.

W dniu 4 marca 2024 Sklep <n@s.example> pisze:
> wypisz sie: odpowiedz WYPISZ"
exits 0 "rules explain, a reply under a Polish attribution" mo --rules "$T/q" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: none" "a marker from a rule file cuts the quote under it"
mkmsg "oferta" "Dziekuje.
----- Oryginalna wiadomosc -----
wypisz"
exits 0 "rules explain, a Polish separator line" mo --rules "$T/q" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: none" "a separator from a rule file cuts what follows"
mkmsg "oferta" "Prosze, wypisz mnie."
exits 0 "rules explain, the writer's own words" mo --rules "$T/q" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: pl-out" "what the writer wrote is still read"
printf 'quote-marker  (unclosed\n' > "$T/q/10-bad.rules"
exits 65 "a quote- line that does not compile: rules check fails" mo --rules "$T/q" rules check
like "$(cat "$T/err")" "10-bad.rules:1: bad pattern:" "a quote- line that does not compile: the error names file and line"

# --- rule files seen to compile whole ---------------------------------------
# Once a load has compiled every pattern, the identity of the files is
# kept beside the database, and later loads compile a pattern when it is
# first matched. A changed file is checked whole again.
mkdir -p "$T/seen"
mo init >/dev/null
printf 'lang en\n\nstop-all  optout-all  body  /\\bstop\\s+everything\\b/i\n' > "$T/seen/50-en.rules"
mkmsg "Hello" "Please stop everything."
exits 0 "a first load of new rule files" mo --rules "$T/seen" rules explain "$T/msg.eml"
is "$(stat -c %a "$T/db/mailopt.db-rules" 2>/dev/null)" "600" "it leaves the files' identity beside the database, for the owner only"
exits 0 "a later load of the same files" mo --rules "$T/seen" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: stop-all" "a pattern compiled when first matched matches as before"
chmod 0666 "$T/db/mailopt.db-rules"
exits 0 "a load beside a record others may write" mo --rules "$T/seen" rules explain "$T/msg.eml"
is "$(stat -c %a "$T/db/mailopt.db-rules")" "600" "the record is not believed: every pattern is compiled and it is written anew"
printf 'broken  optout-all  body  /(unclosed/\n' >> "$T/seen/50-en.rules"
exits 65 "a changed file with a bad pattern is checked whole again" mo --rules "$T/seen" rules explain "$T/msg.eml"
like "$(cat "$T/err")" "50-en.rules:4: bad pattern:" "and its error names file and line"
rm -f "$T/db/mailopt.db-rules"
sed -i '/^broken/d' "$T/seen/50-en.rules"
exits 0 "rules check" mo --rules "$T/seen" rules check
# a group may run across branch lines, its parentheses hidden in \cX
# escapes: such a rule is matched whole, as it always was
printf 'lang en\n\nacross  optout-all  body  /(foo\\c)\n    | \\c()bar/\n' > "$T/seen/60-x.rules"
exits 0 "a group across branches, with \\c) in it, loads" mo --rules "$T/seen" rules check
rm -f "$T/seen/60-x.rules"
is "$(stat -c %a "$T/db/mailopt.db-rules" 2>/dev/null)" "600" "rules check records that the files compile whole"

# --- the rules as loaded, kept between runs --------------------------------
# Rule files that stat(2) shows unchanged are not read again: the rules
# as loaded are kept beside the database. Files changed in the last two
# seconds are not kept, since a second change within one tick of the
# file clock would not show in their times.
mkdir -p "$T/cache"
printf 'lang en\n\nstop-all  optout-all  body  /\\bstop\\s+everything\\b/i\n' > "$T/cache/50-en.rules"
mkmsg "Hello" "Please stop everything."
K="$T/db/mailopt.db-rules.cache"
rm -f "$K"
exits 0 "a load of rule files written a moment ago" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  reads the files"
is "$(ls "$K" 2>/dev/null)" "" "  and does not keep them"
sleep 3
exits 0 "a load of the same files, settled" mo --rules "$T/cache" rules explain "$T/msg.eml"
is "$(stat -c %a "$K" 2>/dev/null)" "600" "  the rules as loaded are kept beside the database, for the owner only"
exits 0 "a later load" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, as kept in the rules cache" "  reads the kept rules"
like "$(cat "$T/out")" "winner: stop-all" "  which read the message as the files do"
touch "$T/cache/50-en.rules"
exits 0 "a load after the file was touched" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  reads the files again"
sleep 3
mo --rules "$T/cache" rules check >/dev/null
printf 'lang en\n\nstop-all  optout-all  body  /\\bstop\\s+anything\\b/i\n' > "$T/cache/50-en.rules.new"
mv "$T/cache/50-en.rules.new" "$T/cache/50-en.rules"
exits 0 "a load after the file was replaced (renamed over)" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: none" "  reads the new file"
printf 'lang en\n\nstop-all  optout-all  body  /\\bstop\\s+everything\\b/i\n' > "$T/cache/50-en.rules"
sleep 3
mo --rules "$T/cache" rules check >/dev/null
head -c 200 "$K" > "$K.cut" && cat "$K.cut" > "$K"
exits 0 "a load beside a cut copy" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  does not believe it"
is "$(( $(wc -c < "$K") > 200 ))" 1 "  and writes it anew"
# one byte of the header changed (the id): the header's sum tells
sed -i 's/stop-all/stop-now/' "$K"
exits 0 "a load beside a copy with a changed byte" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  does not believe it"
like "$(cat "$T/out")" "winner: stop-all" "  and reads the files"
# the compiled code is the last thing in the file but its closing NUL
size=$(wc -c < "$K")
printf 'XXXXXXXX' | dd of="$K" bs=1 seek=$((size - 9)) conv=notrunc 2>/dev/null
exits 0 "a load beside a copy whose compiled pattern is damaged" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: stop-all" "  compiles the pattern again from its text"
mo --rules "$T/cache" rules check >/dev/null
chmod 0666 "$K"
exits 0 "a load beside a copy others may write" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  does not believe it"
rm -f "$K"
: > "$K.new"
exits 0 "a load while another writes the copy" mo --rules "$T/cache" rules check
is "$(ls "$K" 2>/dev/null)" "" "  leaves the writing to it"
touch -d '2 minutes ago' "$K.new"
exits 0 "a load beside what a killed writer left" mo --rules "$T/cache" rules check
is "$(stat -c %a "$K" 2>/dev/null):$(ls "$K.new" 2>/dev/null)" "600:" "  takes it over"
rm -f "$T/db/mailopt.db-rules"
exits 0 "a load with the record of compiling whole gone" mo --rules "$T/cache" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "rules: 1, read from the files" "  does not believe the copy either"

# --- own-language-only ---------------------------------------------------
# Rules below an own-language-only line read only mail their file's
# words say may be in its language, even in a file that reads anywhere.
mkdir -p "$T/own"
printf 'lang en anywhere\nwords the and you please with this that\n\nloan-word  optout-all  body  /\\bnewsletter\\s+stop\\b/i\n\nown-language-only\n\nsentence  optout-email  body  /\\bnewsletter\\s+halt\\b/i\n' > "$T/own/50-en.rules"
printf 'lang de\nwords der die das und bitte mit ich nicht\n' > "$T/own/41-de.rules"
exits 0 "a file with an own-language-only line loads" mo --rules "$T/own" rules check
mkmsg "Hallo" "Bitte den Newsletter halt abbestellen, ich will das nicht und die Post auch nicht."
exits 0 "rules explain, German text" mo --rules "$T/own" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: none" "  a rule below the line does not read another language's text"
mkmsg "Hallo" "Bitte den Newsletter stop, ich will das nicht und die Post auch nicht."
exits 0 "rules explain, German text, a loan word" mo --rules "$T/own" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: loan-word" "  a rule above it still reads any language (anywhere)"
mkmsg "Hello" "Please, the newsletter halt, and this with that: you know the drill."
exits 0 "rules explain, English text" mo --rules "$T/own" rules explain "$T/msg.eml"
like "$(cat "$T/out")" "winner: sentence" "  a rule below the line reads its own language"
printf 'own-language-only\nlang en\n' > "$T/own/60-x.rules"
exits 65 "own-language-only before the file's lang line" mo --rules "$T/own" rules check
like "$(cat "$T/err")" "60-x.rules:1: want: own-language-only" "  is an error at its line"
rm -f "$T/own/60-x.rules"

# --- lang picks the confirmation's template --------------------------------
mailconf
mo init >/dev/null
mo profile import "$FIX/languages/profiles.csv" >/dev/null
mkdir -p "$T/it"
printf 'lang it\n\nstop-everything  optout-all  subject  /verteiler/i\n' > "$T/it/50-x.rules"
exits 0 "a request read by a rule of a lang it file" mo --rules "$T/it" deliver < "$FIX/languages/de.eml"
like "$(cat "$T"/sent/mail.*)" "Gentile" "the confirmation is Italian, though the rule id names no language"

done_testing
