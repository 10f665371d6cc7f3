#!/bin/sh
# quickstart.sh — build mailopt and show it at work on maildir-samples/; "test" runs the test suite instead.
#
#   sh contrib/quickstart.sh        build, then sweep a scratch copy of the samples
#   sh contrib/quickstart.sh test   build, then make check
#
# Missing Debian packages are installed with apt-get when run as root;
# otherwise the script names them and stops.
set -eu

mode=${1:-demo}
case $mode in
demo|test) ;;
*) echo "usage: sh contrib/quickstart.sh [test]" >&2; exit 64 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MAILOPT_BUILD:-$top/_build}
deps="gcc make autoconf automake pkg-config libetpan-dev libsqlite3-dev
libpcre2-dev nettle-dev libcurl4-gnutls-dev libgnutls28-dev"
[ "$mode" = test ] && deps="$deps sqlite3 procmail python3 python3-aiosmtpd
dovecot-imapd openssl"

missing=
for p in $deps; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "quickstart: installing$missing"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $missing >/dev/null
	else
		echo "quickstart: missing packages:$missing" >&2
		echo "quickstart: install them with: sudo apt-get install$missing" >&2
		exit 69
	fi
fi

echo "quickstart: building in $build"
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" --enable-werror >/dev/null
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

if [ "$mode" = test ]; then
	exec make -j"$(nproc 2>/dev/null || echo 2)" check VERBOSE=1
fi

demo=$(mktemp -d "${TMPDIR:-/tmp}/mailopt-demo.XXXXXX")
cp -R "$top/maildir-samples" "$demo/Maildir"
rm -f "$demo/Maildir/profiles.csv" "$demo/Maildir/expected.tsv" "$demo/Maildir/README"
cat > "$demo/mailopt.conf" <<CONF
database = $demo/mailopt.db
rules = $top/rules
templates = $top/templates
from = Nordwind Instruments <sales@nordwind.example>
trusted_authserv_id = mx1.nordwind.example
CONF
export MAILOPT_CONFIG="$demo/mailopt.conf"
./mailopt init
./mailopt profile import "$top/maildir-samples/profiles.csv"
echo "quickstart: sweeping a copy of maildir-samples in $demo/Maildir"
# --no-flush: the demo sends no mail; the confirmations wait in the outbox
./mailopt sweep --no-flush "$demo/Maildir"
echo "quickstart: confirmations waiting to be sent (mailopt outbox flush would send them):"
./mailopt outbox list
echo "quickstart: requests waiting for an operator:"
./mailopt queue list
echo "quickstart: done; try"
echo "  MAILOPT_CONFIG=$demo/mailopt.conf $build/mailopt profile show EMAIL"
echo "  ls $demo/Maildir/.Processed/cur $demo/Maildir/.Unmatched/cur"
