#!/bin/sh
# Several stops in one sentence are one request for all the channels they
# name ("no more e-mails, no catalogues, and do not pass my address on"),
# whichever rule reads the first of them; a stop in another sentence, or
# a channel kept, does not widen it.
. "$srcdir/tests/lib.sh"
R="$srcdir/rules"

acts_as "$R" "Werbung" "Ich will nichts mehr bekommen – keine Mails, keine Kataloge, gar nichts – und meine Adresse geben Sie bitte an niemanden mehr weiter." \
    optout-all "German: e-mail, catalogues and the partners in one sentence"
acts_as "$R" "Catalogue" "Please stop sending the printed catalogue. The newsletter is fine, keep that coming." \
    optout-postal "a stop and a channel kept: the stop alone"
acts_as "$R" "Volantini" "Vi sarei grato se non mi mandaste più volantini e prospetti nella bucalettere. La newsletter va benissimo, basta quella." \
    optout-postal "Italian: the newsletter kept in the next sentence"

# rules explain shows the stops beside the first
mkproven "$T/m.eml" "Werbung" "Ich will nichts mehr bekommen – keine Mails, keine Kataloge, gar nichts – und meine Adresse geben Sie bitte an niemanden mehr weiter."
mo --rules "$R" rules explain "$T/m.eml" > "$T/explain" 2>&1
is "$(grep -c '^  MATCH' "$T/explain")" 3 "explain shows the two stops read beside the first"
like "$(cat "$T/explain")" "winner: de-optout-thirdparty (optout-all)" \
    "and the rule that read the first, with the action for all three"
acts_as "$R" "Preferences" "I'd like to withdraw every marketing permission I've given you: the e-newsletter, the paper catalogue, and the partner offers." \
    optout-all "a wish to withdraw every channel is no wish to get them back"
done_testing
