#!/usr/bin/python3
"""Independent client truth: NetrSessionEnum through impacket.

usage: /usr/bin/python3 impacket_sessions.py IP LEVEL [USER PASS [DOMAIN]]

Prints one line per session, tab separated:
  level 1: cname  username  num_opens  time  idle  user_flags
  level 0: cname
On error prints "ERROR: <text>" on stderr and exits 1.
"""
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ip = sys.argv[1]
    level = int(sys.argv[2])
    user = sys.argv[3] if len(sys.argv) > 3 else "ntsadmin"
    password = sys.argv[4] if len(sys.argv) > 4 else "Adm1n!Pass"
    domain = sys.argv[5] if len(sys.argv) > 5 else ""
    try:
        from impacket.dcerpc.v5 import transport, srvs
        rpc = transport.SMBTransport(ip, 445, r"\srvsvc", username=user,
                                     password=password, domain=domain)
        rpc.set_connect_timeout(10)
        dce = rpc.get_dce_rpc()
        dce.connect()
        dce.bind(srvs.MSRPC_UUID_SRVS)
        resp = srvs.hNetrSessionEnum(dce, NULL_or(None), NULL_or(None), level)
        info = resp["InfoStruct"]["SessionInfo"]
        if level == 0:
            for e in info["Level0"]["Buffer"]:
                print(clean(e["sesi0_cname"]))
        elif level == 1:
            for e in info["Level1"]["Buffer"]:
                print("\t".join([clean(e["sesi1_cname"]), clean(e["sesi1_username"]),
                                 str(e["sesi1_num_opens"]), str(e["sesi1_time"]),
                                 str(e["sesi1_idle_time"]), str(e["sesi1_user_flags"])]))
        else:
            print("ERROR: level %d not supported by this script" % level, file=sys.stderr)
            return 1
        dce.disconnect()
    except Exception as ex:  # report, never a traceback in test logs
        print("ERROR: %s" % ex, file=sys.stderr)
        return 1
    return 0


def NULL_or(v):
    from impacket.dcerpc.v5.dtypes import NULL
    return NULL if v is None else v


def clean(s):
    if s is None:
        return ""
    s = str(s)
    return s.rstrip("\x00")


if __name__ == "__main__":
    sys.exit(main())
