# lib.sh — shared setup and TAP helpers for the tests/*.t scripts.
#
# Each script: . "$srcdir/tests/lib.sh", then plain commands and the
# helpers below, then done_testing. Every script gets a private scratch
# directory $T (removed on exit), its own database and an empty config,
# with the rules from the source tree.
# MAILOPT_WRAPPER (e.g. "valgrind -q --error-exitcode=99") runs the
# binary under a checker.

: "${srcdir:=.}"
: "${MAILOPT:=$PWD/mailopt}"
: "${SHARED:=$srcdir/../shared}"
export LC_ALL=C.UTF-8

mkdir -p tests/tmp
T=$(mktemp -d "$PWD/tests/tmp/t.XXXXXX") || exit 99
T=$(cd "$T" && pwd)
trap 'rm -rf "$T"' EXIT
FIX="$srcdir/tests/fixtures"
SAMPLES="$srcdir/maildir-samples"

MAILOPT_DB="$T/db/mailopt.db"
MAILOPT_RULES="$srcdir/rules"
MAILOPT_CONFIG="$T/mailopt.conf"
export MAILOPT_DB MAILOPT_RULES MAILOPT_CONFIG
unset MAILOPT_NOW MAILOPT_TEST_DIE_AT
: > "$MAILOPT_CONFIG"

tap_n=0
tap_failed=0

# mo ARGS: the mailopt under test.
mo() {
	$MAILOPT_WRAPPER "$MAILOPT" "$@"
}

# pass DESC / fail DESC [DIAG]
pass() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}
fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	[ -z "$2" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  '$1'
want: '$2'"
	fi
}

# like GOT FIXED-STRING DESC
like() {
	case $1 in
	*"$2"*) pass "$3" ;;
	*) fail "$3" "'$1'
does not contain '$2'" ;;
	esac
}

# unlike GOT FIXED-STRING DESC
unlike() {
	case $1 in
	*"$2"*) fail "$3" "'$1'
contains '$2'" ;;
	*) pass "$3" ;;
	esac
}

# exits CODE DESC CMD...: the command's exit status is CODE.
# Its stdout and stderr are kept in $T/out and $T/err.
exits() {
	want=$1 desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then
		pass "$desc"
	else
		fail "$desc" "exit $got, want $want
stderr: $(head -c 2000 "$T/err")"
	fi
}

# mkmaildir DIR: an empty Maildir.
mkmaildir() {
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
}

# count DIR: regular files in DIR (0 when it does not exist).
count() {
	if [ -d "$1" ]; then
		find "$1" -maxdepth 1 -type f | wc -l | tr -d ' '
	else
		echo 0
	fi
}

# flag EMAIL FLAG: "true" or "false" as profile show --json says.
flag() {
	mo profile show "$1" --json | sed -n "s/.*\"$2\":\([a-z]*\).*/\1/p"
}

# mksecret: a token secret in $T/secret, mode 0600 as mailopt wants it.
mksecret() {
	printf 'this-is-a-secret-of-enough-length\n' > "$T/secret"
	chmod 600 "$T/secret"
}

# provenconf: a config that trusts the Authentication-Results of
# mx1.nordwind.example and sends no mail, and a database holding Karin
# Meyer's profile with every flag off: what mkproven writes speaks for it.
provenconf() {
	mksecret
	cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Instruments <sales@nordwind.example>
trusted_authserv_id = mx1.nordwind.example
token_secret_file = $T/secret
sendmail = /bin/false
templates = $srcdir/templates
CONF
	mo init >/dev/null
	printf 'email,name,marketing_email,marketing_postal,third_party\nkarin.meyer@meyer-labor.example,Karin Meyer,0,0,0\n' > "$T/p.csv"
	mo profile import "$T/p.csv" >/dev/null
}

# mkproven FILE SUBJECT BODY: a message from Karin Meyer whose DMARC
# passed at mx1.nordwind.example, with a Message-ID of its own.
mkproven() {
	printf 'From: Karin Meyer <karin.meyer@meyer-labor.example>\nTo: sales@nordwind.example\nSubject: %s\nMessage-ID: <%s.%s@meyer-labor.example>\nAuthentication-Results: mx1.nordwind.example; dmarc=pass header.from=meyer-labor.example\n\n%s\n' \
	    "$2" "$$" "$(basename "$1")" "$3" > "$1"
}

# winner RULES FILE: the winner line of rules explain of FILE with the
# rules of the directory RULES; the whole explanation in $T/explain.
winner() {
	mo --rules "$1" rules explain "$2" > "$T/explain" 2>&1
	sed -n 's/^winner: //p' "$T/explain"
}

# read_as RULES SUBJECT BODY WANT DESC: Karin Meyer's message of SUBJECT
# and BODY (mkproven, as $T/m.eml) is read by the rules of the directory
# RULES as WANT, the winner line of rules explain; the whole explanation
# is in $T/explain.
read_as() {
	mkproven "$T/m.eml" "$2" "$3"
	is "$(winner "$1" "$T/m.eml")" "$4" "$5"
}

# acts_as RULES SUBJECT BODY WANT DESC: as read_as, but WANT is only the
# action of the winner (none when no rule matched), whichever rule it is.
acts_as() {
	mkproven "$T/m.eml" "$2" "$3"
	got=$(winner "$1" "$T/m.eml" | sed -n 's/^[^ ]* (\([a-z-]*\)).*/\1/p')
	is "${got:-none}" "$4" "$5"
}

# mksendmail: $T/sendmail, a sendmail that takes the mail and drops it.
mksendmail() {
	printf '#!/bin/sh\ncat > /dev/null\n' > "$T/sendmail"
	chmod +x "$T/sendmail"
}

# mailconf: outgoing mail on, through $T/sendmail, which keeps each
# message it is given as $T/sent/mail.XXXXXX; the config names the
# shipped templates.
mailconf() {
	cat > "$T/sendmail" <<'SM'
#!/bin/sh
mkdir -p "$(dirname "$0")/sent"
cat > "$(mktemp "$(dirname "$0")/sent/mail.XXXXXX")"
SM
	chmod +x "$T/sendmail"
	cat > "$MAILOPT_CONFIG" <<CONF
from = Nordwind Sales <sales@nordwind.example>
templates = $srcdir/templates
sendmail = $T/sendmail -t -oi
CONF
}

# flags EMAIL: the three flags (email, postal, third party) as profile show --json says them.
flags() {
	echo "$(flag "$1" marketing_email) $(flag "$1" marketing_postal) $(flag "$1" third_party)"
}

# hist EMAIL: the history rows of the profile, "flag old new operator reason" each.
hist() {
	sql "SELECT h.flag, h.old_value, h.new_value, coalesce(h.operator, '-'),
	    coalesce(h.reason, '-') FROM history h JOIN profile p ON p.id = h.profile_id
	    WHERE p.email = '$1' ORDER BY h.id" | tr '|' ' '
}

# sql QUERY: read the test database directly (for asserting history rows).
sql() {
	sqlite3 -batch -noheader "$MAILOPT_DB" "$1"
}

# mc FILE KEY: KEY of the mail in FILE as tests/mailcheck.py reads it
# (Python's email package), one line per value; read once per file.
mc() {
	mkdir -p "$T/mc"
	mc_cache="$T/mc/$(basename "$1")"
	[ -f "$mc_cache" ] ||
		/usr/bin/python3 "$srcdir/tests/mailcheck.py" "$1" > "$mc_cache"
	sed -n "s/^$2=//p" "$mc_cache"
}

# mail_with KEY VALUE FILE...: the FILEs whose mail has KEY (see mc) VALUE.
mail_with() {
	mw_key=$1 mw_value=$2
	shift 2
	for mw_file in "$@"; do
		[ "$(mc "$mw_file" "$mw_key")" = "$mw_value" ] && echo "$mw_file"
	done
	return 0
}

# hold_lock [SQL] / release_lock: another process holds the database's
# write lock, taken by SQL (default BEGIN IMMEDIATE;) in a sqlite3 shell.
hold_lock() {
	rm -f "$T/lockfifo"
	mkfifo "$T/lockfifo"
	sqlite3 "$MAILOPT_DB" < "$T/lockfifo" > /dev/null 2>&1 &
	lockpid=$!
	exec 4> "$T/lockfifo"
	printf '.timeout 5000\n%s\n' "${1:-BEGIN IMMEDIATE;}" >&4
	i=0
	while sqlite3 "$MAILOPT_DB" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		sleep 0.1
	done
}
release_lock() {
	exec 4>&-
	wait "$lockpid"
}

# conf_keys: every setting mailopt reads, one a line, from the key table of
# src/conf.c: the documentation tests check each against the manual and
# the sample, so that a new setting cannot go undocumented.
conf_keys() {
	awk '/^} keys\[\] = \{/ { on = 1; next }
	    on && /^\};/ { exit }
	    on && match($0, /^\t\{ "[a-z_]+"/) { print substr($0, RSTART + 4, RLENGTH - 5) }' \
	    "$srcdir/src/conf.c"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
	exit $?
}
