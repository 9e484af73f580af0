#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets to tests/fuzz/corpus/<target>/.

Seeds are small valid inputs: the real Samba / Microsoft vectors of the unit
tests (read from tests/test_*.c, so they stay in step), plus a few built here
with the same layouts the unit tests use.  Each seed starts with the control
byte(s) its target reads (see the comment at the top of each fuzz_*.c).
Deterministic; re-run after changing a target's input format:

    python3 tests/fuzz/gen_corpus.py
"""
import os
import re
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")


def c_arrays(path):
    """static const uint8_t NAME[] = { 0x.., ... }; and static const char *NAME = "hex" "hex";"""
    text = open(os.path.join(REPO, path)).read()
    out = {}
    for m in re.finditer(r"static const uint8_t (\w+)\[\] = \{(.*?)\};", text, re.S):
        out[m.group(1)] = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})", m.group(2)))
    for m in re.finditer(r'static const char \*(\w+) =((?:\s*"[^"]*")+);', text):
        hexs = "".join(re.findall(r'"([^"]*)"', m.group(2))).replace(" ", "")
        if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", hexs):
            out[m.group(1)] = bytes.fromhex(hexs)
    return out


NDR = c_arrays("tests/test_ndr.c")
RPC = c_arrays("tests/test_dcerpc.c")
SMB = c_arrays("tests/test_smb2.c")

seeds = {}


def add(target, name, data):
    seeds.setdefault(target, []).append((name, bytes(data)))


# ---- NDR: NetrSessionEnum response stubs ------------------------------------
LEVELS = [0, 1, 2, 10, 502]
FIELDS = {  # wire order, 's' string / 'd' DWORD (the table in dll/srvs/levels.c)
    0: "s",          # cname
    1: "ssdddd",     # cname user num_opens time idle_time user_flags
    2: "ssdddds",    # + cltype_name
    10: "ssdd",      # cname user time idle_time
    502: "ssddddss",  # + cltype_name transport
}


def u32(v):
    return struct.pack("<I", v)


def ndr_string(s):
    if s is None:
        return b""
    units = s.encode("utf-16-le") + b"\0\0"
    n = len(units) // 2
    b = u32(n) + u32(0) + u32(n) + units
    return b + b"\0" * (-len(b) % 4)


def enc_enum(level, entries, total=None, resume=None, werr=0):
    """entries: list of lists of values in wire order (str/None or int)."""
    ref = 0x20000
    b = u32(level) + u32(level)
    ref += 4
    b += u32(ref) + u32(len(entries))
    ref += 4
    b += u32(ref) + u32(len(entries))
    strs = b""
    for e in entries:
        for kind, v in zip(FIELDS[level], e):
            if kind == "s":
                if v is None:
                    b += u32(0)
                else:
                    ref += 4
                    b += u32(ref)
                    strs += ndr_string(v)
            else:
                b += u32(v)
    b += strs
    b += u32(len(entries) if total is None else total)
    if resume is None:
        b += u32(0)
    else:
        ref += 4
        b += u32(ref) + u32(resume)
    return b + u32(werr)


SAMPLE = [  # cname, user, opens, time, idle, flags, cltype, transport
    ["\\\\10.0.0.5", "alice", 3, 120, 5, 1, "Windows 10", "\\Device\\NetbiosSmb"],
    ["\\\\fe80::1", "b\u00e9la", 0, 7, 7, 0, "", "x"],
    ["host", None, 1, 2, 3, 4, None, None],
]


def level_values(level, e):
    cname, user, opens, time, idle, flags, clt, tr = e
    return {
        0: [cname],
        1: [cname, user, opens, time, idle, flags],
        2: [cname, user, opens, time, idle, flags, clt],
        10: [cname, user, time, idle],
        502: [cname, user, opens, time, idle, flags, clt, tr],
    }[level]


def enum_stubs(level):
    vals = [level_values(level, e) for e in SAMPLE]
    return [
        ("3entries", enc_enum(level, vals)),
        ("1entry_more_data_resume", enc_enum(level, vals[:1], total=3, resume=1, werr=234)),
        ("empty", enc_enum(level, [])),
        ("access_denied", enc_enum(level, [], werr=5)),
    ]


for i, lv in enumerate(LEVELS):
    for name, stub in enum_stubs(lv):
        add("srvs_enum", "l%d_%s" % (lv, name), bytes([i]) + stub)
add("srvs_enum", "samba_l0", b"\x00" + NDR["SAMBA_RESP0"])
add("srvs_enum", "samba_l1", b"\x01" + NDR["SAMBA_RESP1"])
add("srvs_enum", "samba_l2_invalid_level", b"\x02" + NDR["SAMBA_RESP2"])
add("srvs_enum", "invalid_level3", bytes([5 + 6 * 4]) + NDR["SAMBA_RESP1"])  # fuzz_level -> 3

add("srvs_del", "ok", u32(0))
add("srvs_del", "samba_access_denied", NDR["SAMBA_DELRESP"])
add("srvs_del", "not_found", u32(2312))

# ---- levels derive: decode at `from`, derive to `to` --------------------------
for ti, to in enumerate(LEVELS):
    b0 = 1 + 5 * ti  # from level 1 (what Samba offers)
    add("levels_derive", "l1_to_l%d_samba" % to, bytes([b0]) + NDR["SAMBA_RESP1"])
    add("levels_derive", "l1_to_l%d_sample" % to, bytes([b0]) + enc_enum(1, [level_values(1, e) for e in SAMPLE]))
for fi, frm in enumerate(LEVELS):  # identity
    add("levels_derive", "l%d_identity" % frm,
        bytes([fi + 5 * fi]) + enc_enum(frm, [level_values(frm, e) for e in SAMPLE]))

# ---- DCE/RPC -----------------------------------------------------------------


def rpc_hdr(ptype, flags, call_id, body):
    return bytes([5, 0, ptype, flags, 0x10, 0, 0, 0]) + struct.pack("<HHI", 16 + len(body), 0, call_id) + body


def rpc_response(call_id, stub, flags=3, alloc_hint=None):
    hint = len(stub) if alloc_hint is None else alloc_hint
    return rpc_hdr(2, flags, call_id, u32(hint) + b"\0\0\0\0" + stub)


def rpc_fault(call_id, status):
    return rpc_hdr(3, 3, call_id, u32(0) + b"\0\0\0\0" + u32(status) + u32(0))


BIND_ACK = RPC["SAMBA_BIND_ACK"]
bind_nak = rpc_hdr(13, 3, 1, struct.pack("<HBB", 4, 1, 5) + b"\0" * 2)
# Samba's level-1 RESPONSE (call 3) as call 2 (the harness's first call)
samba_l1 = bytearray(RPC["SAMBA_RESPONSE_L1"])
samba_l1[12:16] = u32(2)
samba_l1 = bytes(samba_l1)
stub_l1 = samba_l1[24:]
two_frags = rpc_response(2, stub_l1[:64], flags=1, alloc_hint=len(stub_l1)) + rpc_response(2, stub_l1[64:], flags=2)

for chunk, cname in ((0, "c1"), (15, "c16"), (200, "c4672")):
    add("dcerpc", "bind_ack_" + cname, bytes([0, chunk]) + BIND_ACK)
    add("dcerpc", "call_samba_l1_" + cname, bytes([1, chunk]) + samba_l1)
    add("dcerpc", "call_two_frags_" + cname, bytes([1, chunk]) + two_frags)
add("dcerpc", "bind_nak", bytes([0, 200]) + bind_nak)
add("dcerpc", "call_fault_access_denied", bytes([1, 7]) + rpc_fault(2, 5))
add("dcerpc", "call_fault_op_rng", bytes([1, 200]) + rpc_fault(2, 0x1C010002))
# srvs_session_enum: data[0] = 2 | (b << 2) with fuzz_level(b) the level
for lv, b in ((0, 0), (1, 1), (2, 2), (10, 3), (502, 4)):
    stub = enc_enum(lv, [level_values(lv, e) for e in SAMPLE], resume=9)
    add("dcerpc", "enum_l%d" % lv, bytes([2 | (b << 2), 200]) + rpc_response(2, stub))
add("dcerpc", "enum_samba_l1_frags", bytes([2 | (1 << 2), 31]) + two_frags)
add("dcerpc", "enum_samba_l2_invalid", bytes([2 | (2 << 2), 200]) + rpc_response(2, NDR["SAMBA_RESP2"]))
add("dcerpc", "del_ok", bytes([3, 200]) + rpc_response(2, u32(0)))
add("dcerpc", "del_samba_denied", bytes([3, 3]) + rpc_response(2, NDR["SAMBA_DELRESP"]))

# srvs_session_enum_all: data[0] picks the level, then pages (u16 length + stub)
def pages(*stubs):
    return b"".join(struct.pack("<H", len(x)) + x for x in stubs)


for lv, b in ((0, 0), (1, 1), (10, 3)):
    vals = [level_values(lv, e) for e in SAMPLE]
    add("srvs_pages", "three_pages_l%d" % lv, bytes([b]) + pages(
        enc_enum(lv, vals[:1], total=3, resume=0x101, werr=234),
        enc_enum(lv, vals[1:2], total=3, resume=0x102, werr=234),
        enc_enum(lv, vals[2:], total=3, resume=0x103, werr=0)))
add("srvs_pages", "same_handle", bytes([1]) + pages(
    enc_enum(1, [level_values(1, SAMPLE[0])], resume=7, werr=234),
    enc_enum(1, [level_values(1, SAMPLE[1])], resume=7, werr=234)))
add("srvs_pages", "more_no_handle", bytes([1]) + pages(enc_enum(1, [level_values(1, SAMPLE[0])], werr=234)))
add("srvs_pages", "denied_second", bytes([1]) + pages(
    enc_enum(1, [level_values(1, SAMPLE[0])], resume=1, werr=234), enc_enum(1, [], resume=0, werr=5)))
add("srvs_pages", "samba_l1", bytes([1]) + pages(NDR["SAMBA_RESP1"]))

# ---- NTLMSSP CHALLENGE / SPNEGO ------------------------------------------------


def challenge(flags=0xE28A8235, timestamp=True, target_name=True):
    ti = bytes.fromhex("02000c0044006f006d00610069006e00")
    if timestamp:
        ti += bytes.fromhex("070008000102030405060708")
    ti += b"\0\0\0\0"
    tn = "Domain".encode("utf-16-le") if target_name else b""
    m = bytearray(56)
    m[0:8] = b"NTLMSSP\0"
    m[8:12] = u32(2)
    m[12:16] = struct.pack("<HH", len(tn), len(tn))
    m[16:20] = u32(56)
    m[20:24] = u32(flags)
    m[24:32] = bytes.fromhex("0123456789abcdef")
    m[40:48] = struct.pack("<HHI", len(ti), len(ti), 56 + len(tn))
    m[48:56] = bytes([6, 0, 0x70, 0x17, 0, 0, 0, 15])
    return bytes(m) + tn + ti


def samba_challenge():
    m = SMB["SS_RESP1"]
    i = m.find(b"NTLMSSP\0")
    return m[i:]


def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + body


NTLM_OID = bytes.fromhex("060a2b06010401823702020a")


def neg_token_resp(state=None, mech=False, token=None, mic=None):
    body = b""
    if state is not None:
        body += der(0xA0, bytes([0x0A, 1, state]))
    if mech:
        body += der(0xA1, NTLM_OID)
    if token is not None:
        body += der(0xA2, der(0x04, token))
    if mic is not None:
        body += der(0xA3, der(0x04, mic))
    return der(0xA1, der(0x30, body))


CHALS = {
    "ts": challenge(),
    "nots": challenge(timestamp=False),
    "samba": samba_challenge(),
}
for cname, ch in CHALS.items():
    for b0, who in ((0, "user_inject"), (1, "anon"), (2, "user_prod")):
        add("ntlm_challenge", "%s_%s" % (cname, who), bytes([b0]) + ch)


def auth_seed(b0, t1, t2=b""):
    return bytes([b0]) + struct.pack("<H", len(t1)) + t1 + t2


samba_spnego1 = SMB["SS_RESP1"][SMB["SS_RESP1"].find(b"\xa1\x81"):]
for b0, who in ((0, "user"), (1, "anon")):
    r1 = neg_token_resp(1, True, CHALS["ts"])
    add("auth", "%s_step_only" % who, auth_seed(b0, r1))
    add("auth", "%s_final_nomic" % who, auth_seed(b0, r1, neg_token_resp(0)))
    add("auth", "%s_final_mic" % who, auth_seed(b0, r1, neg_token_resp(0, mic=bytes(range(1, 17)))))
    add("auth", "%s_samba" % who, auth_seed(b0, samba_spnego1, neg_token_resp(0)))
    add("auth", "%s_reject" % who, auth_seed(b0, neg_token_resp(2)))
# spnego_parse_init: the NegTokenInit2 in the MS negotiate response, and ours
neg311 = SMB["NEG_RESP_311"]
secoff, seclen = struct.unpack_from("<HH", neg311, 64 + 56)
add("auth", "init_ms_negtokeninit2", b"\x02\0\0" + neg311[secoff:secoff + seclen])
add("auth", "init_ours", b"\x02\0\0" + bytes.fromhex("602306062b0601050502a0193017a00e300c060a2b06010401823702020aa2050403010203"))

# ---- SMB2 ----------------------------------------------------------------------
neg = bytearray(neg311)
add("smb2_negotiate", "ms_311_all", b"\x00" + neg)
add("smb2_negotiate", "ms_311_only", b"\x03" + neg)
sig = bytearray(neg)
sig += b"\0" * (-len(sig) % 8) + bytes([8, 0, 4, 0, 0, 0, 0, 0, 1, 0, 2, 0])
sig[64 + 6:64 + 8] = struct.pack("<H", 3)
add("smb2_negotiate", "ms_311_signing_ctx", b"\x00" + sig)
n300 = bytearray(neg)
n300[64 + 4:64 + 6] = struct.pack("<H", 0x0300)
n300[64 + 24:64 + 28] = u32(0x40)
add("smb2_negotiate", "dialect_300_enc", b"\x02" + n300)
n210 = bytearray(neg)
n210[64 + 4:64 + 6] = struct.pack("<H", 0x0210)
add("smb2_negotiate", "dialect_210", b"\x01" + n210)

add("smb2_header", "neg_resp", neg311)
add("smb2_header", "sess_setup_resp", SMB["SS_RESP1"])
add("smb2_header", "r30_plain", SMB["R30_PLAIN"])
signed = bytearray(SMB["R311_PLAIN"])
signed[16] |= 0x08
add("smb2_header", "r311_plain_signed", signed)
pending = bytearray(SMB["R30_PLAIN"])
pending[8:12] = u32(0x103)
pending[16] |= 0x02
add("smb2_header", "async_pending", pending)

add("smb2_transform", "r30_ccm", b"\x00" + SMB["R30_TF"])
add("smb2_transform", "r311_gcm", b"\x01" + SMB["R311_TF"])

# ---- SMB2 connection: a whole anonymous conversation as the server sends it --
SID = 0x0000100000000011


def smb2_msg(cmd, msg_id, body, status=0, tree_id=0, sid=SID, credits=32, flags=1):
    h = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, status, cmd, credits, flags, 0, msg_id, 0, tree_id, sid)
    return h + b"\0" * 16 + body


def nbt(msg):
    return struct.pack(">I", len(msg)) + msg


def conversation(dialect_resp, ioctl_status=0, ioctl_out=BIND_ACK, reads=()):
    f = [nbt(dialect_resp)]
    blob = neg_token_resp(1, True, challenge())
    f.append(nbt(smb2_msg(1, 1, struct.pack("<HHHH", 9, 0, 72, len(blob)) + blob, status=0xC0000016)))
    f.append(nbt(smb2_msg(1, 2, struct.pack("<HHHH", 9, 2, 0, 0) + b"\0")))               # IS_NULL
    f.append(nbt(smb2_msg(3, 3, struct.pack("<HBBIII", 16, 2, 0, 0, 0, 0x1F01FF), tree_id=1)))
    fid = bytes(range(0x10, 0x20))
    create = struct.pack("<HBBI", 89, 0, 0, 1) + b"\0" * 48 + struct.pack("<II", 0x80, 0) + fid + struct.pack("<II", 0, 0)
    f.append(nbt(smb2_msg(5, 4, create, tree_id=1)))
    ioctl = struct.pack("<HHI", 49, 0, 0x0011C017) + fid + struct.pack("<IIIIII", 0, 0, 112, len(ioctl_out), 0, 0)
    f.append(nbt(smb2_msg(11, 5, ioctl + ioctl_out, status=ioctl_status, tree_id=1)))
    mid = 6
    for st, data in reads:
        f.append(nbt(smb2_msg(8, mid, struct.pack("<HBBIII", 17, 80, 0, len(data), 0, 0) + data, status=st, tree_id=1)))
        mid += 1
    f.append(nbt(smb2_msg(6, mid, struct.pack("<HHI", 60, 0, 0) + b"\0" * 56, tree_id=1)))  # CLOSE
    f.append(nbt(smb2_msg(4, mid + 1, struct.pack("<HH", 4, 0), tree_id=1)))               # TREE_DISCONNECT
    f.append(nbt(smb2_msg(2, mid + 2, struct.pack("<HH", 4, 0))))                          # LOGOFF
    return b"".join(f)


neg_plain = bytearray(neg311)
neg_plain[14:16] = struct.pack("<H", 32)  # grant credits
neg_plain[24:32] = struct.pack("<Q", 0)   # our NEGOTIATE is message 0 (the MS vector's was 1)
n210c = bytearray(n210)
n210c[14:16] = struct.pack("<H", 32)
n210c[24:32] = struct.pack("<Q", 0)
add("smb2_conn", "anon_311", b"\x04" + conversation(bytes(neg_plain)))
add("smb2_conn", "anon_210", b"\x04" + conversation(bytes(n210c)))
add("smb2_conn", "anon_311_overflow_read", b"\x04" + conversation(
    bytes(neg_plain), ioctl_status=0x80000005, ioctl_out=samba_l1[:16],
    reads=((0x80000005, samba_l1[16:100]), (0, samba_l1[100:]))))
add("smb2_conn", "anon_311_pending", b"\x04" + conversation(bytes(neg_plain)).replace(
    nbt(smb2_msg(3, 3, struct.pack("<HBBIII", 16, 2, 0, 0, 0, 0x1F01FF), tree_id=1)),
    nbt(smb2_msg(3, 3, struct.pack("<HBB", 9, 0, 0) + b"\0" * 5, status=0x103, flags=3)) +
    nbt(smb2_msg(3, 3, struct.pack("<HBBIII", 16, 2, 0, 0, 0, 0x1F01FF), tree_id=1))))


def chain(msgs):
    """Messages as one compound response: each but the last padded to 8, its NextCommand set."""
    out = b""
    for i, m in enumerate(msgs):
        m = bytearray(m)
        if i + 1 < len(msgs):
            m += b"\0" * (-len(m) % 8)
            m[20:24] = u32(len(m))
        if i:
            m[16] |= 0x04  # SMB2_FLAGS_RELATED_OPERATIONS
        out += bytes(m)
    return out


def compound_conversation(dialect_resp, split_pending=False):
    """The TREE_CONNECT + CREATE + IOCTL answers of a compound as one frame
    (or, split_pending, the IOCTL's interim and final answers after it)."""
    frames = []
    rest = conversation(dialect_resp)
    pos = 0
    while pos < len(rest):
        n = struct.unpack(">I", rest[pos:pos + 4])[0]
        frames.append(rest[pos + 4:pos + 4 + n])
        pos += 4 + n
    tc, create, ioctl = frames[3], frames[4], frames[5]
    if split_pending:
        interim = smb2_msg(11, 5, struct.pack("<HBB", 9, 0, 0) + b"\0" * 5, status=0x103, flags=3)
        mid = nbt(chain([tc, create, interim])) + nbt(ioctl)
    else:
        mid = nbt(chain([tc, create, ioctl]))
    return b"".join(nbt(f) for f in frames[:3]) + mid + b"".join(nbt(f) for f in frames[6:])


add("smb2_conn", "compound_311", b"\x0c" + compound_conversation(bytes(neg_plain)))
add("smb2_conn", "compound_210_pending", b"\x0c" + compound_conversation(bytes(n210c), True))
add("smb2_chain", "three", b"\x0f" + chain([smb2_msg(3, 3, b"\0" * 16), smb2_msg(5, 4, b"\0" * 89),
                                             smb2_msg(11, 5, b"\0" * 49)]))
add("smb2_chain", "one", b"\x00" + smb2_msg(11, 5, b"\0" * 49))

add("smb2_conn", "logon_failure", b"\x04" + nbt(bytes(neg_plain)) +
    nbt(smb2_msg(1, 1, struct.pack("<HBB", 9, 0, 0) + b"\0" * 5, status=0xC000006D)))

# ---- FSCTL_VALIDATE_NEGOTIATE_INFO answers (expectation fixed in the target) --
VN_GUID = bytes(range(1, 17))
vn_out = struct.pack("<I", 1) + VN_GUID + struct.pack("<HH", 1, 0x0300)
vn_ioctl = struct.pack("<HHI", 49, 0, 0x00140204) + b"\xff" * 16 + struct.pack("<IIIIII", 112, 0, 112, 24, 0, 0)
add("smb2_validate", "ok_signed", b"\x01" + smb2_msg(11, 5, vn_ioctl + vn_out, tree_id=1, flags=9))
add("smb2_validate", "ok_unsigned", b"\x00" + smb2_msg(11, 5, vn_ioctl + vn_out, tree_id=1))
add("smb2_validate", "dialect_mismatch", b"\x01" + smb2_msg(11, 5, vn_ioctl + vn_out[:22] + b"\x02\x03",
                                                            tree_id=1, flags=9))
add("smb2_validate", "not_supported", b"\x01" + smb2_msg(11, 5, struct.pack("<HBB", 9, 0, 0) + b"\0" * 5,
                                                         status=0xC00000BB, tree_id=1, flags=9))
add("smb2_validate", "access_denied", b"\x01" + smb2_msg(11, 5, struct.pack("<HBB", 9, 0, 0) + b"\0" * 5,
                                                         status=0xC0000022, tree_id=1, flags=9))

# ---- NBNS answers and RAP responses (issue 11) ------------------------------------
NBNS = c_arrays("tests/test_nbns.c")
RAPV = c_arrays("tests/test_rap.c")
# nbns_answer: name selector, transaction id, datagram
for sel, vec in ((0, "NMBD_POSITIVE"), (2, "NMBD_NEGATIVE")):
    d = NBNS[vec]
    add("nbns_answer", vec.lower(), bytes([sel]) + d[:2] + d)
d = NBNS["NMBD_POSITIVE"]
# the answer name as a pointer back to a first (type NULL) record's name
two = d[:6] + b"\x00\x02" + d[8:12] + d[12:46] + struct.pack(">HHIH", 0x0A, 1, 0, 0) + \
    b"\xc0\x0c" + d[46:]
add("nbns_answer", "pointer", b"\x00" + d[:2] + two)


def rap_seed(selector, par, data=b""):
    return bytes([selector, len(par)]) + par + data


# rap_enum: selector = rap index (0,1,2,10,3) + 5 * level index (0,1,2,10,502)
for sel, name in ((12, "samba3_l2"), (2, "samba3_l0"), (22, "samba3_l502"), (17, "samba3_l10")):
    add("rap_enum", name, rap_seed(sel, RAPV["SAMBA3_PAR"], RAPV["SAMBA3_DATA"]))
add("rap_enum", "samba_l10_refused", rap_seed(18, RAPV["SAMBA_L10_PAR"]))
add("rap_enum", "samba_not_admin", rap_seed(12, RAPV["SAMBA_USER_PAR"]))
# rap_getinfo: a level 2 record with converter 0x1234 (as tests/test_rap.c builds it)
conv = 0x1234
rec = struct.pack("<IIHHHIIII", 0xABCD0000 | (30 + conv), 34 + conv, 1, 3, 1, 600, 42, 1, 0) + b"WS1\0BOB\0"
add("rap_getinfo", "l2_converter", rap_seed(12, struct.pack("<HHH", 0, conv, len(rec)), rec))
rec10 = struct.pack("<IIII", 16, 20, 7, 8) + b"WS2\0AL\0"
add("rap_getinfo", "l10", rap_seed(18, struct.pack("<HHH", 0, 0, len(rec10)), rec10))
add("rap_getinfo", "buf_too_small", rap_seed(12, struct.pack("<HHH", 2123, 0, 300)))
add("rap_getinfo", "del_no_session", rap_seed(12, struct.pack("<HH", 2461, 0)))

# ---- SMB1 (dll/smb1): header + AndX chains, TRANSACTION / READ_ANDX / NEGOTIATE bodies
def smb1_hdr(cmd, flags2=0xC801):
    return b"\xffSMB" + bytes([cmd]) + b"\0" * 4 + b"\x98" + struct.pack("<H", flags2) + b"\0" * 12 + \
        struct.pack("<HHHH", 1, 0x1234, 0x64, 7)

def smb1_andx(wc, next_cmd, next_off, bc):
    return bytes([wc, next_cmd, 0]) + struct.pack("<H", next_off) + b"\0" * (wc * 2 - 4) + \
        struct.pack("<H", bc) + b"\xab" * bc

add("smb1_header", "tree_connect", smb1_hdr(0x75) + smb1_andx(3, 0xFF, 0, 8))
add("smb1_header", "chain2", smb1_hdr(0x75) + smb1_andx(3, 0x75, 32 + 9 + 4, 4) + smb1_andx(3, 0xFF, 0, 2))
add("smb1_header", "loop", smb1_hdr(0x75) + smb1_andx(3, 0x75, 32, 4))
add("smb1_header", "error", smb1_hdr(0x2E) + b"\0\0\0")
def smb1_trans(pc, dc, tdc=None):
    po = 32 + 1 + 20 + 2 + 1
    w = struct.pack("<HHHHHHHHHBB", pc, tdc or dc, 0, pc, po, 0, dc, po + pc, 0, 0, 0)
    return smb1_hdr(0x25) + bytes([10]) + w + struct.pack("<H", 1 + pc + dc) + b"\0" + b"\x11" * (pc + dc)
add("smb1_trans", "trans_rap", smb1_trans(8, 64))
add("smb1_trans", "trans_pipe", smb1_trans(0, 120))
add("smb1_trans", "trans_first_of_two", smb1_trans(8, 64, 128))
rd = struct.pack("<BBHHHHHHH", 0xFF, 0, 0, 0, 0, 0, 16, 32 + 1 + 24 + 2 + 1, 0) + b"\0" * 8
add("smb1_trans", "read_andx", smb1_hdr(0x2E) + bytes([12]) + rd + struct.pack("<H", 17) + b"\0" + b"\x5a" * 16)
neg = struct.pack("<HBHHIIIIQhB", 0, 7, 50, 1, 16644, 65536, 0, 0x8080F3FC, 0, 0, 0)
add("smb1_trans", "negotiate", smb1_hdr(0x72) + bytes([17]) + neg + struct.pack("<H", 26) + b"\x22" * 26)
# without extended security: ChallengeLength 8, the challenge, the DomainName (MS-CIFS 2.2.4.52.2)
neg = struct.pack("<HBHHIIIIQhB", 0, 7, 50, 1, 4356, 65536, 0, 0x0000F3FC, 0, 0, 8)
add("smb1_trans", "negotiate_raw", smb1_hdr(0x72) + bytes([17]) + neg + struct.pack("<H", 16) + b"\x33" * 8
    + "DOM\0".encode("utf-16-le"))

# ---- write ---------------------------------------------------------------------
if os.path.isdir(OUT):
    shutil.rmtree(OUT)
for target, items in sorted(seeds.items()):
    d = os.path.join(OUT, target)
    os.makedirs(d)
    for name, data in items:
        assert len(data) <= 4096, (target, name, len(data))
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("%-16s %3d seeds" % (target, len(items)))
