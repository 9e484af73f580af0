"""The SMB1 commands of the scripted RAP-only server (tests/lib/rap_server.py
describes what it answers).  dispatch() gets one request whose header, word
block and byte block were bounds-checked by the caller; every offset and
count inside them is checked here against the message."""
import os
import struct
import time

import rap_lanman
import rap_ntlm

ST_OK, ST_MORE = 0, 0xC0000016
ST_LOGON_FAILURE = 0xC000006D
ST_NOT_FOUND, ST_BAD_NET_NAME = 0xC0000034, 0xC00000CC
ST_NOT_SUPPORTED, ST_INVALID_PARAMETER = 0xC00000BB, 0xC000000D
ST_BAD_UID, ST_BAD_TID, ST_INVALID_HANDLE = 0x005B0002, 0x00050002, 0xC0000008
CAPS = 0x80000000 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x200 | 0x1000
ANDX_NONE = b"\xff\0\0\0"
MAX_NAME = 512


def utf16z(msg, pos, cap=MAX_NAME):
    """A NUL-terminated UTF-16 string at msg[pos:], 2-aligned from the header."""
    if pos & 1:
        pos += 1
    out = []
    while len(out) < cap and pos + 2 <= len(msg):
        ch = struct.unpack_from("<H", msg, pos)[0]
        pos += 2
        if ch == 0:
            break
        out.append(ch)
    return struct.pack("<%dH" % len(out), *out).decode("utf-16-le", "replace")


def name_at(req, pos, end, cap=MAX_NAME):
    """A path in the byte block: UTF-16 when FLAGS2 says Unicode, else ASCII."""
    if struct.unpack_from("<H", req, 10)[0] & 0x8000:
        return utf16z(req[:end], pos, cap)
    z = req.find(b"\0", pos, min(end, pos + cap))
    return req[pos:z if z >= 0 else min(end, pos + cap)].decode("latin-1")


def negotiate(c, req, w, b, bs):
    if c.negotiated:
        raise EOFError
    names, pos = [], 0
    while pos < len(b) and len(names) < 64:
        end = b.find(b"\0", pos + 1)
        if b[pos] != 2 or end < 0:
            break
        names.append(b[pos + 1:end])
        pos = end + 1
    if b"NT LM 0.12" not in names:
        c.send(req, ST_OK, struct.pack("<H", 0xFFFF))
        return
    c.negotiated = True
    ft = int((time.time() + 11644473600) * 10000000)
    if c.srv.no_extsec:  # MS-CIFS 2.2.4.52.2: the 8-byte challenge, then the domain name
        c.chal = os.urandom(8)
        # share level: no signing either; plain: user level wanting plaintext passwords (no challenge)
        mode = {"share": 0x02, "plain": 0x0D}.get(c.srv.no_extsec, 0x0F)
        cl = 0 if c.srv.no_extsec == "plain" else 8
        words = struct.pack("<HBHHIIIIQhB", names.index(b"NT LM 0.12"), mode, 50, 1, 65535, 65536, 0,
                            CAPS & ~0x80000000, ft, 0, cl)
        c.send(req, ST_OK, words, c.chal[:cl] + (c.srv.domain + "\0").encode("utf-16-le"))
        return
    words = struct.pack("<HBHHIIIIQhB", names.index(b"NT LM 0.12"), 0x0F, 50, 1, 65535, 65536, 0, CAPS, ft, 0, 0)
    c.send(req, ST_OK, words, b"RAPONLYSERVER\0\0\0" + rap_ntlm.spnego_hint())


def setup_reply(c, req, status, blob, uid):
    data = blob + (b"\0" if (43 + len(blob)) & 1 else b"") + "RAPServer\0RAPServer\0".encode("utf-16-le")
    c.send(req, status, ANDX_NONE + struct.pack("<HH", 0, len(blob)), data, uid=uid)


def new_session(c, user, native_os, admin):
    now = time.time()
    c.sess = {"client": c.peer, "user": user, "trees": 0, "opens": 0, "logon": now, "last": now,
              "cltype": native_os, "admin": admin}
    c.srv.table.save()
    print("logon from %s: %s" % (c.peer, user or "(anonymous)"), flush=True)


def raw_session_setup(c, req, w, b, bs):
    """--no-extsec: SESSION_SETUP_ANDX without extended security (WordCount
    13, MS-CIFS 2.2.4.53.1): an NTLMv2 response to our NEGOTIATE challenge
    (LM and NTLMv1 responses refused); empty passwords = anonymous (share
    level: any logon is anonymous, passwords are per share).  The session is
    signed with SessionBaseKey || the NTLMv2 response (MS-CIFS 3.1.4.1)."""
    oem, uni = struct.unpack_from("<HH", w, 14)
    if oem + uni > len(b):
        c.send(req, ST_INVALID_PARAMETER)
        return
    lm, nt = b[:oem], b[oem:oem + uni]
    user = utf16z(req[:bs + len(b)], bs + oem + uni, 64)
    pos = bs + oem + uni + ((bs + oem + uni) & 1) + 2 * len(user) + 2
    dom = utf16z(req[:bs + len(b)], pos, 64)
    c.uid = 0x100 + (id(c) & 0x7FFF)
    share = c.srv.no_extsec == "share"
    if share or (not uni and oem <= 1):
        new_session(c, "", "", share)
        c.send(req, ST_OK, ANDX_NONE + struct.pack("<H", 0), b"\0" + "RAPServer\0RAPServer\0".encode("utf-16-le"))
        return
    got = rap_ntlm.verify_bare(c.srv.users, c.chal, user, dom, nt)
    if got is None:
        print("logon from %s: refused (no extended security, %d-byte response)" % (c.peer, len(nt)), flush=True)
        uid, c.uid = c.uid, 0
        c.send(req, ST_LOGON_FAILURE, uid=uid)
        return
    # badsign: signed with the session key alone (a wrong MAC key); guest: Action says guest
    c.key, c.seq = got[1] + (b"" if c.srv.no_extsec == "badsign" else nt), 0
    new_session(c, got[0], "", c.srv.users[got[0]][1])
    action = 1 if c.srv.no_extsec == "guest" else 0
    c.send(req, ST_OK, ANDX_NONE + struct.pack("<H", action), b"\0" + "RAPServer\0RAPServer\0".encode("utf-16-le"))


def session_setup(c, req, w, b, bs):
    if len(w) == 26 and c.srv.no_extsec and not c.sess:
        raw_session_setup(c, req, w, b, bs)
        return
    if len(w) != 24 or c.sess:
        c.send(req, ST_INVALID_PARAMETER)
        return
    bloblen = struct.unpack_from("<H", w, 14)[0]
    if bloblen > len(b) or bloblen > rap_ntlm.MAX_TOKEN:
        c.send(req, ST_INVALID_PARAMETER)
        return
    blob = b[:bloblen]
    try:
        if c.auth is None:
            c.auth = rap_ntlm.NtlmServer(c.srv.users, c.srv.domain, c.srv.name)
            tok = c.auth.challenge(blob)
            c.uid = 0x100 + (id(c) & 0x7FFF)
            setup_reply(c, req, ST_MORE, tok, c.uid)
            return
        user = c.auth.authenticate(blob)
    except (rap_ntlm.AuthError, struct.error, UnicodeError) as e:
        print("logon from %s: malformed token: %s" % (c.peer, e), flush=True)
        user = None
    if user is None:
        print("logon from %s: refused" % c.peer, flush=True)
        c.auth, uid, c.uid = None, c.uid, 0
        c.send(req, ST_LOGON_FAILURE, uid=uid)
        return
    native_os = utf16z(req, bs + bloblen, 64)
    if not all(0x20 <= ord(ch) < 0x7F for ch in native_os):
        native_os = name_at(req[:10] + b"\0\0" + req[12:], bs + bloblen, bs + len(b), 64)  # ASCII (impacket)
    tok = c.auth.final_token()
    c.key, c.seq = c.auth.session_key, 0
    new_session(c, user, native_os, c.srv.users[user][1])
    setup_reply(c, req, ST_OK, tok, c.uid)


def tree_connect(c, req, w, b, bs):
    if len(w) != 8:
        c.send(req, ST_INVALID_PARAMETER)
        return
    pwlen = struct.unpack_from("<H", w, 6)[0]
    if pwlen > len(b):
        c.send(req, ST_INVALID_PARAMETER)
        return
    path = name_at(req, bs + pwlen, bs + len(b))
    if not path.upper().endswith("\\IPC$"):
        c.send(req, ST_BAD_NET_NAME, tid=0xFFFF)
        return
    tid = 1 + len(c.tids)
    while tid in c.tids:
        tid += 1
    c.tids.add(tid)
    c.sess["trees"] += 1
    c.send(req, ST_OK, ANDX_NONE + struct.pack("<H", 1), b"IPC\0\0\0", tid=tid)
    c.srv.table.save()


def nt_create(c, req, w, b, bs):
    if len(w) != 48:
        c.send(req, ST_INVALID_PARAMETER)
        return
    name = name_at(req, bs, bs + len(b), min(MAX_NAME, struct.unpack_from("<H", w, 5)[0])).lstrip("\\")
    srvsvc = name.lower() == "srvsvc" and c.srv.srvsvc != "missing"
    if name.lower() != "lanman" and not srvsvc:
        c.send(req, ST_NOT_FOUND)
        return
    fid = 0x4000 + len(c.fids)
    while fid in c.fids:
        fid += 1
    c.fids.add(fid)
    if srvsvc:
        c.srvsvc_fids.add(fid)
    c.sess["opens"] += 1
    words = ANDX_NONE + struct.pack("<BHI", 0, fid, 1) + b"\0" * 32 + struct.pack("<IQQHHB", 0x80, 4096, 0, 2,
                                                                                    0x05FF, 0)
    c.send(req, ST_OK, words)
    c.srv.table.save()


def close(c, req, w, b, bs):
    fid = struct.unpack_from("<H", w, 0)[0] if len(w) >= 2 else -1
    if fid not in c.fids:
        c.send(req, ST_INVALID_HANDLE)
        return
    c.fids.discard(fid)
    c.srvsvc_fids.discard(fid)
    c.sess["opens"] -= 1
    c.send(req, ST_OK)
    c.srv.table.save()


def transaction(c, req, w, b, bs):
    if len(w) < 28 or len(w) != 28 + 2 * w[26]:
        c.send(req, ST_INVALID_PARAMETER)
        return
    tp, td, mp, md = struct.unpack_from("<HHHH", w, 0)
    pc, po, dc, do = struct.unpack_from("<HHHH", w, 18)
    if pc != tp or dc != td:
        c.send(req, ST_NOT_SUPPORTED)  # no secondary TRANSACTION requests
        return
    if po + pc > len(req) or do + dc > len(req) or po < bs or (dc and do < bs):
        c.send(req, ST_INVALID_PARAMETER)
        return
    name = name_at(req, bs, bs + len(b), 64).lower()
    z = b.find(b"\0", 0, 64)
    if b[:z].lower() == b"\\pipe\\lanman":
        name = "\\pipe\\lanman"  # ASCII although FLAGS2 says Unicode, as impacket sends it
    nmpipe = w[26] == 2 and struct.unpack_from("<H", w, 28)[0] == 0x26
    if name == "\\pipe\\" and nmpipe and struct.unpack_from("<H", w, 30)[0] in c.srvsvc_fids:
        trans_reply(c, req, b"", bind_refusal(c.srv.srvsvc, req[do:do + dc]))
        return
    if name != "\\pipe\\lanman" or w[26] != 0:
        c.send(req, ST_INVALID_HANDLE if name == "\\pipe\\" else ST_NOT_FOUND)
        return
    rp, rd, ends = rap_lanman.handle(req[po:po + pc], md, c.sess, c.srv.table.sessions(), time.time())
    trans_reply(c, req, rp[:mp], rd[:md])
    if ends:
        print("NetSessionDel: ending %d session(s)" % len(ends), flush=True)
        c.srv.table.end(ends, keep=c)


def trans_reply(c, req, rp, rd):
    poff = 56
    doff = (poff + len(rp) + 3) & ~3
    words = struct.pack("<HHHHHHHHHBB", len(rp), len(rd), 0, len(rp), poff, 0, len(rd), doff, 0, 0, 0)
    c.send(req, ST_OK, words, b"\0" + rp + b"\0" * (doff - poff - len(rp)) + rd)


def bind_refusal(mode, pdu):
    """--srvsvc bind-nak / reject: the srvsvc pipe exists but refuses the
    bind: a bind_nak, or a bind_ack whose one context is rejected (abstract
    syntax not supported).  Anything but a bind is answered the same way."""
    call_id = pdu[12:16] if len(pdu) >= 16 else b"\0\0\0\0"
    if mode == "bind-nak":
        return b"\x05\x00\x0d\x03\x10\0\0\0" + struct.pack("<HH", 20, 0) + call_id + b"\0" * 4
    body = struct.pack("<HHIH", 4280, 4280, 0x1234, 0) + b"\0\0" + struct.pack("<B3xHH", 1, 2, 1) + b"\0" * 20
    return b"\x05\x00\x0c\x03\x10\0\0\0" + struct.pack("<HH", 16 + len(body), 0) + call_id + body


def echo(c, req, w, b, bs):
    c.send(req, ST_OK, struct.pack("<H", 1), b[:4096])


def tree_disconnect(c, req, w, b, bs):
    tid = struct.unpack_from("<H", req, 24)[0]
    if tid not in c.tids:
        c.send(req, ST_BAD_TID)
        return
    c.tids.discard(tid)
    c.sess["trees"] -= 1
    c.send(req, ST_OK)
    c.srv.table.save()


def logoff(c, req, w, b, bs):
    c.sess, c.tids, c.fids, c.auth = None, set(), set(), None
    c.send(req, ST_OK, ANDX_NONE)
    c.srv.table.save()


NEEDS_TREE = {0xA2: nt_create, 0x25: transaction, 0x04: close, 0x71: tree_disconnect}
NEEDS_SESSION = {0x75: tree_connect, 0x74: logoff}
OPEN = {0x72: negotiate, 0x73: session_setup, 0x2B: echo}


def dispatch(c, req, words, data, bstart):
    cmd = req[4]
    uid, tid = struct.unpack_from("<H", req, 28)[0], struct.unpack_from("<H", req, 24)[0]
    if cmd != 0x72 and not c.negotiated:
        raise EOFError
    fn = OPEN.get(cmd) or NEEDS_SESSION.get(cmd) or NEEDS_TREE.get(cmd)
    if fn is None:
        c.send(req, ST_NOT_SUPPORTED)
    elif cmd not in OPEN and (not c.sess or uid != c.uid):
        c.send(req, ST_BAD_UID)
    elif cmd in NEEDS_TREE and tid not in c.tids:
        c.send(req, ST_BAD_TID)
    else:
        fn(c, req, words, data, bstart)
