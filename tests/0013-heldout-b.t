#!/bin/sh
# Held-out set B (tests/heldout-b): written blind by other writers than
# set A; scored once, untuned, when the tuning on heldout-a ended, then
# tuned on (heldout-c is the set never tuned on). A misread message is
# reported (TODO), the share read right must not drop below the one in
# tests/heldout-b/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-b"
. "$srcdir/tests/heldout.sh"
