#!/usr/bin/python3
# lockprobe.py — how long at most another writer had to wait for the database's write lock: tries BEGIN IMMEDIATE every millisecond until told to stop.
#
#   lockprobe.py DATABASE STOPFILE   prints the longest wait in ms when STOPFILE appears
import os
import sqlite3
import sys
import time

db, stop = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db, timeout=0, isolation_level=None)
longest = 0.0
busy_since = None
while not os.path.exists(stop):
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        if busy_since is not None:
            longest = max(longest, time.monotonic() - busy_since)
            busy_since = None
    except sqlite3.OperationalError:
        if busy_since is None:
            busy_since = time.monotonic()
    time.sleep(0.001)
if busy_since is not None:
    longest = max(longest, time.monotonic() - busy_since)
print(f"{longest * 1000:.0f}")
