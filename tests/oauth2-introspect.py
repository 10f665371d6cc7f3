#!/usr/bin/python3
# oauth2-introspect.py — a token introspection endpoint (RFC 7662) on 127.0.0.1 for the tests' Dovecot: one token is valid, for one user.
#
#   oauth2-introspect.py TOKEN USER PORTFILE
#
# Listens on a port of its own choosing and writes it to PORTFILE once it
# accepts connections, so nobody races for a port another test took.
# Dovecot asks with introspection_mode = post (a form field token=...);
# GET ?token= and "Authorization: Bearer" are answered too, so a change of
# mode in the config does not silently turn every login into a failure.
# Every request is logged on standard error, for the test's diagnostics.
import http.server
import json
import os
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    token = user = None

    def answer(self, presented):
        # an unknown token is "not active" with status 200, as the RFC says:
        # an error status would read as a failure of the endpoint itself
        if presented == self.token:
            body = {"active": True, "username": self.user, "email": self.user,
                    "token_type": "Bearer", "scope": "imap"}
        else:
            body = {"active": False}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.log_message("token %s", "accepted" if body["active"] else "refused")

    def bearer(self):
        auth = self.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return None

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode("utf-8", "replace"))
        presented = (form.get("token") or form.get("access_token") or [None])[0]
        self.answer(presented if presented is not None else self.bearer())

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        presented = (query.get("token") or query.get("access_token") or [None])[0]
        self.answer(presented if presented is not None else self.bearer())


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: oauth2-introspect.py TOKEN USER PORTFILE")
    Handler.token, Handler.user, portfile = sys.argv[1:]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
