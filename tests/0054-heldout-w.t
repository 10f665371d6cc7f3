#!/bin/sh
# Held-out set W (tests/heldout-w): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen before the changes that
# followed heldout-v's round, scored once then and once when they ended,
# never tuned on; its misreads are in view since. A misread message is
# reported (TODO), the share read right must not drop below the one in
# tests/heldout-w/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-w"
. "$srcdir/tests/heldout.sh"
