#!/usr/bin/python3
"""A TCP listener that accepts connections, never answers, and logs each one.

usage: listener.py IP PORT LOGFILE
Appends one line "connection from HOST:PORT" to LOGFILE per accepted
connection and keeps it open (a server that never answers: proves "no
traffic" when the log stays empty, and exercises request timeouts).
Writes "ready" to stdout once listening.  Runs until killed.
"""
import socket
import sys


def main():
    ip, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    s.listen(16)
    print("ready", flush=True)
    held = []
    while True:
        c, addr = s.accept()
        held.append(c)
        with open(log, "a") as f:
            f.write("connection from %s:%s\n" % (addr[0], addr[1]))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
