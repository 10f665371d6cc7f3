#!/bin/sh
# disk full: deliver and sweep exit 75 and leave every message where it was; after space is freed the next run finishes the work, once.
. "$srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to mount a small tmpfs"
mkdir -p "$T/fs"
mount -t tmpfs -o size=2m,nr_inodes=64 tmpfs "$T/fs" 2>/dev/null ||
	skip_all "cannot mount a tmpfs here"
trap 'umount "$T/fs" 2>/dev/null; rm -rf "$T"' EXIT

fill() {
	dd if=/dev/zero of="$T/fs/filler" bs=4k 2>/dev/null
	i=0
	# and every inode, so no directory can be made either
	while : > "$T/fs/i$i" 2>/dev/null; do i=$((i + 1)); done
}
unfill() {
	rm -f "$T/fs/filler" "$T/fs"/i*
}

optout() {
	printf 'From: karin.meyer@meyer-labor.example\nTo: sales@nordwind.example\nSubject: unsubscribe\nMessage-ID: <%s@meyer-labor.example>\n\nPlease take me off all your lists.\n' "$1"
}

# the database on the full disk
MAILOPT_DB="$T/fs/db/mailopt.db"
mo init >/dev/null
mo profile import "$FIX/token/profiles.csv" >/dev/null
fill
optout full1 > "$T/m1"
exits 75 "deliver on a full disk is a temporary failure" mo deliver < "$T/m1"
unfill
is "$(flag karin.meyer@meyer-labor.example marketing_postal)" true \
	"nothing was changed"
exits 0 "once there is space the retry is applied" mo deliver < "$T/m1"
is "$(flag karin.meyer@meyer-labor.example marketing_postal)" false \
	"  and the flags change"

sql "UPDATE profile SET marketing_email = 1, marketing_postal = 1, third_party = 1"
mkmaildir "$T/md"
optout full2 > "$T/md/new/1764500000.M1P1.mx1"
fill
exits 75 "sweep with the database on a full disk exits 75" mo sweep --no-flush "$T/md"
is "$(count "$T/md/new")" 1 "the message stays in new/"
unfill
exits 0 "the next sweep succeeds" mo sweep --no-flush "$T/md"
like "$(cat "$T/out")" "applied" "  and applies it"

# a sweep of several batches whose first cannot be committed while the
# next is read ahead: it too stays, and the next run files all once
sql "UPDATE profile SET marketing_email = 1, marketing_postal = 1, third_party = 1"
mkmaildir "$T/md3"
i=0
while [ $i -lt 450 ]; do
	optout "batch$i" > "$T/md3/new/1764600000.M${i}P1.mx1"
	i=$((i + 1))
done
fill
exits 75 "a sweep of 450 with two threads, the database on a full disk, exits 75" \
    mo sweep --no-flush --jobs 2 "$T/md3"
is "$(count "$T/md3/new")" 450 "  every message stays in new/"
unfill
exits 0 "the next sweep succeeds" mo sweep --no-flush --jobs 2 "$T/md3"
is "$(count "$T/md3/new")" 0 "  and files every message"
like "$(tail -n 1 "$T/out")" "450 messages: 1 applied, 449 unchanged" \
    "  each once: the first applied, the others find the flags so"

# the Maildir on the full disk, the database elsewhere
umount "$T/fs"
mount -t tmpfs -o size=2m,nr_inodes=64 tmpfs "$T/fs"
MAILOPT_DB="$T/db2/mailopt.db"
mo init >/dev/null
mo profile import "$FIX/token/profiles.csv" >/dev/null
mkmaildir "$T/fs/md"
optout full3 > "$T/fs/md/new/1764500001.M2P1.mx1"
fill
exits 75 "sweep that cannot file the message exits 75" mo sweep --no-flush "$T/fs/md"
is "$(count "$T/fs/md/new")" 1 "the message stays in new/"
unfill
exits 0 "the next sweep files it" mo sweep --no-flush "$T/fs/md"
is "$(count "$T/fs/md/.Processed/cur")" 1 "  into .Processed"
is "$(count "$T/fs/md/new")" 0 "  and new/ is empty"
is "$(sql "SELECT count(*) FROM history WHERE message_id = 'full3@meyer-labor.example'")" 2 \
	"the change was recorded once"

done_testing
