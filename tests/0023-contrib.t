#!/bin/sh
# The integration examples in contrib/ work as they are: the procmail
# recipes (deliver and filter) and the maildrop recipe run for real on
# test messages, the ~/.forward line through sh, the crontab commands,
# and the systemd units pass systemd-analyze verify and run (but the IMAP
# one, which would need a server). Each part is skipped when its tool is
# missing. The files name /usr/local/bin/mailopt and
# /var/mail/sales/Maildir; the test puts the built mailopt and a scratch
# Maildir in their place. The sample shows every setting, and the IMAP
# example settings are a config mailopt reads.
. "$srcdir/tests/lib.sh"

C=$(cd "$srcdir/contrib" && pwd)
P="$FIX/procmail"
PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
MAILDROP=${MAILDROP:-/usr/bin/maildrop}
RULES=$(cd "$MAILOPT_RULES" && pwd)

# fresh: a new database with the procmail fixtures' profiles.
fresh() {
	rm -rf "$T/db"
	mo init >/dev/null && mo profile import "$P/profiles.csv" >/dev/null ||
		{ echo "Bail out! cannot set up the database"; exit 99; }
}

# stub CODE: a mailopt that reads its input and exits CODE.
stub() {
	printf '#!/bin/sh\ncat >/dev/null\nexit %s\n' "$1" > "$T/stub$1"
	chmod +x "$T/stub$1"
	echo "$T/stub$1"
}

# delivered DIR: how many messages are in DIR's Maildir folders.
delivered() {
	find "$1" -type f -path '*/new/*' | wc -l | tr -d ' '
}

# procmail_rc DIR RECIPE MAILOPT: DIR/rc sets up what mailopt needs
# (procmail clears the environment) and includes contrib's RECIPE.
procmail_rc() {
	mkdir -p "$1/Mail"
	{
		printf 'SHELL=/bin/sh\nPATH=/usr/bin:/bin\n'
		printf 'MAILDIR=%s\nDEFAULT=$MAILDIR/\nLOGFILE=%s\n' "$1/Mail" "$1/log"
		printf 'MAILOPT_DB=%s\nMAILOPT_RULES=%s\nMAILOPT_CONFIG=%s\n' \
			"$MAILOPT_DB" "$RULES" "$MAILOPT_CONFIG"
		printf 'MAILOPT=%s\nINCLUDERC=%s\n' "$3" "$C/$2"
	} > "$1/rc"
}

# via_procmail DIR MSG: deliver MSG with DIR/rc.
via_procmail() {
	env -i PATH=/usr/bin:/bin HOME="$1" "$PROCMAIL" -m "$1/rc" < "$2"
}

# --- procmail ------------------------------------------------------------
if [ -x "$PROCMAIL" ]; then
	fresh
	D="$T/pd"
	procmail_rc "$D" procmailrc.deliver "$MAILOPT"
	exits 0 "procmailrc.deliver: an opt-out" via_procmail "$D" "$P/optout.eml"
	is "$(delivered "$D")" 0 "procmailrc.deliver: the request is consumed"
	is "$(flag margaret.hale@example.com marketing_email)" false \
		"procmailrc.deliver: and applied"
	exits 0 "procmailrc.deliver: a question" via_procmail "$D" "$P/question.eml"
	if cmp -s "$(find "$D/Mail/new" -type f)" "$P/question.eml"; then
		pass "procmailrc.deliver: the question reaches the inbox as it was"
	else
		fail "procmailrc.deliver: the question reaches the inbox as it was"
	fi
	procmail_rc "$D" procmailrc.deliver "$(stub 75)"
	exits 75 "procmailrc.deliver: mailopt's 75 is procmail's" \
		via_procmail "$D" "$P/question.eml"
	is "$(delivered "$D")" 1 "procmailrc.deliver: and nothing is delivered"
	procmail_rc "$D" procmailrc.deliver "$(stub 78)"
	exits 0 "procmailrc.deliver: another failure" via_procmail "$D" "$P/question.eml"
	is "$(delivered "$D")" 2 "procmailrc.deliver: delivers to the inbox, losing nothing"

	fresh
	D="$T/pf"
	procmail_rc "$D" procmailrc.filter "$MAILOPT"
	for x in "optout .Processed" "stranger .Unmatched" "question -" "forged -"; do
		set -- $x
		exits 0 "procmailrc.filter: $1" via_procmail "$D" "$P/$1.eml"
	done
	is "$(delivered "$D/Mail/.Processed") $(delivered "$D/Mail/.Unmatched") $(count "$D/Mail/new")" \
		"1 1 2" "procmailrc.filter: filed by the result, a forged header in the inbox"
	like "$(head -n 1 "$(find "$D/Mail/.Processed/new" -type f)")" \
		"X-Mailopt-Result: applied" "procmailrc.filter: the header is on top"
	procmail_rc "$D" procmailrc.filter "$(stub 75)"
	exits 75 "procmailrc.filter: a message mailopt could not read now: 75" \
		via_procmail "$D" "$P/question.eml"
	is "$(delivered "$D")" 4 "procmailrc.filter: and nothing is delivered"

	# ~/.forward: the one line, as the MTA runs it. procmail would read
	# the rcfile in the home of the user running the test (root's, in a
	# container): -m names the test's instead.
	fresh
	D="$T/fwd"
	procmail_rc "$D" procmailrc.deliver "$MAILOPT"
	cmd=$(sed -n 's/^"|\(.*\)"$/\1/p' "$C/dot-forward" |
		sed -e "s|/usr/bin/procmail|$PROCMAIL|" -e "s| -f- | -f- -m $D/rc |")
	like "$cmd" "procmail -f- -m $D/rc || exit 75" "dot-forward pipes to procmail"
	exits 0 "dot-forward: an opt-out" \
		env -i PATH=/usr/bin:/bin HOME="$D" /bin/sh -c "$cmd" < "$P/optout.eml"
	is "$(flag margaret.hale@example.com marketing_email) $(delivered "$D")" "false 0" \
		"dot-forward: the request is applied and consumed"
	exits 0 "dot-forward: a question" \
		env -i PATH=/usr/bin:/bin HOME="$D" /bin/sh -c "$cmd" < "$P/question.eml"
	is "$(delivered "$D")" 1 "dot-forward: the question is delivered"
	cmd=$(printf '%s\n' "$cmd" | sed "s|$PROCMAIL|$T/no/procmail|")
	exits 75 "dot-forward: no procmail to run defers the mail (75)" \
		env -i PATH=/usr/bin:/bin HOME="$D" /bin/sh -c "$cmd" < "$P/question.eml"
else
	pass "# SKIP no procmail at $PROCMAIL"
fi

# --- maildrop --------------------------------------------------------------
if [ -x "$MAILDROP" ]; then
	fresh
	D="$T/md"
	mkmaildir "$D/Maildir"
	# mailfilter MAILOPT: the user's filter including contrib's recipe;
	# maildrop wants it private
	mailfilter() {
		printf 'DEFAULT="%s/"\nMAILOPT="%s"\ninclude "%s"\n' \
			"$D/Maildir" "$1" "$C/maildroprc" > "$D/mailfilter"
		chmod 600 "$D/mailfilter"
	}
	mailfilter "$MAILOPT"
	exits 0 "maildroprc: an opt-out" "$MAILDROP" "$D/mailfilter" < "$P/optout.eml"
	is "$(delivered "$D")" 0 "maildroprc: the request is consumed"
	is "$(flag margaret.hale@example.com marketing_email)" false "maildroprc: and applied"
	exits 0 "maildroprc: a question" "$MAILDROP" "$D/mailfilter" < "$P/question.eml"
	is "$(delivered "$D")" 1 "maildroprc: the question is delivered"
	mailfilter "$(stub 75)"
	exits 75 "maildroprc: mailopt's 75 is maildrop's" \
		"$MAILDROP" "$D/mailfilter" < "$P/question.eml"
	is "$(delivered "$D")" 1 "maildroprc: and nothing is delivered"
	mailfilter "$(stub 78)"
	exits 0 "maildroprc: another failure" "$MAILDROP" "$D/mailfilter" < "$P/question.eml"
	is "$(delivered "$D")" 2 "maildroprc: delivers, losing nothing"
else
	pass "# SKIP no maildrop at $MAILDROP"
fi

# --- cron and systemd: the commands, run --------------------------------
fresh
MD="$T/sales/Maildir"
mkmaildir "$MD"
printf '#!/bin/sh\ncat >> "%s"\n' "$T/sent" > "$T/sendmail"
chmod +x "$T/sendmail"
printf 'from = sales@nordwind.example\nsendmail = %s\ntemplates = %s\n' \
	"$T/sendmail" "$(cd "$srcdir/templates" && pwd)" > "$MAILOPT_CONFIG"

# here FILE: FILE with the built mailopt and the scratch Maildir in place.
here() {
	sed -e "s|/usr/local/bin/mailopt|$MAILOPT|g" -e "s|/var/mail/sales/Maildir|$MD|g" "$1"
}

here "$C/crontab" | grep -v '^#' | grep . > "$T/crontab"
is "$(wc -l < "$T/crontab" | tr -d ' ')" 3 "crontab: three jobs"
bad=$(awk '{
	for (i = 1; i <= 5; i++)
		if ($i !~ /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,[0-9]+(-[0-9]+)?(\/[0-9]+)?)*$/)
			print NR ": " $i
}' "$T/crontab")
is "$bad" "" "crontab: five time fields on every line"
cp "$P/optout.eml" "$MD/new/1716000000.M1P1.test"
n=0
while read -r m h dom mon dow cmd; do
	n=$((n + 1))
	exits 0 "crontab line $n runs: ${cmd%% >*}" /bin/sh -c "$cmd"
done < "$T/crontab"
is "$(count "$MD/.Processed/cur")" 1 "crontab: the sweep filed the request"
like "$(cat "$T/sent" 2>/dev/null)" "To: " "crontab: and the confirmation went out"

if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$T/units"
	for u in mailopt-sweep.service mailopt-sweep.timer mailopt-outbox.service \
	    mailopt-outbox.timer mailopt-imap-idle.service; do
		here "$C/$u" > "$T/units/$u"
	done
	# --man=no: the manual is not installed here
	exits 0 "systemd-analyze verify accepts the units" \
		systemd-analyze verify --man=no "$T/units/"*.service "$T/units/"*.timer
	is "$(cat "$T/err")" "" "  without a word"
	for u in mailopt-sweep.service mailopt-outbox.service; do
		cmd=$(sed -n 's/^ExecStart=//p' "$T/units/$u")
		exits 0 "$u: ExecStart runs" /bin/sh -c "$cmd"
	done
	like "$(sed -n 's/^ExecStart=//p' "$T/units/mailopt-imap-idle.service")" \
		"$MAILOPT sweep --idle" "mailopt-imap-idle.service: runs sweep --idle"
else
	pass "# SKIP no systemd-analyze"
fi
# the signal that lets the sweep finish its batch and exit 0, named
like "$(grep '^KillSignal=' "$C/mailopt-imap-idle.service")" "KillSignal=SIGTERM" \
	"mailopt-imap-idle.service: stopped by SIGTERM"

# --- the settings: the sample and the IMAP examples ---------------------
# every setting of src/conf.c, commented out in the sample
for k in $(conf_keys); do
	if grep -q "^#$k = " "$C/mailopt.conf.sample"; then
		pass "mailopt.conf.sample shows $k"
	else
		fail "mailopt.conf.sample shows $k"
	fi
done
for f in mailopt.conf.m365 mailopt.conf.gmail; do
	exits 0 "$f is a config mailopt reads" mo --config "$C/$f" rules check
	is "$(cat "$T/err")" "" "  without a word"
	like "$(cat "$C/$f")" "imap_auth = xoauth2" "  $f: xoauth2"
	like "$(grep '^imap_token_command = ' "$C/$f")" "imap_token_command = " \
		"  $f: with a token command"
	like "$(cat "$C/$f")" "#imap_password_file = " "  $f: and a password variant"
done

done_testing
