#!/bin/sh
# Held-out set K (tests/heldout-k): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the rounds tuned on
# heldout-a to -i and before any round that follows; scored once when
# frozen and once when the next round (tuned on heldout-j) ended; tuned
# on since, by the round that kept heldout-l blind. A
# misread message is reported (TODO), the share read right must not drop
# below the one in tests/heldout-k/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-k"
. "$srcdir/tests/heldout.sh"
