#!/usr/bin/python3
"""A fault-injecting TCP proxy for SMB2 (4-byte NetBIOS-framed messages).

usage:
  faultproxy.py serve CTRL_IP CTRL_PORT LISTEN_IP TARGET_IP TARGET_PORT
      Control server.  Line commands on CTRL_IP:CTRL_PORT (one per line):
        arm FAULT DIR FRAME OFFSET SEED
            closes the previous listener and every connection it proxied,
            opens a new listener on LISTEN_IP (ephemeral port) and answers
            "port N".  The fault is applied once, to frame number FRAME
            (0-based, counted per direction per connection) of the first
            connection that reaches it; later connections pass unchanged.
            FAULT: none | reset | stall | truncate | flip | dup | drop
            DIR:   c2s (client to server) | s2c (server to client)
            OFFSET: byte offset inside the frame, NetBIOS header included.
              reset    forwards bytes [0, OFFSET) of the frame, then RST both ways
              truncate forwards bytes [0, OFFSET), then closes both ways (FIN)
              stall    forwards bytes [0, OFFSET), then nothing more in DIR
              flip     flips one bit of byte OFFSET: bit N when SEED is "bitN",
                       else one chosen by SEED
              dup      forwards the frame twice
              drop     does not forward the frame (the rest flows)
        status   -> "fired 0|1 conns N c2s=LEN,LEN,.. s2c=LEN,.."
                    (frame lengths of the listener's first connection)
        disarm   -> "ok": the armed fault will not fire any more
        quit
      Prints "ready" once listening.  Runs until "quit" or killed.

  faultproxy.py plan FRAMES SEED [SAMPLE]
      Prints the case list ("FAULT DIR FRAME OFFSET SEED" per line) for a
      call whose frames are FRAMES (the "c2s=.. s2c=.." part of "status"):
      every fault at every frame, with a dense set of byte offsets per frame
      (each NetBIOS and SMB2 header field, then evenly spaced through the
      body, and the last byte).  With SAMPLE: a deterministic subset of
      about SAMPLE cases (every fault kind represented, few stalls since
      each costs a full timeout).  Same FRAMES + SEED -> same list.
"""
import random
import socket
import struct
import sys
import threading

FAULTS = ("reset", "stall", "truncate", "flip", "dup", "drop")
# NetBIOS length bytes, then SMB2 header fields (ProtocolId, StructureSize,
# CreditCharge, Status, Command, Credits, Flags, NextCommand, MessageId,
# AsyncId/TreeId, SessionId, Signature) and the first body bytes.
HDR_OFFSETS = (0, 1, 2, 3, 4, 8, 10, 12, 16, 18, 20, 24, 28, 36, 40, 44, 52, 60, 68, 69, 70, 72)
BODY_POINTS = 14


def close_sock(sock, abort):
    """Close a proxied socket: abort=True sends a RST (SO_LINGER 0), else an
    orderly FIN.  The shutdown() first wakes the pump thread blocked in
    recv() on this socket: a bare close() would not, and the connection
    would stay open until the peer spoke again."""
    try:
        if abort:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD if abort else socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def rst(sock):
    close_sock(sock, True)


def fin(sock):
    close_sock(sock, False)


def recv_exact(sock, n):
    b = bytearray()
    while len(b) < n:
        chunk = sock.recv(n - len(b))
        if not chunk:
            return None
        b += chunk
    return bytes(b)


class Arm:
    """One armed listener: its fault, its connections, what happened."""

    def __init__(self, fault, direction, frame, offset, seed):
        self.fault, self.dir, self.frame, self.offset = fault, direction, frame, offset
        if seed.startswith("bit") and seed[3:].isdigit():
            self.bit = int(seed[3:]) & 7          # a chosen bit (targeted cases)
        else:
            self.bit = random.Random("%s:%s:%d:%d" % (seed, direction, frame, offset)).randrange(8)
        self.fired = False
        self.lock = threading.Lock()
        self.socks = []
        self.conns = 0
        self.frames = {"c2s": [], "s2c": []}   # lengths, first connection only
        self.closed = False
        self.listener = None

    def take(self, direction, index):
        """True (once) when frame `index` in `direction` is the one to fault."""
        with self.lock:
            if self.fired or self.fault == "none" or direction != self.dir or index != self.frame:
                return False
            self.fired = True
            return True

    def close(self):
        with self.lock:
            self.closed = True
            socks, self.socks = self.socks, []
        if self.listener:
            fin(self.listener)
        for s in socks:
            rst(s)


def pump(arm, conn_no, direction, src, dst, peer_pair):
    index = 0
    try:
        while True:
            hdr = recv_exact(src, 4)
            if hdr is None:
                break
            length = struct.unpack(">I", b"\0" + hdr[1:4])[0]
            body = recv_exact(src, length)
            if body is None:
                dst.sendall(hdr)
                break
            frame = bytearray(hdr + body)
            if conn_no == 0:
                with arm.lock:
                    arm.frames[direction].append(len(frame))
            if arm.take(direction, index):
                off = min(arm.offset, len(frame))
                if arm.fault in ("reset", "truncate", "stall"):
                    if off:
                        dst.sendall(frame[:off])
                    if arm.fault == "reset":
                        for s in peer_pair:
                            rst(s)
                        return
                    if arm.fault == "truncate":
                        for s in peer_pair:
                            fin(s)
                        return
                    # stall: keep both sockets open, forward nothing more this way
                    while src.recv(65536):
                        pass
                    return
                if arm.fault == "flip":
                    if arm.offset < len(frame):
                        frame[arm.offset] ^= 1 << arm.bit
                    dst.sendall(frame)
                elif arm.fault == "dup":
                    dst.sendall(frame)
                    dst.sendall(frame)
                # drop: nothing
            else:
                dst.sendall(frame)
            index += 1
    except OSError:
        pass
    # the other side closed: pass the close on
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def accept_loop(arm, target):
    while True:
        try:
            c, _ = arm.listener.accept()
        except OSError:
            return
        try:
            u = socket.create_connection(target, timeout=10)
            u.settimeout(None)
        except OSError:
            rst(c)
            continue
        with arm.lock:
            if arm.closed:
                rst(c)
                rst(u)
                return
            n = arm.conns
            arm.conns += 1
            arm.socks += [c, u]
        pair = (c, u)
        threading.Thread(target=pump, args=(arm, n, "c2s", c, u, pair), daemon=True).start()
        threading.Thread(target=pump, args=(arm, n, "s2c", u, c, pair), daemon=True).start()


def serve(ctrl_ip, ctrl_port, listen_ip, target_ip, target_port):
    target = (target_ip, target_port)
    ctrl = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ctrl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ctrl.bind((ctrl_ip, ctrl_port))
    ctrl.listen(4)
    print("ready", flush=True)
    arm = None
    while True:
        c, _ = ctrl.accept()
        f = c.makefile("rwb", buffering=0)
        try:
            for raw in f:
                words = raw.decode("ascii", "replace").split()
                if not words:
                    continue
                if words[0] == "quit":
                    if arm:
                        arm.close()
                    f.write(b"bye\n")
                    return
                if words[0] == "arm" and len(words) == 6 and words[1] in FAULTS + ("none",) \
                        and words[2] in ("c2s", "s2c"):
                    if arm:
                        arm.close()
                    arm = Arm(words[1], words[2], int(words[3]), int(words[4]), words[5])
                    arm.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    arm.listener.bind((listen_ip, 0))
                    arm.listener.listen(8)
                    threading.Thread(target=accept_loop, args=(arm, target), daemon=True).start()
                    f.write(b"port %d\n" % arm.listener.getsockname()[1])
                elif words[0] == "disarm" and arm:
                    with arm.lock:
                        arm.fault = "none"
                    f.write(b"ok\n")
                elif words[0] == "status" and arm:
                    with arm.lock:
                        line = "fired %d conns %d c2s=%s s2c=%s\n" % (
                            arm.fired, arm.conns, ",".join(map(str, arm.frames["c2s"])) or "-",
                            ",".join(map(str, arm.frames["s2c"])) or "-")
                    f.write(line.encode())
                else:
                    f.write(b"error\n")
        except OSError:
            pass
        finally:
            c.close()


def offsets_for(length):
    offs = {o for o in HDR_OFFSETS if o < length}
    if length > 72:
        step = max(1, (length - 72) // BODY_POINTS)
        offs.update(range(72, length, step))
    offs.add(length - 1)
    return sorted(offs)


def plan(frames_text, seed, sample=None):
    frames = {}
    for part in frames_text.split():
        k, _, v = part.partition("=")
        frames[k] = [int(x) for x in v.split(",") if x.isdigit()]
    cases = []
    for d in ("c2s", "s2c"):
        for i, length in enumerate(frames.get(d, [])):
            for o in offsets_for(length):
                cases += [("reset", d, i, o), ("truncate", d, i, o), ("flip", d, i, o)]
            for o in sorted({0, 4, length // 2}):
                cases.append(("stall", d, i, o))
            cases += [("dup", d, i, 0), ("drop", d, i, 0)]
    if sample:
        # stalls and drops each cost a full timeout: only a few of them
        rng = random.Random(seed)
        slow = {"stall": 2, "drop": 2}
        kinds = {}
        chosen = []
        for c in cases:
            kinds.setdefault(c[0], []).append(c)
        for k, n in slow.items():
            pool = kinds.pop(k, [])
            chosen += rng.sample(pool, min(n, len(pool)))
        per = max(1, (sample - len(chosen)) // max(1, len(kinds)))
        for k in sorted(kinds):
            chosen += rng.sample(kinds[k], min(per, len(kinds[k])))
        order = {c: n for n, c in enumerate(cases)}
        cases = sorted(chosen, key=order.get)
    for c in cases:
        print("%s %s %d %d %s" % (c + (seed,)))


def main():
    if len(sys.argv) >= 7 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "plan":
        plan(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else None)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
