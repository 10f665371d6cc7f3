#!/bin/sh
# sweep --jobs N reads and classifies with N threads, and records in the
# order of the file names: outcomes, reports, folders and profiles are
# those of --jobs 1, on the samples and on every message of the corpus,
# the blind sets and the shared corpora.
. "$srcdir/tests/lib.sh"

mo init >/dev/null
for bad in 0 -1 65 x 2x ""; do
	exits 64 "--jobs '$bad' is a usage error" mo sweep --jobs "$bad" "$SAMPLES"
done

# the samples, swept for real: once with one thread, once with four
for j in 1 4; do
	MAILOPT_DB="$T/db$j/mailopt.db"
	mkdir -p "$T/db$j"
	mo init >/dev/null
	mo profile import "$SAMPLES/profiles.csv" >/dev/null
	cp -R "$SAMPLES" "$T/md$j"
	mo sweep --no-flush --json --jobs $j "$T/md$j" > "$T/sweep$j.json"
	echo $? > "$T/rc$j"
	mo profile export --json > "$T/profiles$j.json"
	(cd "$T/md$j" && find . -type f | sort) > "$T/files$j"
done
is "$(cat "$T/rc4")" "$(cat "$T/rc1")" "the samples: --jobs 4 exits as --jobs 1"
is "$(cat "$T/sweep4.json")" "$(cat "$T/sweep1.json")" "reports the same outcomes in the same order"
is "$(grep -c . "$T/sweep4.json")" "$(ls "$SAMPLES/new" | grep -c .)" "one line a message"
is "$(cat "$T/files4")" "$(cat "$T/files1")" "files every message in the same folder"
is "$(cat "$T/profiles4.json")" "$(cat "$T/profiles1.json")" "and leaves the same flags and history"

# every message this tree and the shared corpora hold, read without changes
MAILOPT_DB="$T/db/mailopt.db"
mo profile import "$SAMPLES/profiles.csv" >/dev/null
mkmaildir "$T/all"
i=0
for f in "$srcdir"/tests/corpus/*/*.eml "$srcdir"/tests/heldout-*/*.eml \
    $(find "$SHARED/corpora" -type f -size -1M 2>/dev/null | sort); do
	[ -f "$f" ] || continue
	i=$((i + 1))
	cp "$f" "$T/all/new/1700000000.M${i}P1.all"
done
echo "# $i messages"
for j in 1 3; do
	mo sweep --dry-run --no-flush --json --jobs $j "$T/all" > "$T/all$j.json"
	echo $? > "$T/allrc$j"
done
is "$(cat "$T/allrc3")" "$(cat "$T/allrc1")" "all messages: --jobs 3 exits as --jobs 1"
is "$(grep -c . "$T/all3.json")" "$i" "reports every message"
if cmp -s "$T/all1.json" "$T/all3.json"; then
	pass "with the same outcomes, actions and rules, in the same order"
else
	fail "with the same outcomes, actions and rules, in the same order" \
	    "$(diff "$T/all1.json" "$T/all3.json" | head -20)"
fi
# A pattern's answer does not depend on how many messages went before
# it: where the JIT (used once a pattern has run often) gives up for its
# limits, the interpreter decides, as for a deliver of that one message.
mkdir "$T/rules"
printf 'lang en\nr1 ignore body /^(?:a|b)*$/\n' > "$T/rules/50-test.rules"
mkmaildir "$T/lim"
i=0
while [ $i -lt 40 ]; do
	printf 'From: a%d@example.org\nSubject: hello %d\n\nab\n' $i $i > "$T/lim/new/1700000000.M$((100 + i))P1.small"
	i=$((i + 1))
done
{ printf 'From: big@example.org\nSubject: long\n\n'; head -c 50000 /dev/zero | tr '\0' 'a' | sed 's/aa/ab/g'; printf '\n'; } > "$T/big.eml"
cp "$T/big.eml" "$T/lim/new/1700000000.M999P1.big"
MAILOPT_RULES="$T/rules" mo filter < "$T/big.eml" | grep -i '^X-Mailopt-Result' > "$T/alone"
for j in 1 2; do
	MAILOPT_RULES="$T/rules" mo sweep --dry-run --no-flush --json --jobs $j "$T/lim" | grep '"file":"1700000000.M999P1.big"' > "$T/lim$j"
done
like "$(cat "$T/alone")" "rule=r1" "the long message alone is read by the rule"
like "$(cat "$T/lim1")" '"rule":"r1"' "and so after 40 others with --jobs 1"
like "$(cat "$T/lim2")" '"rule":"r1"' "and with --jobs 2"
# So is a quote marker's: a separator line of 3,000 dashes is one in the
# first text of a sweep as in the thirteenth (the markers are JIT-compiled
# after a few texts), and the secret below it is never read.
mkdir "$T/rules2"
printf 'quote-marker (?:-|=)+\nr1 ignore body /secret/\n' > "$T/rules2/50-test.rules"
mkmaildir "$T/q"
{ printf 'From: q@example.org\nSubject: q\n\nhello\n'; head -c 3000 /dev/zero | tr '\0' '-'; printf '\nsecret\n'; } > "$T/q.eml"
cp "$T/q.eml" "$T/q/new/1700000000.M001P1.q"
i=2
while [ $i -lt 13 ]; do
	printf 'From: a%d@example.org\nSubject: hello %d\n\nab\n' $i $i > "$T/q/new/1700000000.M$((100 + i))P1.small"
	i=$((i + 1))
done
cp "$T/q.eml" "$T/q/new/1700000000.M999P1.q"
MAILOPT_RULES="$T/rules2" mo sweep --dry-run --no-flush --json --jobs 1 "$T/q" | grep '\.q"' | sed 's/.*"rule":\([^,]*\),.*/\1/' > "$T/qrules"
is "$(cat "$T/qrules" | tr '\n' ' ')" "null null " "a long separator is one in the first text and in the thirteenth"
done_testing
