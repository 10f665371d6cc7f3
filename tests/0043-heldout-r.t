#!/bin/sh
# Held-out set R (tests/heldout-r): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen after the round tuned
# on heldout-p and scored once then; tuned on since, with heldout-q, by
# the round that kept heldout-s blind. A misread message is reported
# (TODO), the share read right must not drop below the one in
# tests/heldout-r/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-r"
. "$srcdir/tests/heldout.sh"
