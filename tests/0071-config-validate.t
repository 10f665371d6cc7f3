#!/bin/sh
# every command reads and checks the whole config first, naming file and
# line of each bad value; operator commands exit 78; deliver never exits
# 78 (Postfix would bounce the customer's request): every failure but
# "not a request" is 75, and filter still passes the message on.
. "$srcdir/tests/lib.sh"

MARGARET=margaret.hale@example.com
OPTOUT="$FIX/outbox/optout.eml"
mo init >/dev/null
mo profile import "$FIX/outbox/profiles.csv" >/dev/null
mksendmail
mksecret
printf 'not a program\n' > "$T/noexec"
chmod 644 "$T/noexec"

# good: a config every command accepts
cat > "$T/good.conf" <<CONF
# outgoing mail
from = Nordwind Sales <sales@nordwind.example>
sendmail = $T/sendmail -t -oi
token_secret_file = $T/secret
CONF

# bad LINE WHY DESC: the good config with LINE as line 5 is refused,
# naming file, line and WHY, by an operator command (78) and by deliver (75).
bad() {
	cp "$T/good.conf" "$MAILOPT_CONFIG"
	printf '%s\n' "$1" >> "$MAILOPT_CONFIG"
	exits 78 "$3: queue list exits 78" mo queue list
	like "$(cat "$T/err")" "$MAILOPT_CONFIG:5: $2" "  naming file, line and why"
	exits 75 "$3: deliver exits 75, never 78" mo deliver < "$OPTOUT"
	like "$(cat "$T/err")" "$MAILOPT_CONFIG:5: $2" "  deliver says why too"
}

cp "$T/good.conf" "$MAILOPT_CONFIG"
exits 0 "the good config: queue list" mo queue list
bad "from = sales at nordwind" "from: not an address" "a from that is no address"
bad "from = Sales <sales@nordwind.example> x" "from: not an address" "text after the address"
bad "sendmail = $T/nosuch -t" "sendmail: $T/nosuch: no such file" "a sendmail that is not there"
bad "sendmail = $T/noexec" "sendmail: $T/noexec: not an executable file" "a sendmail that is no program"
bad "sendmail = sendmail -t" "sendmail: sendmail: not an absolute path" "a relative sendmail"
bad "smtp = http://mail.example:25" "smtp: not an smtp:// or smtps:// URL" "an http URL"
bad "smtp = smtp://mail.example:0" "smtp: bad port" "port 0"
bad "smtp = smtp://mail.example:65536" "smtp: bad port" "port 65536"
bad "smtp = smtps://mail.example:x" "smtp: bad port" "a port that is no number"
bad "smtp = smtp://" "smtp: no host name" "no host"
bad "token_secret_file = $T/nosecret" "token_secret_file: $T/nosecret: no such file" \
	"a missing token secret"
chmod 644 "$T/secret"
bad "token_secret_file = $T/secret" "token_secret_file: $T/secret: mode 644: readable by others" \
	"a token secret others can read"
chmod 600 "$T/secret"
bad "max_message_size = lots" "max_message_size: bad value: lots" "a size that is no number"
bad "deadline_days = -1" "deadline_days: bad value: -1" "a negative number"
bad "max_read_ms = 2s" "max_read_ms: bad value: 2s" "a time limit with a unit"
bad "max_read_ms = 600001" "max_read_ms: bad value: 600001" "a time limit over ten minutes"
bad "databse = /tmp/x.db" "databse: unknown setting" "an unknown key"
bad "from sales@nordwind.example" "expected key = value" "a line without ="
cp "$T/good.conf" "$MAILOPT_CONFIG"
is "$(flag $MARGARET marketing_email)" true "no deliver applied anything"
printf 'smtp = smtps://mail.example:465\n' >> "$MAILOPT_CONFIG"
exits 0 "smtps://HOST:PORT is a good smtp URL" mo queue list
printf 'smtp = smtp://[::1]:2525/\n' >> "$MAILOPT_CONFIG"
exits 0 "  so is smtp://[::1]:2525/" mo queue list

# every bad line at once, each named
cp "$T/good.conf" "$MAILOPT_CONFIG"
printf 'from = nobody\nfrobnicate = 1\n' >> "$MAILOPT_CONFIG"
exits 78 "two bad lines" mo profile show $MARGARET
like "$(cat "$T/err")" "mailopt.conf:5: from: not an address" "  the first is named"
like "$(cat "$T/err")" "mailopt.conf:6: frobnicate: unknown setting" "  and the second"

# filter keeps its contract: the message goes on, marked error; -x says 75
exits 0 "filter with a bad config still passes the message on" mo filter < "$OPTOUT"
like "$(head -1 "$T/out")" "X-Mailopt-Result: error;" "  marked error"
exits 75 "filter -x with a bad config exits 75, never 78" mo filter -x < "$OPTOUT"

# rules and database: deliver says 75 for them too
cp "$T/good.conf" "$MAILOPT_CONFIG"
mkdir -p "$T/badrules"
printf 'broken-rule optout-all body /unclosed(/\n' > "$T/badrules/10-x.rules"
exits 75 "deliver with a broken rule file exits 75" \
	mo --rules "$T/badrules" deliver < "$OPTOUT"
like "$(cat "$T/err")" "10-x.rules:1:" "  naming the file and line"
exits 65 "rules check of it is bad data" mo --rules "$T/badrules" rules check
exits 75 "deliver with an uninitialised database exits 75" \
	mo --db "$T/none/mailopt.db" deliver < "$OPTOUT"
like "$(cat "$T/err")" "run mailopt init" "  and says what to do"
exits 0 "with all fixed, deliver applies the request" mo deliver < "$OPTOUT"
is "$(flag $MARGARET marketing_email)" false "  the flag is off"

done_testing
