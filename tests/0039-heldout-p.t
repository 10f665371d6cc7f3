#!/bin/sh
# Held-out set P (tests/heldout-p): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the round tuned on
# heldout-n and before the round tuned on heldout-o (heldout-p kept
# blind); scored once when frozen and once when that round ended; tuned
# on since, by the round that kept heldout-q blind. A misread message is reported (TODO), the share read right
# must not drop below the one in tests/heldout-p/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-p"
. "$srcdir/tests/heldout.sh"
