#!/usr/bin/python3
"""heldout-score.py — score one dry-run sweep of a held-out set against its MANIFEST, as TAP.

usage: heldout-score.py MANIFEST SWEEP.json SCORE-FILE

Each message is one TAP line; a misread one is "not ok ... # TODO" so the
figures, not single messages, decide: the last line fails when the share
read right drops below the one recorded in SCORE-FILE ("right N of M").
A label "none" is right when the message is not taken for a request
(outcome ignored); any other label is right when the action read is it.
"""
import collections
import json
import sys


def main():
    manifest, sweep, scorefile = sys.argv[1:4]
    want = {}
    for line in open(manifest, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        f, label, lang, cat = line.rstrip("\n").split("\t")[:4]
        want[f] = (label, lang, cat)
    got = {}
    for line in open(sweep, encoding="utf-8"):
        o = json.loads(line)
        name = o["file"].split(".", 2)[2]
        read = "none" if o["outcome"] == "ignored" else (o["action"] or "none")
        got[name] = (read, o["outcome"], o["rule"])

    n = 0
    right = 0
    by_lang = collections.defaultdict(lambda: [0, 0])
    by_cat = collections.defaultdict(lambda: [0, 0])
    confusion = collections.Counter()
    optin_as_optout = optout_as_optin = refusal_as_optin = 0
    for f in sorted(want):
        label, lang, cat = want[f]
        read, outcome, rule = got.get(f, ("missing", "missing", None))
        n += 1
        ok = read == label
        right += ok
        by_lang[lang][0] += ok
        by_lang[lang][1] += 1
        by_cat[cat][0] += ok
        by_cat[cat][1] += 1
        confusion[(label, read)] += 1
        if label.startswith("optin-") and read.startswith("optout-"):
            optin_as_optout += 1
        if label.startswith("optout-") and read.startswith("optin-"):
            optout_as_optin += 1
        if cat == "refusal" and read.startswith("optin-"):
            refusal_as_optin += 1
        if ok:
            print(f"ok {n} - {f}: {label}")
        else:
            print(f"not ok {n} - {f}: want {label}, read {read} "
                  f"(outcome {outcome}, rule {rule or '-'}) # TODO misread")

    pct = 100.0 * right / n if n else 0.0
    print(f"# right: {right} of {n} ({pct:.1f}%)")
    print(f"# opt-ins read as opt-outs: {optin_as_optout}; opt-outs read as opt-ins: {optout_as_optin}; "
          f"refusals read as opt-ins: {refusal_as_optin}")
    for title, table in (("language", by_lang), ("category", by_cat)):
        print(f"# by {title}:")
        for k in sorted(table):
            r, m = table[k]
            print(f"#   {k:12} {r:4d} of {m:4d} ({100.0 * r / m:5.1f}%)")
    labels = sorted({k[0] for k in confusion} | {k[1] for k in confusion})
    short = [l.replace("optout-", "").replace("optin-", "in-")
             .replace("thirdparty", "3rd").replace("marketing", "mkt")[:7] for l in labels]
    print("# confusion (rows: label, columns: read):")
    print("# " + " " * 17 + "".join(f" {s:>7}" for s in short))
    for a in labels:
        if any(confusion[(a, b)] for b in labels):
            print(f"# {a:17}" + "".join(f" {confusion[(a, b)]:7d}" for b in labels))

    recorded = None
    try:
        for line in open(scorefile, encoding="utf-8"):
            if line.startswith("right "):
                r, _, m = line.split()[1:4]
                recorded = (int(r), int(m))
    except FileNotFoundError:
        pass
    n += 1
    if recorded is None:
        print(f"not ok {n} - no recorded score in {scorefile}")
    elif recorded[1] != n - 1:
        print(f"not ok {n} - the set has {n - 1} messages, the recorded score counts {recorded[1]}")
    elif right < recorded[0]:
        print(f"not ok {n} - {right} right, below the recorded {recorded[0]}")
    else:
        print(f"ok {n} - {right} right, the recorded score is {recorded[0]}")
    print(f"1..{n}")


if __name__ == "__main__":
    main()
