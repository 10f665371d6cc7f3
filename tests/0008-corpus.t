#!/bin/sh
# The labelled corpus in tests/corpus: requests and the other senses of
# their words in seven languages, auto-replies and reports, and MIME as
# mail programs send it. One dry-run sweep reads every message; each must
# come out as tests/corpus/MANIFEST says (its class, its action, and for a
# request the language of the rule that read it, which picks the
# confirmation's template). Precision and recall for requests and the
# confusion table of actions are printed; anything short of 100% fails.
. "$srcdir/tests/lib.sh"

C="$srcdir/tests/corpus"
TAB=$(printf '\t')
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 to read --json"

mo init >/dev/null || { echo "Bail out! init failed"; exit 99; }
mo profile import "$C/profiles.csv" >/dev/null ||
	{ echo "Bail out! profile import failed"; exit 99; }
# the company's newsletter footer, as a site would configure it
cat >> "$MAILOPT_CONFIG" <<'CONF'
trusted_authserv_id = mx1.nordwind.example
newsletter_footer = ^\s*(?:You are receiving this newsletter|Sie erhalten diesen Newsletter|Vous recevez cette newsletter|Recibe este bolet[ií]n|Ricevi questa newsletter|U ontvangt deze nieuwsbrief|Recebe esta newsletter)\b
CONF

MD="$T/Maildir"
mkmaildir "$MD"
grep -v '^#' "$C/MANIFEST" > "$T/manifest"
n=0
while IFS="$TAB" read -r f cls action lang; do
	n=$((n + 1))
	cp "$C/$f" "$MD/new/1717000000.M${n}P1.$f"
done < "$T/manifest"
is "$(find "$C" -name '*.eml' | wc -l | tr -d ' ')" "$n" "MANIFEST names every message in tests/corpus"
[ "$n" -ge 200 ] && pass "$n messages" || fail "at least 200 messages" "only $n"

exits 0 "one dry-run sweep reads them all" mo sweep --dry-run --json --no-flush "$MD"
cp "$T/out" "$T/sweep.json"

# file, outcome, action and rule of each message, by corpus file name
/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(o["file"].split(".", 2)[2], o["outcome"], o["action"] or "-", o["rule"] or "-", sep="\t")
' "$T/sweep.json" | LC_ALL=C sort > "$T/got"
is "$(wc -l < "$T/got" | tr -d ' ')" "$n" "an outcome for every message"
is "$(grep -c "${TAB}error${TAB}" "$T/got")" 0 "none is an error"

LC_ALL=C sort "$T/manifest" | LC_ALL=C join -t "$TAB" - "$T/got" > "$T/both"
# file cls action lang outcome got-action rule
while IFS="$TAB" read -r f cls action lang outcome gaction rule; do
	case $outcome in
	ignored) gcls=not ;;
	*) gcls=request ;;
	esac
	glang=-
	[ "$gcls" = request ] && glang=${rule%%-*}
	want="$cls $action $lang"
	got="$gcls $gaction $glang"
	if [ "$got" = "$want" ]; then
		pass "$f: $cls, $action"
	else
		fail "$f: $cls, $action" "want: $want
got:  $got (outcome $outcome, rule $rule)"
	fi
done < "$T/both"

# precision and recall for requests, and the confusion table of actions
awk -F "$TAB" '
	{ want = $2 == "request"; got = $5 != "ignored" }
	want && got { tp++ } !want && got { fp++ } want && !got { fn++ } !want && !got { tn++ }
	{ a = $3; b = $6; cell[a SUBSEP b]++; rows[a]; cols[b] }
	END {
		printf "# requests: %d found of %d (recall %.1f%%), %d of %d found are requests (precision %.1f%%)\n",
		    tp, tp + fn, 100 * tp / (tp + fn ? tp + fn : 1), tp, tp + fp, 100 * tp / (tp + fp ? tp + fp : 1)
		printf "#                 got request  got not\n"
		printf "# want request    %11d  %7d\n# want not        %11d  %7d\n", tp, fn, fp, tn
		printf "# confusion of actions (rows: MANIFEST, columns: what the rules said):\n"
		n = 0
		for (c in cols) col[++n] = c
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (col[j] < col[i]) { t = col[i]; col[i] = col[j]; col[j] = t }
		line = sprintf("# %-17s", "")
		for (i = 1; i <= n; i++) {
			l = col[i]
			sub(/^optout-/, "", l)
			sub(/^optin-/, "in-", l)
			sub(/thirdparty$/, "3rd", l)
			sub(/marketing$/, "mkt", l)
			line = line sprintf(" %7.7s", l)
		}
		print line
		m = 0
		for (r in rows) row[++m] = r
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (row[j] < row[i]) { t = row[i]; row[i] = row[j]; row[j] = t }
		for (i = 1; i <= m; i++) {
			line = sprintf("# %-17s", row[i])
			for (j = 1; j <= n; j++) line = line sprintf(" %7d", cell[row[i] SUBSEP col[j]])
			print line
		}
	}' "$T/both"

done_testing
