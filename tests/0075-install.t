#!/bin/sh
# make install (into a DESTDIR): the programs, the manual pages naming the
# paths this build was configured with, the contrib/ examples in the
# documentation directory the recipes name, the shipped templates beside
# them, and a commented mailopt.conf.sample that never replaces a real
# mailopt.conf; mailopt --version.
. "$srcdir/tests/lib.sh"

exits 0 "mailopt --version" mo --version
like "$(cat "$T/out")" "mailopt " "  prints mailopt VERSION"
exits 0 "mailopt -V" mo -V
is "$(cat "$T/out")" "$(mo --version)" "  the same"

[ -f "$builddir/Makefile" ] || { done_testing; }
command -v make >/dev/null || { done_testing; }
# make MAKE-ARGS: a make of its own, not a part of the one running the tests
make_() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$builddir" "$@"
}
eval "$(make_ print-install-dirs)"
D="$T/inst"
# a real config is already there: install must leave it alone
mkdir -p "$D$sysconfdir/mailopt"
printf 'from = mine@example.com\n' > "$D$sysconfdir/mailopt/mailopt.conf"

exits 0 "make install DESTDIR=..." make_ install DESTDIR="$D"
for f in "$bindir/mailopt" "$pkglibexecdir/mailopt-imap" "$man1dir/mailopt.1" "$man5dir/mailopt.conf.5" \
    "$man5dir/mailopt-rules.5" "$sysconfdir/mailopt/rules.d/50-en.rules" \
    "$docdir/README.contrib" "$docdir/procmailrc.deliver" "$docdir/procmailrc.filter" \
    "$docdir/maildroprc" "$docdir/postfix-main.cf" "$docdir/dot-forward" "$docdir/crontab" \
    "$docdir/mailopt-sweep.service" "$docdir/mailopt-sweep.timer" \
    "$docdir/mailopt-outbox.service" "$docdir/mailopt-outbox.timer" \
    "$docdir/mailopt-imap-idle.service" "$docdir/mailopt.conf.m365" "$docdir/mailopt.conf.gmail" \
    "$docdir/mailopt.conf.sample" "$sysconfdir/mailopt/mailopt.conf.sample" \
    "$docdir/templates/confirmation.en.txt" "$docdir/templates/notice.en.txt"; do
	[ -f "$D$f" ] && pass "installs $f" || fail "installs $f"
done
is "$(cat "$D$sysconfdir/mailopt/mailopt.conf")" "from = mine@example.com" \
	"the real mailopt.conf is left alone"
[ -e "$D$sysconfdir/mailopt/templates" ] &&
	fail "no templates in $sysconfdir/mailopt: they are built in" ||
	pass "no templates in $sysconfdir/mailopt: they are built in"

# the recipes name where they are installed, and so does the manual
like "$(cat "$D$docdir/procmailrc.deliver")" "INCLUDERC=/usr/local/share/doc/mailopt/procmailrc.deliver" \
	"procmailrc.deliver names the default documentation directory"
like "$(cat "$D$man1dir/mailopt.1")" ".It Pa $docdir/" "mailopt(1) names the documentation directory"
like "$(cat "$D$man1dir/mailopt.1")" ".It Pa $sysconfdir/mailopt/mailopt.conf" \
	"mailopt(1) names the configured config file"
like "$(cat "$D$man1dir/mailopt.1")" ".It Pa $localstatedir/lib/mailopt/mailopt.db" \
	"  and the configured database"
like "$(cat "$D$man1dir/mailopt.1")" ".It Pa $pkglibexecdir/mailopt-imap" \
	"  and where mailopt-imap is"
like "$(cat "$D$man5dir/mailopt.conf.5")" "$sysconfdir/mailopt/mailopt.conf" \
	"mailopt.conf(5) names the configured config file"

# the sample: every setting, commented out, and a valid config once uncommented
S="$D$sysconfdir/mailopt/mailopt.conf.sample"
like "$(cat "$S")" "#database = $localstatedir/lib/mailopt/mailopt.db" "the sample shows the configured database"
is "$(grep -v '^#' "$S" | grep -c .)" 0 "the sample sets nothing"
cp "$S" "$T/sample.conf"
exits 0 "the sample as it is is a valid config" mo --config "$T/sample.conf" rules check

make_ uninstall DESTDIR="$D" >/dev/null 2>&1
is "$(cat "$D$sysconfdir/mailopt/mailopt.conf")" "from = mine@example.com" \
	"make uninstall leaves the real mailopt.conf too"

done_testing
