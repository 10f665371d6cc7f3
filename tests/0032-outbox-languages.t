#!/bin/sh
# confirmations in the language of the rule that read the request: one request in each shipped language.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read the mail"
L="$FIX/languages"

mailconf
mo init >/dev/null
mo profile import "$L/profiles.csv" >/dev/null

# greeting LANG EMAIL: the confirmation to EMAIL starts with the words of LANG
for case in "de jonas.weber@weber-mess.example Guten Tag" \
    "fr claire.dubois@dubois-sa.example Bonjour" \
    "es lucia.garcia@garcia-sl.example Hola" \
    "it marco.bianchi@bianchi-srl.example Gentile" \
    "nl sanne.devries@devries-bv.example Geachte" \
    "pt joao.silva@silva-lda.example Olá"; do
	set -- $case
	lang=$1 addr=$2
	shift 2
	rm -rf "$T/sent"
	exits 0 "$lang: the request is handled" mo deliver < "$L/$lang.eml"
	body=$(/usr/bin/python3 - "$T/sent" "$addr" <<'PY'
import email, email.policy, glob, sys
for f in glob.glob(sys.argv[1] + "/mail.*"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    if m["To"].addresses[0].addr_spec == sys.argv[2]:
        print(m.get_body().get_content())
PY
)
	like "$body" "$*" "$lang: the confirmation is in that language"
done

done_testing
