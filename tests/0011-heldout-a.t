#!/bin/sh
# Held-out set A (tests/heldout-a): mail in seven languages and bulk mail
# written blind, scored by what mailopt reads in one dry-run sweep. A
# misread message is reported (TODO), the share read right must not drop
# below the one in tests/heldout-a/SCORE.
. "$srcdir/tests/lib.sh"
H="$srcdir/tests/heldout-a"
. "$srcdir/tests/heldout.sh"
