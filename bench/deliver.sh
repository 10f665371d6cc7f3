#!/bin/sh
# deliver.sh — CPU time of one `mailopt deliver`, for mail that is not a request (in English and in German) and for a request, beside procmail filing the same message in a Maildir.
#
#   sh bench/deliver.sh [RUNS]     (default 50)
#
# Needs a built mailopt (MAILOPT, default _build/mailopt) and procmail
# (PROCMAIL, default /usr/bin/procmail). Each figure is the CPU time
# (user + system) of RUNS runs divided by RUNS, from the shell's
# `times`. "first load" runs each deliver with the rule files not yet
# seen to compile whole, as after every change to them. Prints figures;
# asserts nothing.
set -eu

runs=${1:-50}
top=$(cd "$(dirname "$0")/.." && pwd)
procmail=${PROCMAIL:-/usr/bin/procmail}
. "$top/bench/lib.sh"
[ -x "$procmail" ] || { echo "bench: no procmail at $procmail" >&2; exit 69; }

cat > "$work/mailopt.conf" <<CONF
database = $work/db/mailopt.db
rules = ${MAILOPT_RULES:-$top/rules}
from = sales@nordwind.example
CONF
export MAILOPT_CONFIG="$work/mailopt.conf"
"$mailopt" init >/dev/null
printf 'email,name,country\nanna.berger@example.de,Anna Berger,DE\n' > "$work/profiles.csv"
"$mailopt" profile import "$work/profiles.csv" >/dev/null
"$mailopt" rules check >/dev/null

cat > "$work/plain.eml" <<'MSG'
From: Jonas Weber <j.weber@example.com>
To: sales@nordwind.example
Subject: Quote for 20 thermometers
Date: Mon, 3 Jun 2024 09:12:44 +0200
Message-ID: <quote-4711@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Good morning,

could you send us a quote for 20 of the TH-200 thermometers, delivered
to our lab in Kassel by the end of the month? We would also need the
calibration certificates.

Kind regards,
Jonas Weber
Weber Labortechnik GmbH, Kassel
MSG

# the same in German: the German rules end in their concept layer, which
# reads most German mail that no phrase rule took
cat > "$work/plain-de.eml" <<'MSG'
From: Jonas Weber <j.weber@example.de>
To: sales@nordwind.example
Subject: Angebot 20 Thermometer
Date: Mon, 3 Jun 2024 09:12:44 +0200
Message-ID: <angebot-4711@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Guten Morgen,

könnten Sie uns bitte ein Angebot über 20 Thermometer TH-200 schicken,
geliefert bis Ende des Monats an unser Labor in Kassel? Bitte nennen
Sie uns auch die Lieferzeit und ob die Geräte kalibriert kommen.

Mit freundlichen Grüßen
Jonas Weber
Weber Labortechnik GmbH, Kassel
MSG

cat > "$work/request.eml" <<'MSG'
From: Anna Berger <anna.berger@example.de>
To: sales@nordwind.example
Subject: Abmeldung
Date: Mon, 3 Jun 2024 09:14:02 +0200
Message-ID: <abmeldung-0815@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Guten Tag,

bitte schicken Sie mir keine Werbung mehr, weder per E-Mail noch per Post.

Anna Berger
MSG

mkdir -p "$work/Mail"
printf 'SHELL=/bin/sh\nMAILDIR=%s\nDEFAULT=$MAILDIR/\n' "$work/Mail" > "$work/procmailrc"

# cpu: the user + system seconds of this shell's children so far (times
# runs in this shell, not in a subshell whose children are none of these)
cpu() {
	times > "$work/times"
	awk 'NR == 2 { split($1, u, "m"); split($2, s, "m");
	    printf "%.6f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times"
}

# per MSG WHAT CMD...: run CMD < MSG RUNS times, print the CPU per run
per() {
	msg=$1 what=$2
	shift 2
	cpu > "$work/t0"
	i=0
	while [ $i -lt "$runs" ]; do
		"$@" < "$msg" >/dev/null 2>&1 || :
		i=$((i + 1))
	done
	cpu > "$work/t1"
	awk -v a="$(cat "$work/t0")" -v b="$(cat "$work/t1")" -v n="$runs" -v w="$what" \
	    'BEGIN { printf "bench: %-46s %6.2f ms CPU\n", w, (b - a) * 1000 / n }'
}

# forget: the next deliver finds the rule files not seen to compile whole
forget_deliver() {
	rm -f "$work/db/mailopt.db-rules"
	"$mailopt" deliver --no-flush
}

echo "bench: $runs runs each"
per "$work/plain.eml" "procmail, filing in a Maildir" "$procmail" -m "$work/procmailrc"
per "$work/plain.eml" "mailopt deliver, not a request" "$mailopt" deliver --no-flush
per "$work/plain-de.eml" "mailopt deliver, not a request, in German" "$mailopt" deliver --no-flush
per "$work/request.eml" "mailopt deliver, a request" "$mailopt" deliver --no-flush
per "$work/plain.eml" "mailopt deliver, not a request, first load" forget_deliver
