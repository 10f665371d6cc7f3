#!/bin/sh
# confirmations in the language of the rule that read the request: one request in each shipped language;
# a text too short to be plainly in a language is answered in the one whose words it has, not in
# that of the first rule to read it, when it is applied and when an operator assigns it.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read the mail"
L="$FIX/languages"

mailconf
mo init >/dev/null
mo profile import "$L/profiles.csv" >/dev/null

# body EMAIL: the body of the confirmation sent to EMAIL
body() {
	/usr/bin/python3 - "$T/sent" "$1" <<'PY'
import email, email.policy, glob, sys
for f in glob.glob(sys.argv[1] + "/mail.*"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    if m["To"].addresses[0].addr_spec == sys.argv[2]:
        print(m.get_body().get_content())
PY
}

# greeting LANG EMAIL: the confirmation to EMAIL starts with the words of LANG
for case in "de jonas.weber@weber-mess.example Guten Tag" \
    "fr claire.dubois@dubois-sa.example Bonjour" \
    "es lucia.garcia@garcia-sl.example Hola" \
    "it marco.bianchi@bianchi-srl.example Gentile" \
    "nl sanne.devries@devries-bv.example Geachte" \
    "pt joao.silva@silva-lda.example Olá" \
    "en-short ella.short@short-ltd.example Hello" \
    "de-short lena.kurz@kurz-gmbh.example Guten Tag"; do
	set -- $case
	lang=$1 addr=$2
	shift 2
	rm -rf "$T/sent"
	exits 0 "$lang: the request is handled" mo deliver < "$L/$lang.eml"
	like "$(body "$addr")" "$*" "$lang: the confirmation is in that language"
done

# "Newsletter stop please" is read by a German rule (the English rules,
# read first, have no phrasing of it) but has only English words:
# answered in English
is "$(mo rules explain "$L/en-short.eml" | sed -n 's/^winner: //p')" \
    "de-concept-optout-email (optout-email) lang de, answered in en" \
    "rules explain names the language it is answered in"

# the same from an address not on file is queued; assigned, it is answered in English too
rm -rf "$T/sent"
exits 0 "en-short from an unknown address is handled" mo deliver < "$L/en-short-unknown.eml"
is "$(mo queue list | sed -n 's/^#\([0-9]*\) .*/\1/p')" 1 "  and queued"
exits 0 "  assigned by an operator" mo queue assign 1 owen.jones@jones-eng.example --operator alice
like "$(body owen.jones@jones-eng.example)" "Hello" "  the confirmation is in English"

done_testing
