#!/usr/bin/python3
"""decode-check.py — mailopt's decoded text of messages against Python's email package.

    decode-check.py MAILOPT RULES BASE FILE...

For each FILE (a path relative to BASE) runs `MAILOPT --rules RULES rules
explain` and reads its "text:" block: the text mailopt decoded, before
anything is stripped. Python's email package (policy=default) reads the
same file; get_body(preferencelist=('plain', 'html')) picks the part and
get_content() decodes it; HTML is turned into text with html.parser
(script, style, head and title dropped). Both texts are compared without
white space and without '>' (mailopt marks blockquote lines with it) and
with U+FFFD and '?' taken as the same unknown character.

Prints one line per file, tab-separated: the file, then "agree", "skip"
(no text part for Python, nor any text from mailopt) or "differ" and
where they part: "@offset mailopt='...' python='...'", or the Python
error. Exit status 0; the test decides what is acceptable.
"""
import concurrent.futures
import email
import email.policy
import html.parser
import os
import subprocess
import sys
import unicodedata

SKIP_TAGS = {"script", "style", "head", "title"}


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skip += 1
        else:
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skip:
            self.skip -= 1
        else:
            self.out.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(s):
    p = Text()
    try:
        p.feed(s)
        p.close()
    except Exception:  # html.parser is lenient; never let it stop the check
        pass
    return "".join(p.out)


def norm(s):
    s = unicodedata.normalize("NFC", s)
    return "".join(ch for ch in s if not ch.isspace() and ch not in ">\u00ad\u200b\u200c\u200d\ufeff") \
        .replace("\ufffd", "?")


def python_text(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return None
    try:
        text = body.get_content()
    except (LookupError, UnicodeError) as e:
        return "ERROR: %s: %s" % (type(e).__name__, e)
    if not isinstance(text, str):
        return None
    if body.get_content_subtype() == "html":
        text = html_text(text)
    return text


def mailopt_text(mailopt, rules, path):
    env = dict(os.environ, MAILOPT_DB="/nonexistent/decode-check.db", MAILOPT_CONFIG="/dev/null")
    r = subprocess.run([mailopt, "--rules", rules, "rules", "explain", path], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    lines = r.stdout.decode("utf-8", "replace").split("\n")
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("  (from address: ")) + 1
    except StopIteration:
        return None
    if i >= len(lines) or lines[i] != "text:":
        return None
    out = []
    for l in lines[i + 1:]:
        if l == "  (empty)":
            break
        if not l.startswith("  | "):
            break
        out.append(l[4:])
    return "\n".join(out)


def check(mailopt, rules, base, f):
    path = os.path.join(base, f)
    with open(path, "rb") as fh:
        data = fh.read()
    py = python_text(data)
    mo = mailopt_text(mailopt, rules, path)
    if mo is None:
        return "differ", "mailopt printed no text block"
    if py is None:
        return ("skip", "") if norm(mo) == "" else ("differ", "python found no text part")
    if py.startswith("ERROR: "):
        return "differ", "python: " + py[7:]
    a, b = norm(mo), norm(py)
    if a == b:
        return "agree", ""
    k = 0
    while k < len(a) and k < len(b) and a[k] == b[k]:
        k += 1
    return "differ", "@%d of %d/%d mailopt=%r python=%r" % (k, len(a), len(b), a[k:k + 24], b[k:k + 24])


def main():
    mailopt, rules, base = sys.argv[1:4]
    files = sys.argv[4:]
    # mailopt runs once per file: a few at a time
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as ex:
        for f, (verdict, why) in zip(files, ex.map(lambda f: check(mailopt, rules, base, f), files)):
            print(f, verdict, why, sep="\t")


if __name__ == "__main__":
    main()
