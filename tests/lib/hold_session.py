#!/usr/bin/python3
"""Hold an SMB session open from a chosen local source address.

usage: hold_session.py SERVER_IP SOURCE_IP USER PASS [SHARE]

smbclient cannot choose its source address; on loopback every client of
127.0.0.N otherwise shows up as 127.0.0.N.  This holder binds to SOURCE_IP
(any 127.x address works on Linux) so that the server sees a second client
machine, which makes client filters and delete-by-client meaningful.
Prints "ready" once the tree is connected, then sleeps until killed.
HOLD_SMB1=1 in the environment speaks SMB1 (NT LM 0.12) only, e.g. with
SHARE IPC$ for the RAP-only server (tests/lib/rap_server.py); HOLD_OPEN=NAME
also opens NAME on the share and keeps it open (e.g. LANMAN there).
"""
import os
import socket
import sys
import time

server, source, user, password = sys.argv[1:5]
share = sys.argv[5] if len(sys.argv) > 5 else "data"

_connect = socket.socket.connect


def bound_connect(self, addr):
    try:
        self.bind((source, 0))
    except OSError:
        pass
    return _connect(self, addr)


socket.socket.connect = bound_connect

from impacket.smbconnection import SMBConnection  # noqa: E402

try:
    if os.environ.get("HOLD_SMB1") == "1":
        from impacket import smb
        c = SMBConnection(server, server, sess_port=445, timeout=10, preferredDialect=smb.SMB_DIALECT)
    else:
        c = SMBConnection(server, server, sess_port=445, timeout=10)
    c.login(user, password, "")
    tid = c.connectTree(share)
    if os.environ.get("HOLD_OPEN"):
        c.openFile(tid, os.environ["HOLD_OPEN"])  # an open file the session holds
except Exception as ex:
    print("ERROR: %s" % ex, flush=True)
    sys.exit(1)
print("ready", flush=True)
while True:
    time.sleep(3600)
