#!/bin/sh
# A question beside a request does not hold the request back: the
# data-protection law named, the right to object, "I never signed up"
# are read after the requests of their language, so a stop that comes
# with them is applied; alone they go to a person (review). Nor does a
# subject, which names a topic, decide an opt-in the body refuses.
. "$srcdir/tests/lib.sh"
R="$srcdir/rules"

acts_as "$R" "Stop" "I never signed up for this. Stop emailing me." \
    optout-email "never signed up, with a stop: the stop"
acts_as "$R" "Your mail" "I never signed up for this. How did you get my address?" \
    review "never signed up, alone: a person"
acts_as "$R" "Datenschutz" "Der Weitergabe meiner Daten an Partnerunternehmen für deren Werbung widerspreche ich hiermit (Art. 21 Abs. 2 DSGVO). Newsletter und Katalog möchte ich weiter bekommen." \
    optout-thirdparty "an objection citing the DSGVO: the third-party opt-out"
acts_as "$R" "Anfrage" "Bitte teilen Sie mir gemäß DSGVO mit, welche Daten Sie über mich gespeichert haben." \
    review "an access request under the DSGVO: a person"
acts_as "$R" "Revoca consenso" "$(printf 'Buongiorno,\nrevoco il consenso alla comunicazione dei miei dati personali a società terze e partner per le loro finalità promozionali.\nCordiali saluti\nFrancesca De Luca\n\nInformativa privacy ai sensi del Regolamento UE 2016/679 disponibile sul nostro sito.')" \
    optout-thirdparty "a withdrawn consent signed with a notice citing the GDPR: the opt-out"
acts_as "$R" "Opposition" "J'exerce par la présente mon droit d'opposition à la transmission de mes coordonnées à vos partenaires commerciaux." \
    optout-thirdparty "the right to object named, for the partners: the third-party opt-out"
acts_as "$R" "RGPD" "Conformément au RGPD, merci de m'indiquer l'origine de mes données." \
    review "the RGPD named with no request: a person"
acts_as "$R" "Carta sobre reativação da subscrição" "Recebi a vossa carta a convidar-me a reativar a subscrição do catálogo. Não pretendo reativar nada." \
    ignore "a subject naming an opt-in the body refuses: no change"
acts_as "$R" "Newsletter sign-up" "Hello, please add jonas.berg@example.no to your email newsletter. Regards, Jonas" \
    optin-email "a subject naming an opt-in the body asks for: the opt-in"
done_testing
