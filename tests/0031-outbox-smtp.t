#!/bin/sh
# outgoing mail over SMTP to a real server on 127.0.0.1 (aiosmtpd, started
# and stopped here): a sweep's confirmations and reseller notice arrive once
# each over one connection, valid MIME with the fields of an automatic reply,
# to addresses on file only (envelope and header), no recipient injected;
# the server down: mail stays pending and sweep and deliver still exit 0;
# the server back: outbox flush delivers each exactly once; STARTTLS is
# required when set, and a certificate nobody signed is refused.
. "$srcdir/tests/lib.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	skip_all "no python3-aiosmtpd (Debian: python3-aiosmtpd)"

OB="$FIX/outbox"
BOX="$T/box"
NOW=1764400000
MAILOPT_NOW=$NOW
export MAILOPT_NOW
port=$(/usr/bin/python3 "$srcdir/tests/port.py" free)
srv=

# start_server [ARGS]: aiosmtpd storing what it gets in $BOX, listening.
start_server() {
	/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" "$@" \
		-c aiosmtpd.handlers.Mailbox "$BOX" >> "$T/smtpd.log" 2>&1 &
	srv=$!
	/usr/bin/python3 "$srcdir/tests/port.py" wait "$port" ||
		fail "the SMTP server listens" "$(cat "$T/smtpd.log")"
}
stop_server() {
	[ -n "$srv" ] || return 0
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=
}
trap 'stop_server; rm -rf "$T"' EXIT

cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Sales <sales@nordwind.example>
templates = $srcdir/templates
smtp = smtp://127.0.0.1:$port
CONF

# mails: what the server stored.
mails() {
	[ -d "$BOX/new" ] && ls "$BOX/new" | sed "s|^|$BOX/new/|"
}

# each KEY: KEY of every stored mail, sorted, one a line.
each() {
	for m in $(mails); do
		mc "$m" "$1"
	done | LC_ALL=C sort
}

# to ADDR: the stored mails whose envelope recipient is ADDR.
to() {
	mail_with envelope-to "$1" $(mails)
}

# outbox SQL-CONDITION: the outbox rows that meet it.
outbox() {
	sql "SELECT count(*) FROM outbox WHERE $1"
}

exits 0 "init" mo init
exits 0 "profile import" mo profile import "$OB/profiles.csv"
exits 0 "reseller import" mo reseller import "$OB/resellers.csv"
start_server

mkmaildir "$T/md"
i=1
for f in optout.eml postal.eml injection.eml names-profile.eml unknown.eml \
    auto-replied.eml bounce.eml precedence-bulk.eml precedence-list.eml null-sender.eml; do
	cp "$OB/$f" "$T/md/new/17644000$i.M${i}P1.mx1.nordwind.example"
	i=$((i + 1))
done
exits 0 "sweep ten messages, flushing over SMTP" mo sweep "$T/md"
is "$(cat "$T/err")" "" "  nothing on standard error"
is "$(tail -n 1 "$T/out")" \
	"sweep: 10 messages: 3 applied, 1 unchanged, 1 queued, 0 duplicate, 5 ignored, 0 errors" \
	"  with the outcomes expected"
is "$(mails | grep -c .)" 4 "four mails arrive"
is "$(each envelope-to | tr '\n' ' ')" \
	"contact@lyon-distribution.example eve@example.com jean.dupont@dupont.example margaret.hale@example.com " \
	"one to each address on file that asked, and one to the reseller; none to a sender not on file"
is "$(each to | tr '\n' ' ')" "$(each envelope-to | tr '\n' ' ')" \
	"the To of each is its envelope recipient, alone"
is "$(each valid | uniq)" yes "each is valid MIME with the fields it needs, once"
is "$(each envelope-from | uniq)" "sales@nordwind.example" "the envelope sender is the from setting"
is "$(each peer | uniq | grep -c .)" 1 "all of one flush come over one connection"
is "$(outbox "state = 'sent' AND attempts = 1")" 4 "the outbox has them sent"

M=$(to margaret.hale@example.com)
is "$(mc "$M" auto-submitted)" "auto-replied" "the confirmation: Auto-Submitted: auto-replied"
is "$(mc "$M" x-auto-response-suppress)" "All" "  X-Auto-Response-Suppress: All"
is "$(mc "$M" in-reply-to)" "<optout-1@mail.example.com>" "  In-Reply-To"
is "$(mc "$M" references)" "<newsletter-2025-11@nordwind.example> <optout-1@mail.example.com>" \
	"  References"
is "$(mc "$M" content-type) $(mc "$M" cte)" "text/plain; charset=utf-8 quoted-printable" \
	"  UTF-8 text in quoted-printable"
like "$(mc "$M" message-id)" "@nordwind.example>" "  a Message-ID of the sender's domain"
like "$(mc "$M" body)" "Our offers by e-mail:                 no" "  the preferences in words"
M=$(to contact@lyon-distribution.example)
like "$(mc "$M" body)" "Customer:   Jean Dupont" "the reseller notice names the customer"
like "$(mc "$M" body)" "Offers by post:            allowed -> refused   (changed)" \
	"  and the change"
M=$(to eve@example.com)
is "$(mc "$M" envelope-to)" "eve@example.com" \
	"header injection: the envelope has the one recipient on file"
is "$(mc "$M" bcc)$(mc "$M" cc)" "" "  no Bcc or Cc field"
is "$(mc "$M" fields)" "From To Subject In-Reply-To References Auto-Submitted X-Auto-Response-Suppress Date Message-ID MIME-Version Content-Type Content-Transfer-Encoding X-Peer X-MailFrom X-RcptTo" \
	"  no field but mailopt's (and the server's)"
is "$(mc "$M" subject)" "Re: Remove me Bcc: x@evil.example" "  the subject on its one line"

# --- the server down, then back -------------------------------------------
stop_server
mkmaildir "$T/md2"
cp "$OB/optout-again.eml" "$T/md2/new/1764401000.M1P1.mx1.nordwind.example"
sed 's/jean.dupont@dupont.example/zoe.orsted@orsted.example/g; s/postal-1@/postal-2@/' \
	"$OB/postal.eml" > "$T/md2/new/1764401001.M2P1.mx1.nordwind.example"
exits 0 "sweep with the server down still exits 0" \
	env MAILOPT_NOW=$((NOW + 86401)) "$MAILOPT" sweep "$T/md2"
like "$(cat "$T/err")" "not sent now" "  it says the mail was not sent"
like "$(cat "$T/err")" "kept pending" "  and stays pending"
is "$(outbox "state = 'pending'")" 2 "two mails wait in the outbox"
is "$(outbox "state = 'pending' AND attempts = 1 AND next_try = $((NOW + 86401 + 300))")" 1 \
	"  the one tried backs off five minutes"
like "$(sql "SELECT last_error FROM outbox WHERE attempts = 1 AND state = 'pending'")" "smtp:" \
	"  with curl's reason"
sed 's/postal-1@/postal-3@/' "$OB/postal.eml" > "$T/postal3.eml"
exits 0 "deliver with the server down exits 0" \
	env MAILOPT_NOW=$((NOW + 86401)) "$MAILOPT" deliver < "$T/postal3.eml"
like "$(cat "$T/err")" "kept pending" "  and says the mail stays pending"
n=$(mails | grep -c .)
start_server
exits 0 "the server back: outbox flush --all" mo outbox flush --all
is "$(cat "$T/out")" "outbox: 3 sent, 0 deferred, 0 failed" "  sends the three"
is "$(mails | grep -c .)" $((n + 3)) "  and three arrive"
is "$(to zoe.orsted@orsted.example | grep -c .)" 1 "Zoë's confirmation arrives once"
is "$(to margaret.hale@example.com | grep -c .)" 2 "Margaret's a day later arrives once"
is "$(to jean.dupont@dupont.example | grep -c .)" 2 "Jean's a day later arrives once"
is "$(mc "$(to zoe.orsted@orsted.example)" to-name)" "Zoë Ørsted" \
	"  her name encoded and decoded whole"
exits 0 "outbox flush --all again" mo outbox flush --all
is "$(cat "$T/out")" "outbox: 0 sent, 0 deferred, 0 failed" "  has nothing to send"
is "$(mails | grep -c .)" $((n + 3)) "  and nothing arrives twice"

# --- settings -------------------------------------------------------------
sed "s/^Message-ID: <optout-2@/Message-ID: <optout-9@/" "$OB/optout-again.eml" |
	MAILOPT_NOW=$((NOW + 3 * 86400)) mo deliver --no-flush
is "$(outbox "state = 'pending'")" 1 "deliver --no-flush leaves its confirmation pending"
echo "starttls = yes" >> "$MAILOPT_CONFIG"
exits 75 "starttls to a server without STARTTLS: no mail in clear" mo outbox flush --all
like "$(cat "$T/err")" "not sent now" "  the mail stays pending"
like "$(cat "$T/err")" "STARTTLS" "  for want of STARTTLS"
is "$(outbox "state = 'pending'")" 1 "  in the outbox"
if command -v openssl >/dev/null 2>&1; then
	stop_server
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
	start_server --tlscert "$T/cert.pem" --tlskey "$T/key.pem"
	exits 75 "STARTTLS to a server whose certificate nobody signed" \
		mo outbox flush --all
	like "$(cat "$T/err")" "not sent now" "  the mail stays"
	like "$(cat "$T/err")" "certificate" "  the certificate is what was refused"
	is "$(outbox "state = 'pending'")" 1 "  pending"
else
	pass "# SKIP no openssl to make a certificate"
fi
printf 'secret\n' > "$T/password"
chmod 600 "$T/password"
cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Sales <sales@nordwind.example>
templates = $srcdir/templates
smtp = smtp://mail.example.com:587
smtp_user = mailopt
smtp_password_file = $T/password
CONF
exits 78 "AUTH over a cleartext connection to another host is refused" mo outbox flush --all
like "$(cat "$T/err")" "in clear" "  and says why"
echo "smtp = smtp://127.example.net:25" >> "$MAILOPT_CONFIG"
exits 78 "  a host named 127.something is another host" mo outbox flush --all
echo "smtp = http://127.0.0.1:$port" >> "$MAILOPT_CONFIG"
exits 78 "smtp must be an smtp:// or smtps:// URL" mo outbox flush --all
like "$(cat "$T/err")" "mailopt.conf:7: smtp: not an smtp:// or smtps:// URL" \
	"  named with its file and line"

done_testing
