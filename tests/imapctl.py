#!/usr/bin/python3
# imapctl.py — prepare and inspect the tests' IMAP server (tests/dovecot.sh) over IMAP: append, list, count, create, empty.
#
#   imapctl.py [--starttls] [--xoauth2 TOKEN | --oauthbearer TOKEN] COMMAND ...
#
#   append [--flags FLAGS] FOLDER FILE...  append each FILE; prints the UID
#                                 each got, one a line. FLAGS as in IMAP,
#                                 e.g. '\Seen \Flagged'; none by default
#   folders                       every folder name, sorted, one a line
#   list FOLDER                   one line per message, by UID:
#                                   UID (FLAGS) ID
#                                 FLAGS sorted and space-separated, "()" for
#                                 none, \Recent left out; ID the Message-ID
#                                 header's value, or without one sha1:HEX of
#                                 the message as fetched (CRLF line ends)
#   count FOLDER                  the number of messages
#   create FOLDER                 make the folder
#   delete FOLDER                 remove the folder and its messages
#   uidvalidity FOLDER            its UIDVALIDITY
#   uidnext FOLDER                its UIDNEXT
#   delete-all FOLDER             expunge every message in it
#   capabilities                  the capabilities after login, one a line
#
# The connection comes from the environment tests/dovecot.sh exports:
# implicit TLS to 127.0.0.1:$IMAPS_PORT (with --starttls: plain
# 127.0.0.1:$IMAP_PORT, then STARTTLS), the certificate verified against
# $IMAP_CA, login as $IMAP_USER with $IMAP_PASS, or XOAUTH2/OAUTHBEARER
# with the TOKEN given. Folder names are UTF-8 here and modified UTF-7 on
# the wire. Exit 0 on success, 1 on any failure (with the reason on
# standard error), 2 on a usage error.
import base64
import email.parser
import email.policy
import hashlib
import imaplib
import os
import re
import socket
import ssl
import sys

HOST = "127.0.0.1"


class Failure(Exception):
    pass


def env(name):
    value = os.environ.get(name)
    if not value:
        raise Failure("%s is not set (source tests/dovecot.sh and run dovecot_start)" % name)
    return value


def mutf7_encode(name):
    """RFC 3501 5.1.3 modified UTF-7."""
    out, run = [], []

    def flush():
        if run:
            b = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(b).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def mutf7_decode(name):
    def dec(m):
        s = m.group(1)
        if s == "":
            return "&"
        s = s.replace(",", "/")
        return base64.b64decode(s + "=" * (-len(s) % 4)).decode("utf-16-be")
    return re.sub(r"&([A-Za-z0-9+,]*)-", dec, name)


def quote(name):
    wire = mutf7_encode(name)
    return '"' + wire.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(what, typ, data):
    if typ != "OK":
        text = b" ".join(d if isinstance(d, bytes) else str(d).encode()
                         for d in data if d is not None)
        raise Failure("%s: %s %s" % (what, typ, text.decode("utf-8", "replace")))
    return data


def connect(starttls, xoauth2, oauthbearer):
    ctx = ssl.create_default_context(cafile=env("IMAP_CA"))
    try:
        if starttls:
            conn = imaplib.IMAP4(HOST, int(env("IMAP_PORT")), timeout=30)
            check("STARTTLS", *conn.starttls(ssl_context=ctx))
        else:
            conn = imaplib.IMAP4_SSL(HOST, int(env("IMAPS_PORT")), ssl_context=ctx,
                                     timeout=30)
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as e:
        raise Failure("cannot connect to the IMAP server: %s" % e)
    user = env("IMAP_USER")
    try:
        if xoauth2 is not None or oauthbearer is not None:
            if xoauth2 is not None:
                mech = "XOAUTH2"
                first = "user=%s\x01auth=Bearer %s\x01\x01" % (user, xoauth2)
            else:
                mech = "OAUTHBEARER"
                first = "n,a=%s,\x01host=%s\x01port=%s\x01auth=Bearer %s\x01\x01" % (
                    user, HOST, conn.port, oauthbearer)
            sent = []

            # after a refused token the server sends an error as a challenge
            # and wants an empty answer before it says NO
            def answer(challenge):
                if sent:
                    return b""
                sent.append(1)
                return first.encode()
            check("AUTHENTICATE " + mech, *conn.authenticate(mech, answer))
        else:
            check("LOGIN", *conn.login(user, env("IMAP_PASS")))
    except imaplib.IMAP4.error as e:
        raise Failure("login as %s refused: %s" % (user, e))
    return conn


def select(conn, folder, readonly=True):
    data = check("SELECT " + folder, *conn.select(quote(folder), readonly=readonly))
    return int(data[0])


def status(conn, folder, item):
    data = check("STATUS " + folder, *conn.status(quote(folder), "(%s)" % item))
    m = re.search(rb"\b" + item.encode() + rb" (\d+)", data[0])
    if not m:
        raise Failure("STATUS %s: no %s in %r" % (folder, item, data[0]))
    return int(m.group(1))


def cmd_append(conn, args):
    flags = None
    if args[:1] == ["--flags"]:
        flags, args = args[1], args[2:]
    folder, files = args[0], args[1:]
    for path in files:
        try:
            with open(path, "rb") as f:
                msg = f.read()
        except OSError as e:
            raise Failure("cannot read %s: %s" % (path, e))
        # IMAP wants CRLF line ends; the files have bare LF
        msg = re.sub(rb"\r?\n", b"\r\n", msg)
        typ, data = conn.append(quote(folder), "(%s)" % flags if flags else None, None, msg)
        check("APPEND %s to %s" % (path, folder), typ, data)
        m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
        print(m.group(1).decode() if m else "?")


def cmd_folders(conn, args):
    names = []
    for line in check("LIST", *conn.list('""', "*")):
        if line is None:
            continue
        if isinstance(line, tuple):  # a name sent as a literal
            names.append(line[1].decode("utf-8", "replace"))
            continue
        m = re.match(rb'\([^)]*\) (?:NIL|"(?:[^"\\]|\\.)*") (.*)$', line)
        if not m:
            raise Failure("LIST: cannot read %r" % line)
        name = m.group(1).decode("utf-8", "replace")
        if name.startswith('"'):
            name = re.sub(r'\\(.)', r'\1', name[1:-1])
        names.append(name)
    for name in sorted(mutf7_decode(n) for n in names):
        print(name)


def cmd_list(conn, args):
    if select(conn, args[0]) == 0:
        return
    data = check("FETCH", *conn.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])"))
    rows = []
    for item in data:
        if not isinstance(item, tuple):
            continue
        head, body = item
        uid = re.search(rb"\bUID (\d+)", head)
        flags = re.search(rb"\bFLAGS \(([^)]*)\)", head)
        if not uid or not flags:
            raise Failure("FETCH: cannot read %r" % head)
        msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(body)
        mid = msg.get("Message-ID")
        if mid is not None:
            ident = " ".join(str(mid).split())
        else:
            ident = "sha1:" + hashlib.sha1(body).hexdigest()
        # \Recent belongs to a session, not to the message: whether it
        # shows depends on who looked first
        names = [f for f in flags.group(1).decode().split() if f != "\\Recent"]
        rows.append((int(uid.group(1)), " ".join(sorted(names)), ident))
    for uid, flags, ident in sorted(rows):
        print("%d (%s) %s" % (uid, flags, ident))


def cmd_count(conn, args):
    print(status(conn, args[0], "MESSAGES"))


def cmd_create(conn, args):
    check("CREATE " + args[0], *conn.create(quote(args[0])))


def cmd_delete(conn, args):
    check("DELETE " + args[0], *conn.delete(quote(args[0])))


def cmd_uidvalidity(conn, args):
    print(status(conn, args[0], "UIDVALIDITY"))


def cmd_uidnext(conn, args):
    print(status(conn, args[0], "UIDNEXT"))


def cmd_delete_all(conn, args):
    if select(conn, args[0], readonly=False) > 0:
        check("STORE", *conn.store("1:*", "+FLAGS.SILENT", "(\\Deleted)"))
        check("EXPUNGE", *conn.expunge())
    check("CLOSE", *conn.close())


def cmd_capabilities(conn, args):
    typ, data = conn.capability()
    check("CAPABILITY", typ, data)
    for cap in data[0].decode().split():
        print(cap)


# name: (function, the arguments it takes)
COMMANDS = {
    "append": (cmd_append, "[--flags FLAGS] FOLDER FILE..."),
    "folders": (cmd_folders, ""),
    "list": (cmd_list, "FOLDER"),
    "count": (cmd_count, "FOLDER"),
    "create": (cmd_create, "FOLDER"),
    "delete": (cmd_delete, "FOLDER"),
    "uidvalidity": (cmd_uidvalidity, "FOLDER"),
    "uidnext": (cmd_uidnext, "FOLDER"),
    "delete-all": (cmd_delete_all, "FOLDER"),
    "capabilities": (cmd_capabilities, ""),
}


def args_ok(name, args):
    if name == "append":
        if args[:1] == ["--flags"]:
            args = args[2:] if len(args) >= 2 else []
        return len(args) >= 2
    return len(args) == len(COMMANDS[name][1].split())


def main(argv):
    starttls, xoauth2, oauthbearer = False, None, None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--starttls":
            starttls = True
        elif opt in ("--xoauth2", "--oauthbearer") and argv:
            if opt == "--xoauth2":
                xoauth2 = argv.pop(0)
            else:
                oauthbearer = argv.pop(0)
        else:
            argv = []
            break
    if not argv or argv[0] not in COMMANDS or not args_ok(argv[0], argv[1:]):
        print("usage: imapctl.py [--starttls] [--xoauth2 TOKEN | --oauthbearer TOKEN] COMMAND",
              file=sys.stderr)
        for name, (_, synopsis) in COMMANDS.items():
            print(("  %s %s" % (name, synopsis)).rstrip(), file=sys.stderr)
        return 2
    name, args = argv[0], argv[1:]
    try:
        conn = connect(starttls, xoauth2, oauthbearer)
        try:
            COMMANDS[name][0](conn, args)
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
    except Failure as e:
        print("imapctl.py: %s: %s" % (name, e), file=sys.stderr)
        return 1
    except (OSError, ssl.SSLError, imaplib.IMAP4.error, socket.timeout) as e:
        print("imapctl.py: %s: %s" % (name, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
