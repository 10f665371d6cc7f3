#!/usr/bin/python3
# mailcheck.py FILE — one mail mailopt sent, as Python's email package reads it: KEY=VALUE lines for the tests.
#
# valid=yes when the message parses without a defect and carries each
# header field an automatic reply must carry exactly once; else the
# problems. Addresses are the addr-specs of each field, comma-joined;
# names the decoded display names; body= repeats for each line of the
# decoded text. envelope-*/peer are what aiosmtpd's Mailbox recorded.
import email
import email.policy
import email.utils
import sys

ONCE = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
        "X-Auto-Response-Suppress"]


def addresses(msg, field):
    out = []
    for h in msg.get_all(field, []):
        out += [a.addr_spec for a in h.addresses]
    return ",".join(out)


def names(msg, field):
    out = []
    for h in msg.get_all(field, []):
        out += [a.display_name for a in h.addresses]
    return ",".join(out)


def main(path):
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    problems = ["%s %d times" % (f, len(msg.get_all(f, [])))
                for f in ONCE if len(msg.get_all(f, [])) != 1]
    for part in msg.walk():
        problems += [type(d).__name__ for d in part.defects]
    for k, v in msg.items():
        problems += ["%s: %s" % (k, type(d).__name__) for d in v.defects]
    if msg["Date"] is not None and email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        problems.append("Date unreadable")
    body = msg.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    out = [
        ("valid", "; ".join(problems) if problems else "yes"),
        ("from", addresses(msg, "From")),
        ("to", addresses(msg, "To")),
        ("to-name", names(msg, "To")),
        ("cc", addresses(msg, "Cc")),
        ("bcc", addresses(msg, "Bcc")),
        ("subject", str(msg.get("Subject", ""))),
        ("fields", " ".join(msg.keys())),
        ("auto-submitted", str(msg.get("Auto-Submitted", ""))),
        ("x-auto-response-suppress", str(msg.get("X-Auto-Response-Suppress", ""))),
        ("in-reply-to", str(msg.get("In-Reply-To", ""))),
        ("references", " ".join(str(msg.get("References", "")).split())),
        ("message-id", str(msg.get("Message-ID", ""))),
        ("mime-version", str(msg.get("MIME-Version", ""))),
        ("content-type", "%s; charset=%s" % (msg.get_content_type(),
                                             msg.get_content_charset())),
        ("cte", str(msg.get("Content-Transfer-Encoding", ""))),
        ("envelope-from", str(msg.get("X-MailFrom", ""))),
        ("envelope-to", str(msg.get("X-RcptTo", ""))),
        ("peer", str(msg.get("X-Peer", ""))),
    ]
    for k, v in out:
        print("%s=%s" % (k, v.replace("\n", " ")))
    for line in text.splitlines():
        print("body=%s" % line)


if __name__ == "__main__":
    main(sys.argv[1])
