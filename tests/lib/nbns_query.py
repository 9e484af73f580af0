#!/usr/bin/python3
"""nbns_query.py SERVER-IP NAME [SUFFIX-HEX] -- one NBNS NAME QUERY (RFC 1002
4.2.12, unicast, RD set) written independently of dll/net/nbns.c; prints the
answer datagram as hex on one line (how tests/test_nbns.c's nmbd vector was
captured) and the addresses it carries on the next.  Exit 1 on no answer."""
import os
import socket
import struct
import sys


def encode(name, suffix):
    raw = name.upper().ljust(15)[:15].encode("ascii") + bytes([suffix])
    return bytes([32]) + bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 15))) + b"\0"


def main():
    ip, name = sys.argv[1], sys.argv[2]
    suffix = int(sys.argv[3], 16) if len(sys.argv) > 3 else 0x20
    trn = struct.unpack(">H", os.urandom(2))[0]
    q = struct.pack(">HHHHHH", trn, 0x0100, 1, 0, 0, 0) + encode(name, suffix) + struct.pack(">HH", 0x20, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(q, (ip, 137))
    try:
        data, _ = s.recvfrom(2048)
    except socket.timeout:
        return 1
    print(data.hex())
    an = struct.unpack(">H", data[6:8])[0]
    if an and len(data) >= 12 + 34 + 10:
        rdlen = struct.unpack(">H", data[12 + 34 + 8:12 + 34 + 10])[0]
        rd = data[12 + 34 + 10:12 + 34 + 10 + rdlen]
        print(" ".join(socket.inet_ntoa(rd[i + 2:i + 6]) for i in range(0, len(rd) - 5, 6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
