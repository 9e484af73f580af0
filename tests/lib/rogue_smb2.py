#!/usr/bin/python3
"""A hand-written hostile SMB2 server (dialect 2.0.2) with a srvsvc pipe.

usage: rogue_smb2.py IP BASEPORT LOG
  Listens on IP:BASEPORT+i for MODES[i] (printed as "mode NAME PORT" lines,
  then "ready").  LOG gets one line per event: "accept MODE" (a connection),
  "setup MODE" (a session was granted), "served MODE" (a NetrSessionEnum
  request got this mode's answer), so a test can prove its hostile answer
  was really delivered.  Runs until killed.

It never checks a password and never signs.  Modes:
  guest       final SESSION_SETUP claims SMB2_SESSION_FLAG_IS_GUEST (no key,
              no mechListMIC), then serves two invented sessions
  null        the same with SMB2_SESSION_FLAG_IS_NULL
  unsigned    a normal (flags 0) session whose answers are never signed
  pending     the NetrSessionEnum IOCTL gets STATUS_PENDING interim
              responses every 0.5 s, forever
  paging      6 sessions in 3 pages: ERROR_MORE_DATA + resume handles 1, 2,
              then NERR_Success (meant for anonymous callers)
  repeat      ERROR_MORE_DATA with resume handle 1, every time, forever
  werror8     NDR return value 8 (ERROR_NOT_ENOUGH_MEMORY), a valid answer
  werror59    NDR return value 59, a valid answer
  fault5      an RPC fault PDU with status 5 (access denied)
  ndr_count   EntriesRead 1000 over an array of 2
  ndr_maxcount array conformance 0x7fffffff over 2 entries
  ndr_strlen  a string claiming 0x40000000 characters
  ndr_nullbuf EntriesRead 2 with a NULL array pointer
  ndr_trunc   the stub cut in the middle of an entry
  ndr_referent a string pointer whose referent data never comes
  nomic       knows the password ($ROGUE_USER/$ROGUE_PASSWORD): derives the
              session key, signs every answer correctly, but its final
              SPNEGO token carries no mechListMIC
  signed_ok   the same with a correct mechListMIC: the control case, which
              must succeed (it proves the signing and the MIC are right, so
              that nomic fails for the missing MIC alone)
  nocompound  answers every element of a compounded request (MS-SMB2
              3.3.5.2.7) with STATUS_INVALID_PARAMETER ("refused" in LOG),
              single requests normally: the client must fall back to one
              request at a time and get the two invented sessions

Compounded requests are taken apart (NextCommand) and each element is
answered in a frame of its own, as a server may (MS-SMB2 3.3.4.1.3).
"""
import hashlib
import hmac
import os
import socket
import struct
import sys
import threading
import time

from impacket import ntlm, spnego

try:
    from Cryptodome.Cipher import ARC4
except ImportError:
    from Crypto.Cipher import ARC4

MODES = ["guest", "null", "unsigned", "pending", "paging", "repeat", "werror8", "werror59", "fault5",
         "ndr_count", "ndr_maxcount", "ndr_strlen", "ndr_nullbuf", "ndr_trunc", "ndr_referent",
         "nomic", "signed_ok", "nocompound"]

STATUS_SUCCESS = 0
STATUS_PENDING = 0x103
STATUS_MORE_PROCESSING = 0xC0000016
STATUS_NOT_SUPPORTED = 0xC00000BB
STATUS_INVALID_PARAMETER = 0xC000000D
STATUS_BUFFER_OVERFLOW = 0x80000005
FLAG_RESPONSE, FLAG_ASYNC = 0x1, 0x2
NDR_SYNTAX = bytes.fromhex("045d888aeb1cc9119fe808002b104860")
NTLM_OID = spnego.TypesMech["NTLMSSP - Microsoft NTLM Security Support Provider"]
LOGLOCK = threading.Lock()
LOG = "/dev/null"


def u16(b, o): return struct.unpack_from("<H", b, o)[0]
def u32(b, o): return struct.unpack_from("<I", b, o)[0]
def u64(b, o): return struct.unpack_from("<Q", b, o)[0]


# ---- NDR (NDR20) for NetrSessionEnum responses -----------------------------------
class Ndr:
    def __init__(self):
        self.b = bytearray()
        self.ref = 0x20000

    def align(self):
        while len(self.b) % 4:
            self.b += b"\0"

    def u32(self, v):
        self.align()
        self.b += struct.pack("<I", v & 0xFFFFFFFF)

    def ptr(self, null=False):
        if null:
            self.u32(0)
        else:
            self.ref += 4
            self.u32(self.ref)

    def wstr(self, s, claim=None):
        data = (s + "\0").encode("utf-16-le")
        n = len(data) // 2
        self.u32(claim if claim is not None else n)
        self.u32(0)
        self.u32(claim if claim is not None else n)
        self.b += data


def sessions(names):
    return [("\\\\10.9.9.%d" % (i + 1), u) for i, u in enumerate(names)]


def enum_stub(level, entries, total, resume, werror, hostile=None):
    """NetrSessionEnum response stub for level 0, 1 or 10."""
    n = Ndr()
    n.u32(level)
    n.u32(level)
    n.ptr()                                         # container
    n.u32(1000 if hostile == "ndr_count" else len(entries))
    n.ptr(null=(not entries) or hostile == "ndr_nullbuf")
    if entries and hostile != "ndr_nullbuf":
        n.u32(0x7FFFFFFF if hostile == "ndr_maxcount" else len(entries))
        for c, u in entries:
            n.ptr()
            if level != 0:
                n.ptr()
            if level == 1:
                for v in (1, 60, 5, 0):
                    n.u32(v)
            elif level == 10:
                n.u32(60)
                n.u32(5)
        if hostile == "ndr_trunc":
            return bytes(n.b[:len(n.b) - 6])
        for k, (c, u) in enumerate(entries):
            if hostile == "ndr_referent" and k == len(entries) - 1:
                break
            n.wstr(c, claim=0x40000000 if hostile == "ndr_strlen" and k == 0 else None)
            if level != 0:
                n.wstr(u)
    n.u32(total)
    if resume is None:
        n.u32(0)
    else:
        n.ptr()
        n.u32(resume)
    n.u32(werror)
    return bytes(n.b)


def parse_enum_request(stub):
    """(level, resume handle or None) from a NetrSessionEnum request stub."""
    from impacket.dcerpc.v5 import srvs
    req = srvs.NetrSessionEnum()
    req.fromString(stub)
    level = req["InfoStruct"]["Level"]
    rh = req["ResumeHandle"]
    return level, (None if rh is None or rh == b"" else int(rh))


def log_event(what, mode):
    with LOGLOCK, open(LOG, "a") as f:
        f.write("%s %s\n" % (what, mode))


def srvsvc_answer(mode, stub, opnum):
    """(stub, fault_status or None) for one srvsvc request."""
    log_event("served", mode)
    if opnum != 12:
        return None, 0x1C010002  # nca_s_op_rng_error
    try:
        level, rh = parse_enum_request(stub)
    except Exception:
        level, rh = 1, None
    if level not in (0, 1, 10):
        return enum_stub(level, [], 0, None, 124), None
    if mode == "fault5":
        return None, 5
    if mode in ("werror8", "werror59"):
        return enum_stub(level, [], 0, None, int(mode[6:])), None
    if mode == "paging":
        page = rh or 0
        allu = sessions(["pguser%d" % i for i in range(6)])
        if page not in (0, 1, 2):
            return enum_stub(level, [], 0, None, 87), None
        ents = allu[2 * page:2 * page + 2]
        more = page < 2
        return enum_stub(level, ents, 6, page + 1 if more else 0, 234 if more else 0), None
    if mode == "repeat":
        return enum_stub(level, sessions(["rpuser0", "rpuser1"]), 100, 1, 234), None
    if mode.startswith("ndr_"):
        return enum_stub(level, sessions(["ndruser0", "ndruser1"]), 2, 0, 0, hostile=mode), None
    # guest, null, unsigned: two invented sessions
    return enum_stub(level, sessions(["forged1", "forged2"]), 2, 0, 0), None


# ---- DCE/RPC ---------------------------------------------------------------------
def rpc_hdr(ptype, call_id, body):
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, 3, b"\x10\0\0\0", 16 + len(body), 0, call_id) + body


def rpc_process(mode, pdu):
    """Answer one complete client PDU (bind or request)."""
    ptype, call_id = pdu[2], u32(pdu, 12)
    if ptype == 11:   # bind
        ncont = pdu[24]
        results = b""
        off = 28
        for _ in range(ncont):
            ntr = pdu[off + 2]
            trs = [pdu[off + 24 + 20 * k:off + 24 + 20 * k + 20] for k in range(ntr)]
            off += 24 + 20 * ntr
            if any(t[:16] == NDR_SYNTAX for t in trs):
                results += struct.pack("<HH", 0, 0) + NDR_SYNTAX + struct.pack("<I", 2)
            else:
                results += struct.pack("<HH", 2, 2) + b"\0" * 20
        sec = b"\\PIPE\\srvsvc\0"
        body = struct.pack("<HHI", 4280, 4280, 0x12345) + struct.pack("<H", len(sec)) + sec
        while (16 + len(body)) % 4:
            body += b"\0"
        body += struct.pack("<B3x", ncont) + results
        return rpc_hdr(12, call_id, body)
    if ptype == 0:    # request
        ctx, opnum = u16(pdu, 20), u16(pdu, 22)
        stub, fault = srvsvc_answer(mode, pdu[24:], opnum)
        if stub is None:
            return rpc_hdr(3, call_id, struct.pack("<IHBBII", 32, ctx, 0, 0, fault, 0))
        return rpc_hdr(2, call_id, struct.pack("<IHBB", len(stub), ctx, 0, 0) + stub)
    return rpc_hdr(3, call_id, struct.pack("<IHBBII", 32, 0, 0, 0, 0x1C010003, 0))


# ---- SPNEGO ----------------------------------------------------------------------
def neg_resp_final(mic):
    """NegTokenResp { negState accept-completed, [mechListMIC] } (RFC 4178)."""
    der = spnego.asn1encode
    body = b"\xa0" + der(b"\x0a\x01\x00")
    if mic:
        body += b"\xa3" + der(b"\x04" + der(mic))
    return b"\xa1" + der(b"\x30" + der(body))


# ---- SMB2 ------------------------------------------------------------------------
class Conn:
    def __init__(self, sock, mode):
        self.s, self.mode = sock, mode
        self.session_id = 0x1000000000001
        self.pipe_in = bytearray()
        self.pipe_out = bytearray()
        self.wlock = threading.Lock()
        self.closed = False
        self.sign_key = None     # SMB 2.0.2 signing key once the session is set up
        self.mech_types = b""    # DER MechTypeList the client offered

    def send(self, msg):
        with self.wlock:
            self.s.sendall(struct.pack(">I", len(msg)) + msg)

    def reply(self, req, status, body, flags=0, async_id=None, session_id=None):
        cmd, msg_id = u16(req, 12), u64(req, 24)
        sid = self.session_id if session_id is None else session_id
        f = FLAG_RESPONSE | flags
        if async_id is not None:
            hdr = struct.pack("<4sHHIHHIIQQQ16s", b"\xfeSMB", 64, 1, status, cmd, 32, f | FLAG_ASYNC, 0,
                              msg_id, async_id, sid, b"\0" * 16)
        else:
            hdr = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 1, status, cmd, 32, f, 0,
                              msg_id, 0, 1 if cmd == 3 else u32(req, 36), sid, b"\0" * 16)
        msg = bytearray(hdr + body)
        if self.sign_key and async_id is None:
            struct.pack_into("<I", msg, 16, f | 0x8)
            msg[48:64] = hmac.new(self.sign_key, bytes(msg), hashlib.sha256).digest()[:16]
        self.send(bytes(msg))

    def error(self, req, status, **kw):
        self.reply(req, status, struct.pack("<HBBI", 9, 0, 0, 0) + b"\0", **kw)

    def negotiate(self, req):
        init = spnego.SPNEGO_NegTokenInit()
        init["MechTypes"] = [NTLM_OID]
        blob = init.getData()
        body = struct.pack("<HHHH16sIIIIQQHHI", 65, 1, 0x0202, 0, b"ROGUE-SMB2-SRVR!", 0, 65536, 65536, 65536,
                           int((time.time() + 11644473600) * 1e7), 0, 128, len(blob), 0) + blob
        self.reply(req, STATUS_SUCCESS, body, session_id=0)

    def session_setup(self, req):
        secoff, seclen = u16(req, 64 + 12), u16(req, 64 + 14)
        blob = req[secoff:secoff + seclen]
        if b"NTLMSSP\0\x01" in blob:   # NEGOTIATE -> CHALLENGE
            try:
                init = spnego.SPNEGO_NegTokenInit(blob)
                oids = b"".join(b"\x06" + spnego.asn1encode(m) for m in init["MechTypes"])
                self.mech_types = b"\x30" + spnego.asn1encode(oids)
            except Exception:
                self.mech_types = b""
            ch = ntlm.NTLMAuthChallenge()
            ch["flags"] = (ntlm.NTLMSSP_NEGOTIATE_UNICODE | ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
                           ntlm.NTLMSSP_NEGOTIATE_TARGET_INFO | ntlm.NTLMSSP_NEGOTIATE_NTLM |
                           ntlm.NTLMSSP_NEGOTIATE_SIGN | ntlm.NTLMSSP_NEGOTIATE_128 |
                           ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH | ntlm.NTLMSSP_REQUEST_TARGET)
            ch["domain_name"] = "ROGUE".encode("utf-16-le")
            ch["challenge"] = b"\x11\x22\x33\x44\x55\x66\x77\x88"
            av = ntlm.AV_PAIRS()
            av[ntlm.NTLMSSP_AV_HOSTNAME] = "ROGUE".encode("utf-16-le")
            av[ntlm.NTLMSSP_AV_DOMAINNAME] = "ROGUE".encode("utf-16-le")
            av[ntlm.NTLMSSP_AV_TIME] = struct.pack("<Q", int((time.time() + 11644473600) * 1e7))
            ch["TargetInfoFields"] = av
            ch["Version"] = b""
            ch["domain_offset"] = 48
            ch["TargetInfoFields_offset"] = 48 + len(ch["domain_name"])
            resp = spnego.SPNEGO_NegTokenResp()
            resp["NegState"] = b"\x01"
            resp["SupportedMech"] = NTLM_OID
            resp["ResponseToken"] = ch.getData()
            tok = resp.getData()
            self.reply(req, STATUS_MORE_PROCESSING, struct.pack("<HHHH", 9, 0, 72, len(tok)) + tok)
            return
        # AUTHENTICATE: accepted without checking it; only nomic/signed_ok
        # derive the key (from the password they were told) and sign
        key, mic = None, None
        if self.mode in ("nomic", "signed_ok"):
            key, mic = self.session_key(blob)
        tok = neg_resp_final(mic if self.mode == "signed_ok" else None)
        flags = {"guest": 1}.get(self.mode, 0)
        if self.mode not in ("guest", "unsigned", "nomic", "signed_ok"):
            flags = 2   # null session: every other mode serves anonymous callers
        self.sign_key = key
        self.reply(req, STATUS_SUCCESS, struct.pack("<HHHH", 9, flags, 72, len(tok)) + tok)
        log_event("setup", self.mode)

    def session_key(self, blob):
        """(SMB 2.0.2 signing key, server mechListMIC) from the client's
        AUTHENTICATE and the password this server was told (MS-NLMP 3.3.2,
        3.4.4.2 with extended session security and key exchange)."""
        try:
            auth = ntlm.NTLMAuthChallengeResponse()
            auth.fromString(spnego.SPNEGO_NegTokenResp(blob)["ResponseToken"])
            user = auth["user_name"].decode("utf-16-le")
            domain = auth["domain_name"].decode("utf-16-le")
            flags = auth["flags"]
            ntowf = ntlm.NTOWFv2(user, os.environ.get("ROGUE_PASSWORD", ""), domain)
            key = ntlm.hmac_md5(ntowf, auth["ntlm"][:16])      # SessionBaseKey = KeyExchangeKey
            if flags & ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH:
                # EncryptedRandomSessionKey from its own security buffer (impacket's
                # parser misreads it when the message carries Version and MIC)
                raw = spnego.SPNEGO_NegTokenResp(blob)["ResponseToken"]
                esk = raw[u32(raw, 56):u32(raw, 56) + u16(raw, 52)]
                key = ntlm.generateEncryptedSessionKey(key, esk)   # RC4: decrypts too
            seal = ARC4.new(ntlm.SEALKEY(flags, key, "Server")).encrypt
            mic = ntlm.MAC(flags, seal, ntlm.SIGNKEY(flags, key, "Server"), 0, self.mech_types).getData()
            return key, mic
        except Exception as e:  # a client message we cannot read: no key, no MIC
            sys.stderr.write("rogue: session key: %r\n" % (e,))
            return None, None

    def pipe_exchange(self, data):
        """Feed client bytes, return the answer PDU(s) queued so far."""
        self.pipe_in += data
        while len(self.pipe_in) >= 16:
            flen = u16(self.pipe_in, 8)
            if flen < 16 or len(self.pipe_in) < flen:
                break
            pdu, self.pipe_in = bytes(self.pipe_in[:flen]), self.pipe_in[flen:]
            if pdu[2] == 0 and self.mode == "pending":
                log_event("served", self.mode)
                return "pending"
            self.pipe_out += rpc_process(self.mode, pdu)
        out, self.pipe_out = bytes(self.pipe_out), bytearray()
        return out

    def pending_forever(self, req):
        aid = 0x77
        while not self.closed:
            try:
                self.error(req, STATUS_PENDING, async_id=aid)
            except OSError:
                return
            time.sleep(0.5)

    def ioctl(self, req):
        ctl = u32(req, 64 + 4)
        fid = req[64 + 8:64 + 24]
        inoff, incnt = u32(req, 64 + 24), u32(req, 64 + 28)
        if ctl != 0x0011C017:
            self.error(req, STATUS_NOT_SUPPORTED)
            return
        out = self.pipe_exchange(req[inoff:inoff + incnt])
        if out == "pending":
            threading.Thread(target=self.pending_forever, args=(req,), daemon=True).start()
            return
        body = struct.pack("<HHI16sIIIIII", 49, 0, ctl, fid, 112, 0, 112, len(out), 0, 0) + out
        self.reply(req, STATUS_SUCCESS, body)

    def handle(self, req):
        cmd = u16(req, 12)
        if cmd == 0:
            self.negotiate(req)
        elif cmd == 1:
            self.session_setup(req)
        elif cmd in (2, 4, 0xD):          # LOGOFF, TREE_DISCONNECT, ECHO
            self.reply(req, STATUS_SUCCESS, struct.pack("<HH", 4, 0))
        elif cmd == 3:                    # TREE_CONNECT -> a pipe share
            self.reply(req, STATUS_SUCCESS, struct.pack("<HBBIII", 16, 2, 0, 0, 0, 0x1F01FF))
        elif cmd == 5:                    # CREATE
            fid = b"\x01" * 8 + b"\x02" * 8
            body = struct.pack("<HBBIQQQQQQII16sII", 89, 0, 0, 1, 0, 0, 0, 0, 4096, 0, 0x80, 0, fid, 0, 0) + b"\0"
            self.reply(req, STATUS_SUCCESS, body)
        elif cmd == 6:                    # CLOSE
            self.reply(req, STATUS_SUCCESS, struct.pack("<HHI", 60, 0, 0) + b"\0" * 52)
        elif cmd == 0xB:                  # IOCTL
            self.ioctl(req)
        elif cmd == 9:                    # WRITE
            doff, dlen = u16(req, 64 + 2), u32(req, 64 + 4)
            out = self.pipe_exchange(req[doff:doff + dlen])
            if out == "pending":
                threading.Thread(target=self.pending_forever, args=(req,), daemon=True).start()
                return
            self.pipe_out += out
            self.reply(req, STATUS_SUCCESS, struct.pack("<HHIIHH", 17, 0, dlen, 0, 0, 0) + b"\0")
        elif cmd == 8:                    # READ
            want = u32(req, 64 + 4)
            data, rest = bytes(self.pipe_out[:want]), self.pipe_out[want:]
            self.pipe_out = bytearray(rest)
            st = STATUS_BUFFER_OVERFLOW if rest else STATUS_SUCCESS
            self.reply(req, st, struct.pack("<HBBIII", 17, 80, 0, len(data), len(rest), 0) + data)
        else:
            self.error(req, STATUS_NOT_SUPPORTED)

    def run(self):
        try:
            self.s.settimeout(120)
            while True:
                hdr = self.s.recv(4, socket.MSG_WAITALL)
                if len(hdr) < 4:
                    break
                n = struct.unpack(">I", b"\0" + hdr[1:])[0]
                msg = self.s.recv(n, socket.MSG_WAITALL) if n else b""
                if len(msg) < n or n < 64 or msg[:4] != b"\xfeSMB":
                    break
                elements = split_compound(msg)
                if elements is None:
                    break
                if len(elements) > 1 and self.mode == "nocompound":
                    log_event("refused", self.mode)
                    for el in elements:
                        self.error(el, STATUS_INVALID_PARAMETER)
                    continue
                for el in elements:
                    self.handle(el)
        except (OSError, struct.error, IndexError):
            pass
        finally:
            self.closed = True
            try:
                self.s.close()
            except OSError:
                pass


def split_compound(msg):
    """The elements of a (possibly compounded) request, or None when its
    NextCommand chain is malformed."""
    out, pos = [], 0
    while True:
        if len(msg) - pos < 64 or msg[pos:pos + 4] != b"\xfeSMB" or len(out) >= 16:
            return None
        nxt = u32(msg, pos + 20)
        if nxt == 0:
            out.append(msg[pos:])
            return out
        if nxt % 8 or nxt < 64 or pos + nxt > len(msg):
            return None
        out.append(msg[pos:pos + nxt])
        pos += nxt


def listen(ip, port, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        log_event("accept", mode)
        threading.Thread(target=Conn(c, mode).run, daemon=True).start()


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    global LOG
    ip, base, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for i, m in enumerate(MODES):
        threading.Thread(target=listen, args=(ip, base + i, m), daemon=True).start()
        print("mode %s %d" % (m, base + i))
    time.sleep(0.3)
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
