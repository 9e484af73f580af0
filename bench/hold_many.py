#!/usr/bin/python3
"""Hold many SMB sessions open from ONE client process.

usage: hold_many.py [--smb1] SERVER_IP COUNT USER PASS [USER PASS ...]

Opens COUNT connections to SERVER_IP (session setup + tree connect to
"data"), alternating over the given users, from the loopback source
addresses 127.0.1.1 .. 127.0.1.SOURCES (SOURCES = ceil(COUNT / 200), any
127.x address works on Linux without an alias), so that the server sees
several client machines as it would on a real network.  Logins run on a
few threads.  --smb1: NT LM 0.12 sessions (for an SMB1-only server).  Prints "ready N" once N connections are up (N < COUNT when
some failed; the errors go to stderr), then sleeps until killed.
"""
import resource
import socket
import sys
import threading
import time

args = sys.argv[1:]
smb1 = bool(args) and args[0] == "--smb1"
if smb1:
    args = args[1:]
server, count = args[0], int(args[1])
creds = list(zip(args[2::2], args[3::2]))
PER_SOURCE = 200
sources = ["127.0.1.%d" % (1 + i) for i in range((count + PER_SOURCE - 1) // PER_SOURCE)]

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(hard, max(soft, count * 2 + 64))
resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

_tls = threading.local()
_connect = socket.socket.connect


def bound_connect(self, addr):
    src = getattr(_tls, "source", None)
    if src:
        try:
            self.bind((src, 0))
        except OSError:
            pass
    return _connect(self, addr)


socket.socket.connect = bound_connect

from impacket.smbconnection import SMBConnection  # noqa: E402

dialect = None
if smb1:
    from impacket.smb import SMB_DIALECT
    dialect = SMB_DIALECT
held = []
lock = threading.Lock()
errors = []


def opener(indices):
    for i in indices:
        _tls.source = sources[i % len(sources)]
        user, password = creds[i % len(creds)]
        for attempt in range(3):
            try:
                c = SMBConnection(server, server, sess_port=445, timeout=30, preferredDialect=dialect)
                c.login(user, password, "")
                c.connectTree("data")
                with lock:
                    held.append(c)
                break
            except Exception as ex:  # noqa: BLE001
                if attempt == 2:
                    with lock:
                        errors.append("%d: %s" % (i, ex))
                time.sleep(0.2)


nthreads = min(8, max(1, count))
threads = [threading.Thread(target=opener, args=(range(t, count, nthreads),)) for t in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for e in errors[:5]:
    print("ERROR: %s" % e, file=sys.stderr, flush=True)
print("ready %d" % len(held), flush=True)
while True:
    time.sleep(3600)
