#!/bin/sh
# Held-out set O (tests/heldout-o): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the round tuned on
# heldout-m, while the round tuned on heldout-n went on (heldout-o kept
# blind); scored once when frozen and once when that round ended; tuned
# on since, by the round that kept heldout-p blind. A misread message is reported (TODO), the share read right
# must not drop below the one in tests/heldout-o/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-o"
. "$srcdir/tests/heldout.sh"
