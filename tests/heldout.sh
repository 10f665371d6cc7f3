# heldout.sh — score a held-out set (tests/heldout-*): one dry-run sweep, then tests/heldout-score.py.
#
# Sourced by tests/NNNN-heldout-X.t after lib.sh, with H set to the
# set's directory (MANIFEST: file, label, language, category; SCORE:
# the share recorded when the set was frozen). The sets are written by
# people who never saw the rules and are never edited to suit them.

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read --json"
mo init >/dev/null || { echo "Bail out! init failed"; exit 99; }

MD="$T/Maildir"
mkmaildir "$MD"
n=0
for f in $(grep -v '^#' "$H/MANIFEST" | cut -f1); do
	n=$((n + 1))
	cp "$H/$f" "$MD/new/1717000000.M${n}P1.$f" ||
		{ echo "Bail out! $f is in MANIFEST but not in $H"; exit 99; }
done
if ! mo sweep --dry-run --json --no-flush "$MD" > "$T/sweep.json" 2> "$T/err"; then
	echo "Bail out! the sweep failed: $(cat "$T/err")"
	exit 99
fi
/usr/bin/python3 "$srcdir/tests/heldout-score.py" "$H/MANIFEST" "$T/sweep.json" "$H/SCORE" > "$T/tap"
cat "$T/tap"
! grep -v '# TODO' "$T/tap" | grep -q '^not ok'
