#!/bin/sh
# The manual pages: every one renders without a warning (mandoc -Tlint,
# else groff -mdoc -ww -Tutf8), has the sections a reader looks for, and
# documents every command, setting and action.
. "$srcdir/tests/lib.sh"

M1="$srcdir/man/mailopt.1"
CONF5="$srcdir/man/mailopt.conf.5"
RULES5="$srcdir/man/mailopt-rules.5"

if command -v mandoc >/dev/null 2>&1; then
	how="mandoc -Tlint"
elif command -v groff >/dev/null 2>&1; then
	how="groff -mdoc -ww"
else
	skip_all "neither mandoc nor groff"
fi

# lint PAGE: what the formatter says about PAGE, less the cross references
# to pages that are not installed here.
lint() {
	if [ "$how" = "mandoc -Tlint" ]; then
		mandoc -Tlint -W style "$1" 2>&1 |
			grep -v -e 'referenced manual not found' -e 'mandoc\.db'
	else
		groff -mdoc -ww -Tutf8 -z "$1" 2>&1
	fi
}

# has PAGE MACRO WORDS...: PAGE has a line ".MACRO WORD" for each WORD.
has() {
	page=$1 macro=$2
	shift 2
	for w in "$@"; do
		if grep -q "^\.$macro $w\\( \\|\$\\)" "$page"; then
			pass "$(basename "$page") has $macro $w"
		else
			fail "$(basename "$page") has $macro $w"
		fi
	done
}

for p in "$M1" "$CONF5" "$RULES5"; do
	is "$(lint "$p")" "" "$(basename "$p"): $how says nothing"
	has "$p" Sh NAME DESCRIPTION "SEE ALSO"
done
has "$M1" Sh SYNOPSIS COMMANDS "EXIT STATUS" EXAMPLES
has "$CONF5" Sh EXAMPLES
# every command mailopt --help names, with its subcommand ("queue list"):
# a new command without a manual entry fails here
mo --help | sed -n '/^commands:/,/^$/p' | sed 1d |
	awk 'NF { c = $1; if ($2 ~ /^[a-z]+$/) c = c " " $2; print c }' |
	sort -u > "$T/commands"
like "$(tr '\n' '|' < "$T/commands")" "init|outbox flush|" "mailopt --help names the commands"
while read -r c; do
	if grep -q "^\.\(It \)\{0,1\}Cm $c\( \|\$\)" "$M1"; then
		pass "mailopt.1 documents $c"
	else
		fail "mailopt.1 documents $c"
	fi
done < "$T/commands"
# every setting of src/conf.c's key table: a new setting without an entry
# in mailopt.conf(5) fails here
keys=$(conf_keys)
like "$(echo $keys)" "database rules from" "the settings are read from src/conf.c"
like "$(echo $keys)" "imap_ca_file" "  the IMAP ones too"
has "$CONF5" "It Cm" $keys
# the IMAP sweep: its section, the helper program, check --imap, the example files
has "$M1" Sh IMAP
has "$M1" Ss "Exactly once" Extensions "Waiting for mail"
has "$M1" "It Cm" "sweep Ar url"
if grep -q '^\.It Cm check .*Fl \\-imap Ar url' "$M1"; then
	pass "mailopt.1 has check --imap url"
else
	fail "mailopt.1 has check --imap url"
fi
has "$M1" "It Pa" /usr/local/libexec/mailopt/mailopt-imap
for w in mailopt-imap-idle.service mailopt.conf.m365 mailopt.conf.gmail; do
	like "$(cat "$M1")" "$w" "mailopt.1 names contrib's $w"
done
unlike "$(cat "$M1")" "reads no IMAP mailbox" "mailopt.1 no longer says IMAP is not built"
has "$RULES5" "It Cm" optout-all optout-marketing optout-email optout-postal \
	optout-thirdparty "optin-all ," review ignore subject body

done_testing
