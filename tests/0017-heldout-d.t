#!/bin/sh
# Held-out set D (tests/heldout-d): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen before the round of
# tuning on heldout-a, -b and -c, scored once, untuned, when it ended,
# then tuned on (heldout-e is the set never tuned on). A misread message
# is reported (TODO), the share read right must not drop below the one
# in tests/heldout-d/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-d"
. "$srcdir/tests/heldout.sh"
