#!/usr/bin/python3
"""A hostile or broken SMB server for error-path tests.

usage: badserver.py IP PORT MODE
MODE garbage: answers the first request with a well-framed message that is
              not SMB2 (a protocol violation -> ERROR_UNEXP_NET_ERR);
MODE drop:    reads the first request and closes the connection (connection
              lost mid-call -> ERROR_UNEXP_NET_ERR);
MODE silent:  accepts and never answers (-> ERROR_SEM_TIMEOUT).
Writes "ready" to stdout once listening.  Runs until killed.
"""
import socket
import sys
import threading


def serve(c, mode):
    try:
        c.settimeout(30)
        if mode == "silent":
            threading.Event().wait(120)
            return
        c.recv(65536)
        if mode == "garbage":
            c.sendall(b"\x00\x00\x00\x40" + b"\xfeXYZ" + b"\xa5" * 60)
            threading.Event().wait(5)
    except OSError:
        pass
    finally:
        c.close()


def main():
    ip, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    s.listen(16)
    print("ready", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, mode), daemon=True).start()


if __name__ == "__main__":
    main()
