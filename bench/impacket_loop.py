#!/usr/bin/python3
"""bench/impacket_loop.py -- the end-to-end baseline: impacket's
NetrSessionEnum N times over ONE connection (SMB2 + srvsvc bind once).

usage: /usr/bin/python3 impacket_loop.py IP N LEVEL USER PASS

Prints "connect us=T" then one line per call "call I us=T entries=E", then
"status=0" (or "ERROR: text" on stderr and exit 1).
"""
import sys
import time


def main():
    ip, n, level, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    try:
        from impacket.dcerpc.v5 import transport, srvs
        from impacket.dcerpc.v5.dtypes import NULL
        t0 = time.perf_counter()
        rpc = transport.SMBTransport(ip, 445, r"\srvsvc", username=user, password=password, domain="")
        rpc.set_connect_timeout(10)
        dce = rpc.get_dce_rpc()
        dce.connect()
        dce.bind(srvs.MSRPC_UUID_SRVS)
        print("connect us=%d" % int((time.perf_counter() - t0) * 1e6))
        for i in range(n):
            t0 = time.perf_counter()
            resp = srvs.hNetrSessionEnum(dce, NULL, NULL, level)
            t1 = time.perf_counter()
            info = resp["InfoStruct"]["SessionInfo"]
            entries = len(info["Level%d" % level]["Buffer"])
            print("call %d us=%d entries=%d" % (i, int((t1 - t0) * 1e6), entries))
        dce.disconnect()
    except Exception as ex:
        print("ERROR: %s" % ex, file=sys.stderr)
        return 1
    print("status=0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
