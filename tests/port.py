#!/usr/bin/python3
# port.py — loopback ports for a test's server: "free" prints one nobody listens on, "wait PORT" waits until one listens.
import socket
import sys
import time


def free():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def wait(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return 0
        except OSError:
            time.sleep(0.05)
    print("port.py: nothing listens on 127.0.0.1:%d" % port, file=sys.stderr)
    return 1


if __name__ == "__main__":
    if sys.argv[1:] == ["free"]:
        free()
    elif len(sys.argv) == 3 and sys.argv[1] == "wait":
        sys.exit(wait(int(sys.argv[2])))
    else:
        sys.exit("usage: port.py free | wait PORT")
