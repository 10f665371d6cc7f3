#!/bin/sh
# mailopt's decoded text (the "text:" of rules explain) against Python's
# email package, for every message of ../shared/corpora and tests/corpus
# (tests/decode-check.py compares them). Where they differ, mailopt must
# be the one that is right, and tests/decode-disagreements.txt must say
# why: a disagreement not listed there fails.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"
LIST="$srcdir/tests/decode-disagreements.txt"
TAB=$(printf '\t')

# rules explain loads the rules for each message: one that never matches
# keeps that quick; the text block does not depend on them
mkdir -p "$T/rules"
echo 'decode-none  ignore  header:X-Decode-Check-Never  /^/' > "$T/rules/00-none.rules"

# check BASE FILE...: decode-check.py's verdicts, appended to $T/verdicts
check() {
	base=$1
	shift
	/usr/bin/python3 "$srcdir/tests/decode-check.py" "$MAILOPT" "$T/rules" "$base" "$@" \
		>> "$T/verdicts" 2> "$T/check.err" ||
		fail "decode-check.py ran" "$(tail -n 5 "$T/check.err")"
}

: > "$T/verdicts"
if [ -d "$SHARED/corpora" ]; then
	(cd "$SHARED" && find corpora -type f ! -name 'LICENSE*' ! -name 'README*' \
		! -name 'SOURCE*' | LC_ALL=C sort) > "$T/shared"
	# shellcheck disable=SC2046
	check "$SHARED" $(cat "$T/shared")
	ncorpora=$(wc -l < "$T/shared" | tr -d ' ')
else
	echo "# no corpora at $SHARED: tests/corpus only"
	ncorpora=0
fi
(cd "$srcdir/tests" && ls corpus/*.eml) > "$T/ours"
# shellcheck disable=SC2046
check "$srcdir/tests" $(cat "$T/ours")
nours=$(wc -l < "$T/ours" | tr -d ' ')

total=$((ncorpora + nours))
is "$(wc -l < "$T/verdicts" | tr -d ' ')" "$total" "a verdict for each of $total messages"
for v in agree skip differ; do
	echo "# $v: $(cut -f2 "$T/verdicts" | grep -c "^$v\$")"
done

# the listed files, and the disagreements found
grep -v '^#' "$LIST" | grep . | cut -f1 | LC_ALL=C sort > "$T/listed"
grep "${TAB}differ${TAB}" "$T/verdicts" | LC_ALL=C sort > "$T/differ"
cut -f1 "$T/differ" > "$T/differ-files"

LC_ALL=C comm -23 "$T/differ-files" "$T/listed" > "$T/unlisted"
if [ -s "$T/unlisted" ]; then
	fail "every disagreement is listed in tests/decode-disagreements.txt" \
		"$(LC_ALL=C join -t "$TAB" "$T/unlisted" "$T/differ" | cut -f1,3 | head -n 40)"
else
	pass "every disagreement is listed in tests/decode-disagreements.txt"
fi
bad=$(grep -v '^#' "$LIST" | grep . | awk -F "$TAB" 'NF < 2 || $2 == ""' | head -n 5)
is "$bad" "" "every listed file has its reason"

# listed, and agreeing now (or absent): worth a look, not a failure
LC_ALL=C comm -13 "$T/differ-files" "$T/listed" | while read -r f; do
	case $f in
	corpora/*) [ "$ncorpora" = 0 ] && continue ;;
	esac
	echo "# listed but not in disagreement: $f"
done
echo "# disagreements, each listed with its reason:"
LC_ALL=C join -t "$TAB" "$T/differ-files" \
	"$(grep -v '^#' "$LIST" | grep . | LC_ALL=C sort -t "$TAB" -k1,1 > "$T/reasons"; echo "$T/reasons")" |
	sed 's/^/#   /'

done_testing
