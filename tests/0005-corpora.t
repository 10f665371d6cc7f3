#!/bin/sh
# Real-world mail from ../shared/corpora (bounces, auto-replies, abuse
# reports, MIME torture): one sweep files every message, loses none, and
# takes no bounce, auto-reply or abuse report for a request; filter passes
# a sample through byte for byte.
. "$srcdir/tests/lib.sh"

C="$SHARED/corpora"
[ -d "$C" ] || skip_all "no corpora at $C"

mo init >/dev/null || { echo "Bail out! init failed"; exit 99; }

# Every message file (not the licences and notes beside them), under a
# unique Maildir name; $T/map says which file each name came from.
MD="$T/Maildir"
mkmaildir "$MD"
find "$C" -type f ! -name 'LICENSE*' ! -name 'README*' ! -name 'SOURCE*' |
	LC_ALL=C sort > "$T/files"
i=0
while IFS= read -r f; do
	i=$((i + 1))
	name="1700000000.M${i}P1.corpora"
	cp "$f" "$MD/new/$name"
	printf '%s %s\n' "$name" "${f#"$C"/}" >> "$T/map"
done < "$T/files"
total=$i
echo "# $total messages from $C"

# Bounces, RFC 3834 auto-replies and ARF reports (see the corpora's
# README.md and SOURCE.md): all of sisimai's maildir but its non-bounces
# (maildir/not), flanker's bounces and complaints, the DSNs and the
# feedback report of MimeKit and mailparser.
grep -E ' (sisimai-set-of-emails/maildir/(bsd|dos|mac|err|tmp)/|flanker/tests/fixtures/messages/(bounce|complaints)/|mimekit-testdata/UnitTests/TestData/messages/(bounce|delivery-status|feedback-report)|nodemailer-mailparser/test/fixtures/delivery-status)' \
	"$T/map" | cut -d' ' -f1 | LC_ALL=C sort > "$T/reports"
nreports=$(wc -l < "$T/reports" | tr -d ' ')

start=$(date +%s)
timeout 600 $MAILOPT_WRAPPER "$MAILOPT" sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/sweep.err"
rc=$?
echo "# sweep took $(($(date +%s) - start)) s"
is "$rc" 0 "sweep exits 0"
if [ "$rc" -lt 124 ]; then
	pass "sweep neither crashes nor hangs"
else
	fail "sweep neither crashes nor hangs" "exit $rc
$(tail -n 5 "$T/sweep.err")"
fi
like "$(tail -n 1 "$T/sweep.out")" "sweep: $total messages:" "the summary counts every message"

# outcome lines: "NAME OUTCOME ..."; the summary line is not one
grep '^1700000000\.M' "$T/sweep.out" | cut -d' ' -f1,2 | LC_ALL=C sort > "$T/outcomes"
cut -d' ' -f1 "$T/outcomes" | LC_ALL=C sort -u > "$T/seen"
cut -d' ' -f1 "$T/map" | LC_ALL=C sort > "$T/names"
is "$(wc -l < "$T/outcomes" | tr -d ' ')" "$total" "one outcome line per message"
if cmp -s "$T/seen" "$T/names"; then
	pass "every message has its outcome line"
else
	fail "every message has its outcome line" \
		"$(comm -3 "$T/names" "$T/seen" | head -n 10)"
fi
cut -d' ' -f2 "$T/outcomes" | LC_ALL=C sort | uniq -c |
	while read -r n o; do echo "# outcome $o: $n"; done
is "$(grep -c ' error$' "$T/outcomes")" 0 "no message is an error"

is "$(count "$MD/new")" 0 "new/ is empty afterwards"
filed=$(($(count "$MD/cur") + $(count "$MD/.Processed/cur") + \
	$(count "$MD/.Unmatched/cur")))
is "$filed" "$total" "every message is filed in cur/, .Processed or .Unmatched"
is "$(find "$MD" -type f ! -name maildirfolder | wc -l | tr -d ' ')" "$total" "no message is lost or doubled"

# None of the reports is a request.
LC_ALL=C join "$T/reports" "$T/outcomes" > "$T/report-outcomes"
requests=$(grep -vc ' ignored$' "$T/report-outcomes")
echo "# requests among $nreports bounces, auto-replies and abuse reports: $requests ($((requests * 100 / (nreports + (nreports == 0))))%)"
is "$(wc -l < "$T/report-outcomes" | tr -d ' ')" "$nreports" "every report has an outcome"
is "$requests" 0 "no bounce, auto-reply or abuse report is taken for a request"
grep -v ' ignored$' "$T/report-outcomes" | head -n 20 | while read -r n o; do
	echo "#   $o: $(grep "^$n " "$T/map" | cut -d' ' -f2)"
done

# filter on every 10th file: exit 0, the message back byte for byte.
i=0 bad=0 tried=0
while IFS= read -r f; do
	i=$((i + 1))
	[ $((i % 10)) = 1 ] || continue
	tried=$((tried + 1))
	timeout 10 $MAILOPT_WRAPPER "$MAILOPT" filter < "$f" > "$T/filtered" 2> "$T/filter.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		bad=$((bad + 1))
		echo "#   filter exit $rc: ${f#"$C"/}"
		continue
	fi
	sed -e '1{/^From /{n;/^X-Mailopt-Result: /d;b};/^X-Mailopt-Result: /d}' \
		"$T/filtered" > "$T/unmarked"
	if ! cmp -s "$T/unmarked" "$f"; then
		bad=$((bad + 1))
		echo "#   filter changed: ${f#"$C"/}"
	elif ! head -n 2 "$T/filtered" | grep -q '^X-Mailopt-Result: '; then
		bad=$((bad + 1))
		echo "#   filter added no X-Mailopt-Result: ${f#"$C"/}"
	fi
done < "$T/files"
is "$bad" 0 "filter passes $tried messages through byte for byte, marked"

done_testing
