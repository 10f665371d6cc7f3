#!/bin/sh
# Hostile input: empty, binary, absurdly nested or long, NULs, bad UTF-8,
# CR-only, encoded-word bombs, messages at and over max_message_size.
# deliver answers 0 or 1, filter passes every byte through, sweep files
# every one, each within a time limit. A locked database is a temporary
# failure that loses nothing.
. "$srcdir/tests/lib.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"

mo init >/dev/null || { echo "Bail out! init failed"; exit 99; }
printf 'email,name,country\npat@example.com,Pat Quinn,IE\nsam@example.com,Sam Roe,NL\nkim@example.com,Kim Lee,DE\n' \
	> "$T/profiles.csv"
mo profile import "$T/profiles.csv" >/dev/null ||
	{ echo "Bail out! import failed"; exit 99; }

# A memory ceiling catches unbounded growth; not under a checker or a
# sanitizer, which reserve huge address space themselves.
MEMCAP=
if [ -z "$MAILOPT_WRAPPER" ] && ! ldd "$MAILOPT" 2>/dev/null | grep -q 'lib[atlm]san'; then
	MEMCAP=1048576		# KiB
fi

# run SECONDS ARGS...: mailopt under a time limit (and the memory ceiling).
run() {
	(
		secs=$1
		shift
		[ -z "$MEMCAP" ] || ulimit -v "$MEMCAP"
		exec timeout "$secs" $MAILOPT_WRAPPER "$MAILOPT" "$@"
	)
}

# small ARGS / busy ARGS: run with max_message_size = 64k / a 200 ms busy timeout.
small() {
	(MAILOPT_CONFIG="$T/small.conf"; run "$@")
}
busy() {
	(MAILOPT_BUSY_TIMEOUT=200; export MAILOPT_BUSY_TIMEOUT; run "$@")
}

# The inputs, made reproducibly.
H="$T/hostile"
mkdir -p "$H"
/usr/bin/python3 - "$H" <<'EOF' || { echo "Bail out! cannot make the inputs"; exit 99; }
import os, random, sys

out = sys.argv[1]
random.seed(20240514)

def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

put("empty", b"")
put("headers-only",
    b"From: Pat Quinn <pat@example.com>\nTo: sales@nordwind.example\n"
    b"Subject: unsubscribe\nMessage-ID: <headers-only@example.com>\n")
put("garbage", bytes(random.getrandbits(8) for _ in range(100000)))

# 100 000 multiparts inside each other, never closed
deep = [b"From: x@example.org\nSubject: nested\nMIME-Version: 1.0\n"]
for i in range(100000):
    deep.append(b"Content-Type: multipart/mixed; boundary=%x\n\n--%x\n" % (i, i))
deep.append(b"Content-Type: text/plain\n\nunsubscribe me\n")
put("deep-nesting", b"".join(deep))

put("nul-bytes",
    b"From: Kim\0 Lee <kim@exam\0ple.com>\nSubject: unsub\0scribe\0\n"
    b"X-Nul\0Name: a\0b\nMessage-ID: <nul\0@example.com>\n\n"
    b"please \0\0 remove\0me \0 from your list\n\0\0\0\n")
put("long-header",
    b"From: x@example.org\nMessage-ID: <long-header@example.org>\nSubject: "
    + b"lorem ipsum " * (2 * 1024 * 1024 // 12) + b"\n\nhello\n")
put("no-colon",
    b"From: x@example.org\nthis header line has no colon\nSubject: question\n"
    b"another one\n\tand a continuation\n\nbody\n")
put("bad-utf8",
    b"From: \xff\xfe\xc3 <x\xc3@example.org>\nSubject: \xc3\x28 unsub \xed\xa0\x80"
    b" =?utf-8?B?w7/+gA==?= =?utf-8?Q?=C3=28=FF?=\n\xff\xfe: \xc0\xaf\n"
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\xfe\"\n\n"
    b"--\xfe\nContent-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\n\n\xc0\xaf\xe0\x80\xaf \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80\n"
    b"--\xfe\nContent-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: quoted-printable\n\n=FF=FE=C3=28 =ED=A0=80=\n=\n"
    b"--\xfe\nContent-Type: text/html; charset=\xff\n"
    b"Content-Transfer-Encoding: base64\n\n//7DKO2ggA==\n--\xfe--\n")
put("cr-only",
    b"From: Sam Roe <sam@example.com>\rSubject: question about NW-200\r"
    b"Message-ID: <cr-only@example.com>\r\rHello,\rdo you ship to Norway?\r")
words = []
for i in range(20000):
    words.append(random.choice([
        b"=?UTF-8?B?dW5zdWJzY3JpYmU=?=", b"=?utf-8?q?r=C3=A9sili=C3=A9?=",
        b"=?x-unknown?Q?abc?=", b"=?utf-8?B?####?=", b"=?=?=", b"=?utf-8?Q?=",
        b"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", b"=?utf-8*en?b??="]))
put("encoded-word-bomb",
    b"From: x@example.org\nSubject: " + b" ".join(words) + b"\n\nhi\n")

# what a mail client that lost the MIME headers shows: base64 as text,
# many kilobytes of one sentence, and a request after it
blob = __import__("base64").encodebytes(
    bytes(random.getrandbits(8) for _ in range(13000)))
put("base64-as-text",
    b"From: Pat Quinn <pat@example.com>\nTo: sales@nordwind.example\n"
    b"Subject: hello\nMessage-ID: <base64-as-text@example.com>\n\n"
    + blob + b"\ntake me off all your lists\n")
# a long list of short lines, one paragraph, no sentence ending
put("long-list",
    b"From: Sam Roe <sam@example.com>\nTo: sales@nordwind.example\n"
    b"Subject: updated weblogs\nMessage-ID: <long-list@example.com>\n\n"
    + b"".join(b"  %d news from the e-mail desk of weblog %d\n    http://blog%d.example/\n"
               % (i, i, i) for i in range(1500)))

def sized(size, sender, mid):
    head = (b"From: %s\nSubject: unsubscribe\nMessage-ID: <%s@example.com>\n\n"
            % (sender, mid))
    body = (b"x" * 71 + b"\n") * ((size - len(head)) // 72)
    body += b"y" * (size - len(head) - len(body) - 1) + b"\n"
    assert len(head + body) == size
    return head + body

put("at-limit", sized(65536, b"pat@example.com", b"at-limit"))
put("over-limit", sized(65537, b"sam@example.com", b"over-limit"))
put("far-over-limit", sized(1024 * 1024 + 3, b"sam@example.com", b"far-over-limit"))
EOF

# unmark FILE: without mailopt's header line.
unmark() {
	sed -e '1{/^From /{n;/^X-Mailopt-Result: /d;b};/^X-Mailopt-Result: /d}' "$1"
}

# --- deliver and filter, one message at a time -------------------------
for name in empty headers-only garbage deep-nesting nul-bytes long-header \
    no-colon bad-utf8 cr-only encoded-word-bomb base64-as-text long-list; do
	f="$H/$name"
	run 60 deliver < "$f" > "$T/out" 2> "$T/err"
	rc=$?
	case $rc in
	0|1) pass "$name: deliver answers (exit $rc)" ;;
	*) fail "$name: deliver answers 0 or 1" "exit $rc
$(head -c 500 "$T/err")" ;;
	esac

	run 60 filter < "$f" > "$T/filtered" 2> "$T/err"
	rc=$?
	is "$rc" 0 "$name: filter exits 0"
	unmark "$T/filtered" > "$T/unmarked"
	if cmp -s "$T/unmarked" "$f"; then
		pass "$name: filter passes it through byte for byte"
	else
		fail "$name: filter passes it through byte for byte" \
			"$(wc -c < "$T/filtered") bytes out for $(wc -c < "$f") in"
	fi
	hdr=$(head -n 2 "$T/filtered" | grep -a '^X-Mailopt-Result: ')
	like "$hdr" "X-Mailopt-Result: " "$name: filter marks it"
	unlike "$hdr" "X-Mailopt-Result: error" "$name: with an outcome, not an error"
done

# --- max_message_size --------------------------------------------------
printf 'max_message_size = 64k\n' > "$T/small.conf"
small 60 deliver < "$H/at-limit" > "$T/out" 2> "$T/err"
is "$?" 0 "a request of exactly max_message_size is taken"
is "$(flag pat@example.com marketing_email)" false "  and applied"
small 60 deliver < "$H/over-limit" > "$T/out" 2> "$T/err"
is "$?" 1 "one byte more is not a request (exit 1)"
is "$(flag sam@example.com marketing_email)" true "  and changes nothing"
small 60 filter < "$H/over-limit" > "$T/filtered" 2> "$T/err"
is "$?" 0 "filter takes the oversized message"
like "$(head -n 1 "$T/filtered")" "X-Mailopt-Result: ignored" "  marks it ignored"
unmark "$T/filtered" > "$T/unmarked"
if cmp -s "$T/unmarked" "$H/over-limit"; then
	pass "  and passes all of it through"
else
	fail "  and passes all of it through" "$(wc -c < "$T/unmarked") bytes"
fi

small 60 filter < "$H/far-over-limit" > "$T/filtered" 2> "$T/err"
is "$?" 0 "filter takes a message 16 times max_message_size"
unmark "$T/filtered" > "$T/unmarked"
if cmp -s "$T/unmarked" "$H/far-over-limit"; then
	pass "  and passes all of it through"
else
	fail "  and passes all of it through" "$(wc -c < "$T/unmarked") bytes"
fi
{ cat "$H/far-over-limit"; echo $? > "$T/writer"; } |
	small 60 deliver > "$T/out" 2> "$T/err"
is "$?" 1 "deliver answers that it is not a request"
is "$(cat "$T/writer")" 0 "  after reading all of it (the writer saw no broken pipe)"

# --- max_read_ms: what the rules cannot read in time, a person reads --
cp "$MAILOPT_CONFIG" "$T/quick.conf" 2>/dev/null || : > "$T/quick.conf"
printf 'max_read_ms = 1\n' >> "$T/quick.conf"
quick() {
	(MAILOPT_CONFIG="$T/quick.conf"; run "$@")
}
quick 60 filter < "$H/long-list" > "$T/filtered" 2> "$T/err"
is "$?" 0 "max_read_ms = 1: filter exits 0"
like "$(head -n 1 "$T/filtered")" \
	"X-Mailopt-Result: queued; action=review; rule=time-limit" \
	"  and marks the long list queued for review by the time limit"
quick 60 rules explain "$H/long-list" > "$T/out" 2> "$T/err"
like "$(cat "$T/out")" "winner: time-limit (review)" "  rules explain names the time limit"
like "$(grep 'MATCH time-limit' "$T/out")" "the time limit ran out" \
	"  in its list of the rules tried"
quick 60 deliver < "$H/long-list" > "$T/out" 2> "$T/err"
is "$?" 0 "  deliver takes it (exit 0)"
like "$(mo queue list)" "the rules could not read it to the end in max_read_ms" \
	"  and queues it for a person, saying why"
is "$(flag sam@example.com marketing_email)" true "  changing no flag"
printf 'max_read_ms = 0\n' >> "$T/quick.conf"
quick 60 filter < "$H/long-list" > "$T/filtered" 2> "$T/err"
unlike "$(head -n 1 "$T/filtered")" "rule=time-limit" \
	"max_read_ms = 0: the rules read it to the end"

# --- sweep: every one of them filed ------------------------------------
MD="$T/Maildir"
mkmaildir "$MD"
i=0
for f in "$H"/*; do
	i=$((i + 1))
	cp "$f" "$MD/new/1715000000.M${i}P7.hostile"
done
run 120 sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/err"
is "$?" 0 "sweep of $i hostile messages exits 0"
is "$(grep -c '^1715000000\.M' "$T/sweep.out")" "$i" "one outcome line each"
is "$(grep '^1715000000\.M' "$T/sweep.out" | grep -c '^[^ ]* error')" 0 "none is an error"
is "$(count "$MD/new")" 0 "none is left in new/"
is "$(find "$MD" -type f -path '*/cur/*' | wc -l | tr -d ' ')" "$i" "every one is filed"
grep '^1715000000\.M' "$T/sweep.out" | cut -d' ' -f2 | sort | uniq -c |
	while read -r n o; do echo "# $o: $n"; done

# over max_message_size, sweep leaves it in the inbox as not a request
MD="$T/small"
mkmaildir "$MD"
cp "$H/over-limit" "$MD/new/1715000000.M1P8.over"
small 60 sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/err"
is "$?" 0 "sweep with max_message_size = 64k exits 0"
like "$(head -n 1 "$T/sweep.out")" "1715000000.M1P8.over ignored" \
	"  and ignores the message one byte over it"
is "$(count "$MD/cur")" 1 "  leaving it in the inbox's cur/"

# --- a locked database -------------------------------------------------
MD="$T/busy"
mkmaildir "$MD"
printf 'From: Kim Lee <kim@example.com>\nSubject: unsubscribe\nMessage-ID: <busy-1@example.com>\n\nplease\n' \
	> "$MD/new/1716000000.M1P9.busy"
printf 'From: someone@example.org\nSubject: price list\nMessage-ID: <busy-2@example.com>\n\nhi\n' \
	> "$MD/new/1716000000.M2P9.busy"
cp "$MD/new/1716000000.M1P9.busy" "$T/busy-request"

# another writer holds the lock until we close its input
mkfifo "$T/holder"
sqlite3 "$MAILOPT_DB" < "$T/holder" > /dev/null &
holder=$!
exec 3> "$T/holder"
printf '.timeout 5000\nBEGIN IMMEDIATE;\n' >&3
# wait until the lock is really held
n=0
while sqlite3 -cmd '.timeout 0' "$MAILOPT_DB" 'BEGIN IMMEDIATE; ROLLBACK;' \
    >/dev/null 2>&1 && [ $n -lt 40 ]; do
	sleep 0.05
	n=$((n + 1))
done

busy 60 sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/err"
is "$?" 75 "sweep on a locked database is a temporary failure (75)"
like "$(cat "$T/err")" "locked" "  and says the database is locked"
is "$(count "$MD/new")" 2 "  every message stays in new/"
is "$(count "$MD/cur")" 0 "  none is filed"
busy 60 deliver < "$T/busy-request" > "$T/out" 2> "$T/err"
is "$?" 75 "deliver on a locked database is a temporary failure (75)"
busy 60 filter < "$T/busy-request" > "$T/filtered" 2> "$T/err"
is "$?" 0 "filter on a locked database still exits 0"
like "$(head -n 1 "$T/filtered")" "X-Mailopt-Result: error" "  and marks the message error"
busy 60 filter -x < "$T/busy-request" > "$T/filtered" 2> "$T/err"
is "$?" 75 "filter -x on a locked database exits 75"
is "$(flag kim@example.com marketing_email)" true "nothing was changed meanwhile"

exec 3>&-
wait "$holder"
run 60 sweep --no-flush "$MD" > "$T/sweep.out" 2> "$T/err"
is "$?" 0 "once the lock is gone, sweep succeeds"
is "$(count "$MD/new")" 0 "  and files every message"
is "$(flag kim@example.com marketing_email)" false "  and applies the request"

done_testing
