#!/bin/sh
# Replies: a subject with a reply or forward prefix is inherited, not the
# writer's words, and never decides alone; a reply to one of mailopt's own
# confirmations is read by its body only — "Thanks!" under "Re:
# Unsubscribe" changes nothing, while a body that asks for something is
# read as it asks.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read the mail"
OB="$FIX/outbox"
MARGARET=margaret.hale@example.com

mailconf
mo init >/dev/null && mo profile import "$OB/profiles.csv" >/dev/null ||
	{ echo "Bail out! setup failed"; exit 99; }

exits 0 "an opt-out is applied" mo deliver < "$OB/optout.eml"
conf=$(ls "$T"/sent/mail.* 2>/dev/null | head -n 1)
[ -n "$conf" ] && pass "a confirmation went out" || fail "a confirmation went out"
cid=$(mc "$conf" message-id)
csubj=$(mc "$conf" subject)
like "$cid" ".mailopt@nordwind.example>" "  with mailopt's own Message-ID"
exits 0 "the operator puts e-mail back on" mo profile set "$MARGARET" marketing_email=1 --reason "phoned"

# reply SUBJECT BODY [IN-REPLY-TO]: a reply from Margaret
reply() {
	printf 'From: Margaret Hale <%s>\nTo: sales@nordwind.example\nSubject: %s\nMessage-ID: <r%s@mail.example.com>\n%sContent-Type: text/plain; charset=utf-8\n\n%s\n' \
	    "$MARGARET" "$1" "$(date +%s%N)" "${3:+In-Reply-To: $3
References: $3
}" "$2"
}

reply "Re: $csubj" "Thanks!" "$cid" > "$T/r1"
exits 1 "a thank-you to the confirmation is not a request" mo deliver < "$T/r1"
is "$(flags $MARGARET)" "true false false" "  the flags stay as the operator left them"

reply "Re: Re: Unsubscribe" "Thanks!" > "$T/r2"
exits 1 "\"Re: Re: Unsubscribe\" with a thank-you is not a request" mo deliver < "$T/r2"
is "$(flags $MARGARET)" "true false false" "  the flags stay"

reply "AW: Newsletter abbestellen" "Vielen Dank!" > "$T/r3"
exits 1 "a German reply prefix likewise" mo deliver < "$T/r3"

reply "Unsubscribe" "Thanks!" "$cid" > "$T/r4"
exits 1 "the confirmation's own subject without Re: is still inherited" mo deliver < "$T/r4"

reply "Re: $csubj" "Please unsubscribe me from everything after all." "$cid" > "$T/r5"
exits 0 "a reply that asks in its body is read" mo deliver < "$T/r5"
is "$(flags $MARGARET)" "false false false" "  and applied"

reply "Re: Unsubscribe" "Thanks!" "<newsletter-2025-11@nordwind.example>" > "$T/r6"
mo profile set "$MARGARET" marketing_email=1 >/dev/null
exits 1 "a prefixed subject on a reply to anything else is inherited too" mo deliver < "$T/r6"
is "$(flag $MARGARET marketing_email)" "true" "  nothing changes"

done_testing
