#!/bin/sh
# Held-out set L (tests/heldout-l): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the round that
# added the refusal check and tuned on heldout-j, before the round that
# follows; scored once when frozen and once when that round (tuned on
# heldout-k) ended; tuned on since, by the round that kept heldout-m
# blind. A misread message is reported (TODO), the
# share read right must not drop below the one in tests/heldout-l/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-l"
. "$srcdir/tests/heldout.sh"
