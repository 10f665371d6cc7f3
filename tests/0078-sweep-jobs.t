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
done_testing
