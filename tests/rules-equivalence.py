#!/usr/bin/python3
"""rules-equivalence.py — prove that two rule sets read mail alike.

Used when rule files are rewritten without meaning to change what they
match (the move to define/{NAME}, '| branch' lines and lang): the old
set is taken from a git revision (or a directory), the new one from a
directory, and

 1. `mailopt rules show` of both must be the same rules in the same
    order: id, action, where, and the pattern with every {NAME}
    expanded and its branches joined, byte for byte. Identical patterns
    match identically on any input, not only on the mail below.
 2. every message under the given directories goes through a dry-run
    sweep with each set, and each must be read by the same rule with
    the same action.

Usage (from a build directory):
  tests/rules-equivalence.py [--mailopt ./mailopt] [--old-rev REV |
      --old-dir DIR] [--old-mailopt BINARY] [--new-dir DIR] [--sweep-only]
      [DIR ...]
With --sweep-only the patterns may differ (a rule rewritten to run
faster) and only point 2 is checked. Point 2 compares the outcome too.
With --old-mailopt (a build of the old revision) the old rules are swept
by the old program, so the loader is compared too. DIRs default to
tests/corpus, tests/heldout-a, tests/fixtures and ../shared/corpora.
Exits 0 when both hold, 1 with the differences otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = {"MANIFEST", "SCORE", "README", "README.md"}
SKIP_EXT = (".rules", ".csv", ".md", ".py", ".sh", ".t", ".txt", ".json")


def old_rules(rev, repo, dest):
    """The rules/*.rules of git revision rev, written into dest."""
    names = subprocess.run(["git", "-C", repo, "ls-tree", "--name-only",
                            rev, "rules/"], check=True, capture_output=True,
                           text=True).stdout.split()
    for n in names:
        if n.endswith(".rules"):
            data = subprocess.run(["git", "-C", repo, "show", rev + ":" + n],
                                  check=True, capture_output=True).stdout
            with open(os.path.join(dest, os.path.basename(n)), "wb") as f:
                f.write(data)


def run(mailopt, env, *args):
    return subprocess.run([mailopt] + list(args), env=env, check=True,
                          capture_output=True, text=True).stdout


def show(mailopt, env, rules):
    """id, action, where, /pattern/flags of every rule, in order."""
    out = run(mailopt, env, "--rules", rules, "rules", "show")
    return ["\t".join(l.split("\t")[2:]) for l in out.splitlines()]


def messages(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f in SKIP or f.endswith(SKIP_EXT):
                    continue
                yield os.path.join(root, f)


def sweep(mailopt, env, rules, paths, work):
    """{path: (outcome, rule, action)} from one dry-run sweep over copies of paths."""
    md = os.path.join(work, "Maildir")
    shutil.rmtree(md, ignore_errors=True)
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(md, sub))
    names = {}
    for i, p in enumerate(paths):
        name = "1717000000.M%dP1.x" % i
        shutil.copyfile(p, os.path.join(md, "new", name))
        names[name] = p
    out = run(mailopt, env, "--rules", rules, "sweep", "--dry-run", "--json",
              "--no-flush", md)
    got = {}
    for line in out.splitlines():
        o = json.loads(line)
        got[names[o["file"]]] = (o.get("outcome"), o.get("rule"),
                                 o.get("action"))
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mailopt", default="./mailopt")
    # a build of the old revision, to sweep the old rules with the old loader
    ap.add_argument("--old-mailopt")
    ap.add_argument("--old-rev", default="d54e72b")
    ap.add_argument("--old-dir")
    ap.add_argument("--new-dir")
    ap.add_argument("--repo", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    # for patterns rewritten to run faster: only the sweeps must agree
    ap.add_argument("--sweep-only", action="store_true")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    src = os.path.abspath(a.repo)
    new = a.new_dir or os.path.join(src, "rules")
    dirs = a.dirs or [os.path.join(src, d) for d in
                      ("tests/corpus", "tests/heldout-a", "tests/fixtures")] + \
        [os.path.join(src, "..", "shared", "corpora")]
    mailopt = os.path.abspath(a.mailopt)
    bad = 0
    with tempfile.TemporaryDirectory() as work:
        old = a.old_dir
        if old is None:
            old = os.path.join(work, "old-rules")
            os.mkdir(old)
            old_rules(a.old_rev, src, old)
        env = dict(os.environ, MAILOPT_DB=os.path.join(work, "db"),
                   MAILOPT_CONFIG=os.path.join(work, "conf"), LC_ALL="C.UTF-8")
        env.pop("MAILOPT_RULES", None)
        with open(env["MAILOPT_CONFIG"], "w") as f:
            # as tests/0008-corpus.t configures it: the footer is cut from bodies
            f.write("newsletter_footer = ^\\s*(?:You are receiving this "
                    "newsletter|Sie erhalten diesen Newsletter|Vous recevez "
                    "cette newsletter|Recibe este bolet[ií]n|Ricevi questa "
                    "newsletter|U ontvangt deze nieuwsbrief|Recebe esta "
                    "newsletter)\\b\n")
        run(mailopt, env, "init")

        a_show, b_show = show(mailopt, env, old), show(mailopt, env, new)
        if a.sweep_only:
            print("rules show: not compared (--sweep-only): %d old rules, "
                  "%d new" % (len(a_show), len(b_show)))
        elif a_show == b_show:
            print("rules show: %d rules, the same ids, actions, fields and "
                  "expanded patterns in the same order" % len(a_show))
        else:
            bad += 1
            print("rules show differs: %d old rules, %d new" %
                  (len(a_show), len(b_show)))
            for x, y in zip(a_show, b_show):
                if x != y:
                    print("  old: %s\n  new: %s" % (x[:300], y[:300]))
                    break

        paths = sorted(set(messages(d for d in dirs if os.path.isdir(d))))
        ga = sweep(os.path.abspath(a.old_mailopt or mailopt), env, old, paths,
                   work)
        gb = sweep(mailopt, env, new, paths, work)
        diff = [p for p in paths if ga.get(p) != gb.get(p)]
        hits = sum(1 for p in paths if ga.get(p, (None, None))[1])
        print("messages: %d, read by a rule: %d, read differently: %d" %
              (len(paths), hits, len(diff)))
        for p in diff[:20]:
            print("  %s: old %s, new %s" % (p, ga.get(p), gb.get(p)))
        if diff:
            bad += 1
        missing = [p for p in paths if p not in ga]
        if missing:
            print("  (%d files the sweep gave no result for, e.g. %s)" %
                  (len(missing), missing[0]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
