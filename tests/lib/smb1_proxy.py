#!/usr/bin/python3
"""A TCP proxy between an SMB client and an SMB1 server that edits answers.

usage: smb1_proxy.py LISTEN_IP SERVER_IP MODE
MODE:
  tamper      flips one bit in the last byte of every SMB1 TRANSACTION (0x25)
              and NT_CREATE_ANDX (0xA2) response: a signed session must
              refuse them (its signature no longer verifies)
Port 445 on both sides.  Writes "ready" once listening.  Runs until killed.
"""
import socket
import struct
import sys
import threading


def frames(sock):
    buf = b""
    while True:
        while len(buf) >= 4:
            n = struct.unpack(">I", b"\0" + buf[1:4])[0]
            if len(buf) < 4 + n:
                break
            yield buf[:4 + n]
            buf = buf[4 + n:]
        d = sock.recv(65536)
        if not d:
            return
        buf += d


def edit(frame, mode):
    m = bytearray(frame)
    if mode == "tamper" and len(m) > 40 and m[4:8] == b"\xffSMB" and m[8] in (0x25, 0xA2):
        m[-1] ^= 0x01
    return bytes(m)


def pump(src, dst, mode):
    try:
        for f in frames(src):
            dst.sendall(edit(f, mode))
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(c, server, mode):
    s = socket.create_connection((server, 445))
    threading.Thread(target=pump, args=(c, s, "none"), daemon=True).start()
    threading.Thread(target=pump, args=(s, c, mode), daemon=True).start()


def main():
    ip, server, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((ip, 445))
    ls.listen(8)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        serve(c, server, mode)


if __name__ == "__main__":
    main()
