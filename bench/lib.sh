# lib.sh — how each benchmark starts: the mailopt to measure, the workload generator, a scratch directory removed on exit.
#
# Sourced with top set to the source tree. Sets mailopt (MAILOPT,
# default $top/_build/mailopt, which must be built), gen (GEN, default
# ../shared/bench/gen-maildir) and work.
mailopt=${MAILOPT:-$top/_build/mailopt}
gen=${GEN:-$top/../shared/bench/gen-maildir}
work=$(mktemp -d "${TMPDIR:-/tmp}/mailopt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$mailopt" ] || { echo "bench: build mailopt first ($mailopt)" >&2; exit 66; }
