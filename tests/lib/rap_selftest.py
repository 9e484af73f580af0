#!/usr/bin/python3
"""Offline checks of the scripted RAP-only server's parsers
(tests/lib/rap_lanman.py, rap_ntlm.py): the answers MS-RAP defines for known
requests, and hostile input (every truncation and random bytes) never
raising anything but the modules' own "malformed" exceptions.  Prints
PASS:/FAIL: lines; run by tests/native/rap_server.sh."""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rap_lanman as L  # noqa: E402
import rap_ntlm as N  # noqa: E402

ADMIN, USER = {"admin": True}, {"admin": False}
NOW = 1000.0
SESS = [{"id": i, "client": "10.0.0.%d" % i, "user": "u%d" % i, "trees": 1, "opens": i, "logon": 900.0,
         "last": 990.0, "cltype": "Unix"} for i in range(1, 4)]
fails = 0


def check(name, ok, why=""):
    global fails
    print(("PASS: rap_server.%s" % name) if ok else ("FAIL: rap_server.%s: %s" % (name, why)))
    fails += 0 if ok else 1


def enum_req(level, bufsize, desc=None):
    d = desc if desc is not None else L.LEVELS.get(level, "zzDD")
    return struct.pack("<H", 6) + b"WrLeh\0" + d.encode() + b"\0" + struct.pack("<HH", level, bufsize)


def status(r):
    return struct.unpack_from("<H", r[0])[0]


for lv in (0, 1, 2, 10):
    p, d, _ = L.handle(enum_req(lv, 16000), 16000, ADMIN, SESS, NOW)
    st, conv, n, avail = struct.unpack("<HHHH", p)
    size = sum(L.SIZES[c] for c in L.LEVELS[lv])
    ptr = struct.unpack_from("<I", d, 0)[0] - conv
    name = d[ptr:d.index(b"\0", ptr)]
    check("enum.level%d" % lv, st == 0 and n == 3 and avail == 3 and ptr >= 3 * size and name == b"10.0.0.1",
          "status %d n %d ptr %d name %r" % (st, n, ptr, name))
p, d, _ = L.handle(enum_req(10, 40), 16000, ADMIN, SESS, NOW)
check("enum.more_data", struct.unpack("<HHHH", p)[::2] == (234, 1) and struct.unpack("<HHHH", p)[3] == 3, p.hex())
check("enum.not_admin_5", status(L.handle(enum_req(1, 16000), 16000, USER, SESS, NOW)) == 5)
check("enum.bad_level_124", status(L.handle(enum_req(3, 16000, "zz"), 16000, ADMIN, SESS, NOW)) == 124)
check("enum.wrong_desc_87", status(L.handle(enum_req(1, 16000, "zzDD"), 16000, ADMIN, SESS, NOW)) == 87)
check("unknown_api_2142", status(L.handle(struct.pack("<H", 99) + b"\0\0", 100, ADMIN, SESS, NOW)) == 2142)
gi = struct.pack("<H", 7) + b"zWrLh\0zzDD\0\\\\10.0.0.2\0" + struct.pack("<HH", 10, 100)
p, d, _ = L.handle(gi, 100, ADMIN, SESS, NOW)
check("getinfo.found", struct.unpack("<HHH", p)[0] == 0 and b"u2\0" in d, p.hex())
check("getinfo.unknown_2312", status(L.handle(gi.replace(b"0.2\0", b"0.9\0"), 100, ADMIN, SESS, NOW)) == 2312)
check("getinfo.buf_too_small_2123", status(L.handle(gi[:-4] + struct.pack("<HH", 10, 8), 100, ADMIN, SESS, NOW)) == 2123)
check("getinfo.more_data_234", status(L.handle(gi[:-4] + struct.pack("<HH", 10, 18), 100, ADMIN, SESS, NOW)) == 234)
dl = struct.pack("<H", 8) + b"zW\0\0" + b"10.0.0.3\0" + b"\0\0"
p, _, ends = L.handle(dl, 0, ADMIN, SESS, NOW)
check("del.ends_that_client", status((p,)) == 0 and ends == [3], "%r %r" % (p, ends))
check("del.not_admin_5", status(L.handle(dl, 0, USER, SESS, NOW)) == 5 and L.handle(dl, 0, USER, SESS, NOW)[2] == [])
check("del.unknown_2312", status(L.handle(dl.replace(b"0.3", b"0.7"), 0, ADMIN, SESS, NOW)) == 2312)

# hostile input: truncations and random bytes end in an answer or the modules' own errors
rnd = random.Random(7)
bad = 0
for req in (enum_req(2, 16000), gi, dl):
    for cut in range(len(req) + 1):
        for caller in (ADMIN, USER):
            try:
                L.handle(req[:cut], 16000, caller, SESS, NOW)
            except Exception as e:  # noqa: BLE001
                bad += 1
                print("  truncated at %d: %r" % (cut, e))
for _ in range(3000):
    blob = bytes(rnd.randrange(256) for _ in range(rnd.randrange(64)))
    try:
        L.handle(struct.pack("<H", rnd.choice((6, 7, 8))) + blob, rnd.randrange(70000), ADMIN, SESS, NOW)
    except Exception as e:  # noqa: BLE001
        bad += 1
        print("  random: %r" % e)
check("rap.hostile_input_bounded", bad == 0, "%d unexpected exceptions" % bad)

srv = N.NtlmServer({"bob": ("pw", True)}, "DOM", "SRV")
init = N.spnego_hint()
bad = 0
for tok in [init[:i] for i in range(len(init))] + [bytes(rnd.randrange(256) for _ in range(rnd.randrange(200)))
                                                    for _ in range(2000)]:
    for fn in (N.parse_init, N.parse_resp, srv.authenticate):
        try:
            fn(tok)
        except N.AuthError:
            pass
        except Exception as e:  # noqa: BLE001
            bad += 1
            print("  %s: %r" % (fn.__name__, e))
check("ntlm.hostile_tokens_bounded", bad == 0, "%d unexpected exceptions" % bad)
sys.exit(1 if fails else 0)
