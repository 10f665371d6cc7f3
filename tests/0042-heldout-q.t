#!/bin/sh
# Held-out set Q (tests/heldout-q): written blind by four writers who saw
# neither the rules nor the earlier sets, frozen while the round tuned
# on heldout-p went on (heldout-q kept blind), scored with the rules from
# before that round; scored once more when that round ended; tuned on
# since, with heldout-r, by the round that kept heldout-s blind. A
# misread message is reported (TODO), the share read right must not drop
# below the one in tests/heldout-q/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-q"
. "$srcdir/tests/heldout.sh"
