#!/bin/sh
# Held-out set N (tests/heldout-n): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen while the round tuned
# on heldout-m went on (heldout-n kept blind), before any of it was read;
# scored once when frozen and once when that round ended; tuned on
# since, by the round that kept heldout-o blind. A misread message is reported (TODO), the
# share read right must not drop below the one in tests/heldout-n/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-n"
. "$srcdir/tests/heldout.sh"
