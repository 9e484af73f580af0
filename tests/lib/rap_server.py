#!/usr/bin/python3
"""A scripted RAP-only SMB1 server, like Windows 9x, OS/2 LAN Server or LAN
Manager as seen by a session-management client: it has no srvsvc pipe and
answers session calls only through RAP (MS-RAP) on \\PIPE\\LANMAN.

usage: rap_server.py IP --state FILE --user NAME:PASSWORD[:admin] ...
                     [--port 445] [--domain RAPDOM] [--name RAPSRV]
                     [--srvsvc missing|bind-nak|reject] [--newest-first]
                     [--no-extsec user|share|badsign|guest|plain]

 - NEGOTIATE: only NT LM 0.12 with extended security, signing required
   (SecurityMode 0x0F); an SMB2 NEGOTIATE closes the connection (as an
   SMB1-only Samba does); an SMB1 NEGOTIATE without NT LM 0.12 gets
   DialectIndex 0xFFFF.
 - --no-extsec user: NEGOTIATE without CAP_EXTENDED_SECURITY, an 8-byte
   challenge; SESSION_SETUP_ANDX then carries the LMv2/NTLMv2 responses
   (checked: NTLMv2 only), empty ones are an anonymous session (not an
   administrator); signing with SessionBaseKey || NTLMv2 response.
   --no-extsec share: the same NEGOTIATE with SecurityMode 0x02 (share
   level, no signing): every logon is anonymous, and an administrator.
   badsign / guest: as user, but the logon's answer is signed with the
   session key alone (a wrong MAC key) / says guest (Action bit 0).
   plain: user level wanting plaintext passwords (SecurityMode 0x0D, no
   challenge).
 - SESSION_SETUP_ANDX: NTLMv2 inside SPNEGO (or raw NTLMSSP) checked against
   the --user table (tests/lib/rap_ntlm.py); a wrong password or unknown user
   is STATUS_LOGON_FAILURE, an anonymous or non-NTLMv2 logon too.  Every
   response after the logon is signed (MS-SMB MD5, sequence numbers) and
   every request must carry a valid signature, else the connection is closed.
 - TREE_CONNECT_ANDX: IPC$ only (else STATUS_BAD_NETWORK_NAME).
 - NT_CREATE_ANDX: \\LANMAN opens (counted as the session's open files);
   any other name, srvsvc included, is STATUS_OBJECT_NAME_NOT_FOUND.  With
   --srvsvc bind-nak / reject, srvsvc opens but its bind (TransactNmPipe) is
   refused: bind_nak, or the presentation context rejected.
 - TRANSACTION on \\PIPE\\LANMAN: RAP (tests/lib/rap_lanman.py); CLOSE,
   ECHO, TREE_DISCONNECT, LOGOFF_ANDX; anything else STATUS_NOT_SUPPORTED.

A session is one logged-on connection: client name = the peer's IP address,
user, time since logon, idle time (since its last request), tree connects,
open files, client type = the NativeOS string it sent.  RAP NetSessionDel
closes the matching connections.  The session table is written to FILE (tab
separated: client, user, opens, logon time, last request time, all in Unix
seconds) after every change, for the tests to compare with.  Sessions are
listed oldest first, or newest first with --newest-first (then a client's
own connection comes before older ones, as a server may order them).
"""
import argparse
import hashlib
import hmac
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rap_smb1  # noqa: E402

MAX_MSG = 0x1FFFF
MAX_CONNS = 64


class Table:
    """The server's session table, shared by the connection threads."""

    def __init__(self, path, newest_first=False):
        self.lock, self.path, self.conns, self.next_id = threading.Lock(), path, {}, 1
        self.save_lock = threading.Lock()
        self.newest_first = newest_first

    def sessions(self):
        with self.lock:
            rows = [dict(c.sess, id=i) for i, c in self.conns.items() if c.sess]
        return rows[::-1] if self.newest_first else rows

    def add(self, conn):
        with self.lock:
            if len(self.conns) >= MAX_CONNS:
                return None
            i, self.next_id = self.next_id, self.next_id + 1
            self.conns[i] = conn
            return i

    def remove(self, i):
        with self.lock:
            self.conns.pop(i, None)
        self.save()

    def end(self, ids, keep):
        with self.lock:
            victims = [self.conns[i] for i in ids if i in self.conns]
        for c in victims:
            if c is keep:
                c.closing = True
            else:
                c.shutdown()

    def save(self):
        # one writer at a time: two connection threads saving at once shared
        # the .tmp file, and the loser's os.replace raised (in handle()'s
        # finally, before its socket was closed: a client waited for an
        # answer that never came)
        with self.save_lock:
            rows = ["%s\t%s\t%d\t%d\t%d\n" % (s["client"], s["user"], s["opens"], s["logon"], s["last"])
                    for s in self.sessions()]
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                f.writelines(rows)
            os.replace(tmp, self.path)


class Conn:
    def __init__(self, srv, sock, peer):
        self.srv, self.sock, self.peer = srv, sock, peer
        self.negotiated, self.auth, self.uid, self.sess = False, None, 0, None
        self.key, self.seq, self.tids, self.fids, self.closing = None, 0, set(), set(), False
        self.srvsvc_fids = set()

    def shutdown(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            part = self.sock.recv(n - len(buf))
            if not part:
                raise EOFError
            buf += part
        return buf

    def read_msg(self):
        while True:
            self.sock.settimeout(3600)
            hdr = self.recv_exact(4)
            self.sock.settimeout(30)
            n = ((hdr[1] & 1) << 16) | (hdr[2] << 8) | hdr[3]
            if hdr[0] == 0x85:
                continue  # keepalive
            if hdr[0] != 0 or n > MAX_MSG:
                raise EOFError
            return self.recv_exact(n)

    def sign(self, msg, seq):
        m = bytearray(msg)
        m[14:22] = struct.pack("<II", seq, 0)
        m[14:22] = hashlib.md5(self.key + bytes(m)).digest()[:8]
        return bytes(m)

    def verified(self, msg):
        want = self.sign(msg, self.seq)[14:22]
        return hmac.compare_digest(want, msg[14:22])

    def send(self, req, status, words=b"", data=b"", uid=None, tid=None):
        flags2 = 0xC801 | (0x0004 if self.key else 0)
        cmd = req[4]
        tid = struct.unpack_from("<H", req, 24)[0] if tid is None else tid
        uid = self.uid if uid is None else uid
        pidh, pid, mid = (struct.unpack_from("<H", req, at)[0] for at in (12, 26, 30))
        hdr = (b"\xffSMB" + struct.pack("<BIBHH", cmd, status, 0x98, flags2, pidh) + b"\0" * 10
               + struct.pack("<HHHH", tid, pid, uid, mid))
        msg = hdr + bytes([len(words) // 2]) + words + struct.pack("<H", len(data)) + data
        if self.key:
            msg = self.sign(msg, self.seq + 1)
            self.seq += 2
        self.sock.sendall(struct.pack(">I", len(msg)) + msg)

    def serve(self):
        while not self.closing:
            msg = self.read_msg()
            if msg[:4] == b"\xfeSMB":
                return  # SMB2: this server speaks SMB1 only
            if len(msg) < 35 or msg[:4] != b"\xffSMB" or msg[9] & 0x80:
                return
            if self.key and not self.verified(msg):
                print("bad signature from %s: closing" % self.peer, flush=True)
                return
            wc = msg[32]
            if 33 + 2 * wc + 2 > len(msg):
                return
            words = msg[33:33 + 2 * wc]
            bc = struct.unpack_from("<H", msg, 33 + 2 * wc)[0]
            bstart = 35 + 2 * wc
            if bc > len(msg) - bstart:
                return
            if self.sess:
                self.sess["last"] = time.time()
            rap_smb1.dispatch(self, msg, words, msg[bstart:bstart + bc], bstart)


def handle(srv, sock, peer):
    c = Conn(srv, sock, peer)
    i = srv.table.add(c)
    if i is None:
        sock.close()
        return
    try:
        c.serve()
    except (EOFError, OSError, socket.timeout, struct.error):
        pass
    except Exception as e:  # a bug here must not take the server down: log it, drop the connection
        print("connection from %s: %r" % (peer, e), flush=True)
    finally:
        try:
            srv.table.remove(i)
        finally:
            sock.close()  # whatever happened: the client must learn that we are gone


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ip")
    ap.add_argument("--port", type=int, default=445)
    ap.add_argument("--state", required=True)
    ap.add_argument("--user", action="append", default=[])
    ap.add_argument("--domain", default="RAPDOM")
    ap.add_argument("--name", default="RAPSRV")
    ap.add_argument("--srvsvc", choices=("missing", "bind-nak", "reject"), default="missing")
    ap.add_argument("--newest-first", action="store_true")
    ap.add_argument("--no-extsec", choices=("user", "share", "badsign", "guest", "plain"), default=None)
    a = ap.parse_args()
    srv = argparse.Namespace(users={}, domain=a.domain, name=a.name, table=Table(a.state, a.newest_first),
                             srvsvc=a.srvsvc, no_extsec=a.no_extsec)
    for u in a.user:
        p = u.split(":")
        srv.users[p[0]] = (p[1], len(p) > 2 and p[2] == "admin")
    srv.table.save()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.ip, a.port))
    ls.listen(16)
    print("ready", flush=True)
    while True:
        s, peer = ls.accept()
        threading.Thread(target=handle, args=(srv, s, peer[0]), daemon=True).start()


if __name__ == "__main__":
    main()
