#!/bin/sh
# Held-out set M (tests/heldout-m): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the round tuned
# on heldout-k (heldout-l kept blind) and before the round that follows;
# scored once when frozen and once when that round (tuned on heldout-l)
# ended; tuned on since, by the round that kept heldout-n blind. A
# misread message is reported (TODO), the
# share read right must not drop below the one in tests/heldout-m/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-m"
. "$srcdir/tests/heldout.sh"
