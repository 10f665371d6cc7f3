#!/bin/sh
# Held-out set B (tests/heldout-b): written blind by other writers than
# set A and never tuned on; scored once when the tuning on heldout-a
# ended. A misread message is reported (TODO), the share read right must
# not drop below the one in tests/heldout-b/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-b"
. "$srcdir/tests/heldout.sh"
