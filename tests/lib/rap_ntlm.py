"""Server side of NTLMv2 inside SPNEGO for the scripted RAP-only SMB1 server
(tests/lib/rap_server.py): a minimal strict DER reader/writer, the NTLM
CHALLENGE, verification of the client's NTLMv2 AUTHENTICATE against a
user/password table, the exported session key (the SMB1 signing key) and the
server's SPNEGO mechListMIC (MS-NLMP 3.4.4, MS-SPNG 3.1.5.1).

Every length read from the network is bounded: DER elements must lie inside
their parent, tokens are capped at MAX_TOKEN, NTLM fields must lie inside the
message.  Hash primitives come from impacket.ntlm (Debian's python3-impacket)
and Cryptodome (its dependency); the protocol logic is ours.
"""
import hmac
import os
import struct
import time

from Cryptodome.Cipher import ARC4
from impacket import ntlm as _ntlm

MAX_TOKEN = 16384
OID_SPNEGO = bytes.fromhex("2b0601050502")
OID_NTLMSSP = bytes.fromhex("2b06010401823702020a")

F_UNICODE = 0x00000001
F_REQUEST_TARGET = 0x00000004
F_SIGN = 0x00000010
F_SEAL = 0x00000020
F_NTLM = 0x00000200
F_ALWAYS_SIGN = 0x00008000
F_TARGET_DOMAIN = 0x00010000
F_ESS = 0x00080000
F_TARGET_INFO = 0x00800000
F_VERSION = 0x02000000
F_128 = 0x20000000
F_KEY_EXCH = 0x40000000
F_56 = 0x80000000


class AuthError(Exception):
    """The token is malformed (a protocol violation, not a wrong password)."""


def der_read(buf, pos, end):
    """One TLV at buf[pos:end]: (tag, value_start, value_end)."""
    if pos + 2 > end:
        raise AuthError("DER: truncated header")
    tag, n = buf[pos], buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > end:
            raise AuthError("DER: bad length")
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if n > end - pos:
        raise AuthError("DER: element overruns its parent")
    return tag, pos, pos + n


def der(tag, value):
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(ln)]) + ln + value


def der_children(buf, start, end):
    out, pos = {}, start
    while pos < end:
        tag, vs, ve = der_read(buf, pos, end)
        out[tag] = (pos, vs, ve)
        pos = ve
    return out


def spnego_hint():
    """The NegTokenInit a NEGOTIATE response carries: NTLMSSP only."""
    mech = der(0x30, der(0x06, OID_NTLMSSP))
    return der(0x60, der(0x06, OID_SPNEGO) + der(0xA0, der(0x30, der(0xA0, mech))))


def parse_init(tok):
    """Client's first token: (ntlm NEGOTIATE, DER of mechTypes or None)."""
    if tok.startswith(b"NTLMSSP\0"):
        return tok, None
    tag, vs, ve = der_read(tok, 0, len(tok))
    if tag != 0x60:
        raise AuthError("not a GSS-API token")
    t, os_, oe = der_read(tok, vs, ve)
    if t != 0x06 or tok[os_:oe] != OID_SPNEGO:
        raise AuthError("not SPNEGO")
    t, s, e = der_read(tok, oe, ve)
    t2, s2, e2 = der_read(tok, s, e)
    if t != 0xA0 or t2 != 0x30:
        raise AuthError("not a NegTokenInit")
    kids = der_children(tok, s2, e2)
    if 0xA0 not in kids or 0xA2 not in kids:
        raise AuthError("NegTokenInit without mechTypes or mechToken")
    _, ms, me = kids[0xA0]
    mt_tag, mts, mte = der_read(tok, ms, me)
    mech_types = tok[ms:mte]
    oids = []
    pos = mts
    while pos < mte:
        t, s, e = der_read(tok, pos, mte)
        oids.append(tok[s:e])
        pos = e
    if mt_tag != 0x30 or OID_NTLMSSP not in oids:
        raise AuthError("the client does not offer NTLMSSP")
    _, ts, te = kids[0xA2]
    t, s, e = der_read(tok, ts, te)
    if t != 0x04:
        raise AuthError("mechToken is not an OCTET STRING")
    return tok[s:e], mech_types


def parse_resp(tok):
    """Client's NegTokenResp: (responseToken, mechListMIC or None)."""
    if tok.startswith(b"NTLMSSP\0"):
        return tok, None
    tag, vs, ve = der_read(tok, 0, len(tok))
    t, s, e = der_read(tok, vs, ve)
    if tag != 0xA1 or t != 0x30:
        raise AuthError("not a NegTokenResp")
    kids = der_children(tok, s, e)
    if 0xA2 not in kids:
        raise AuthError("NegTokenResp without responseToken")
    out = []
    for k in (0xA2, 0xA3):
        if k in kids:
            _, ks, ke = kids[k]
            t, s2, e2 = der_read(tok, ks, ke)
            if t != 0x04:
                raise AuthError("not an OCTET STRING")
            out.append(tok[s2:e2])
        else:
            out.append(None)
    return out[0], out[1]


def neg_resp(state, token=None, mic=None, mech=False):
    body = der(0xA0, der(0x0A, bytes([state])))
    if mech:
        body += der(0xA1, der(0x06, OID_NTLMSSP))
    if token is not None:
        body += der(0xA2, der(0x04, token))
    if mic is not None:
        body += der(0xA3, der(0x04, mic))
    return der(0xA1, der(0x30, body))


def _av(av_id, value):
    return struct.pack("<HH", av_id, len(value)) + value


def verify_bare(users, chal, user, dom, nt):
    """SMB1 without extended security (rap_server.py --no-extsec): the
    NTLMv2 response nt (NTProofStr || blob) to the 8-byte challenge chal for
    user in domain dom (or ""): (table entry, SessionBaseKey) or None.  A
    response of 24 bytes or less (LM, NTLMv1) is refused."""
    entry = next((u for u in users if u.lower() == user.lower()), None)
    if entry is None or len(nt) <= 24 or len(nt) > MAX_TOKEN:
        return None
    for d in dict.fromkeys((dom, "")):
        key = _ntlm.NTOWFv2(user, users[entry][0], d)
        proof = _ntlm.hmac_md5(key, chal + nt[16:])
        if hmac.compare_digest(proof, nt[:16]):
            return entry, _ntlm.hmac_md5(key, proof)
    return None


class NtlmServer:
    """One logon: challenge(), then authenticate() -> user or None."""

    def __init__(self, users, domain, name):
        self.users, self.domain, self.name = users, domain, name
        self.chal = os.urandom(8)
        self.flags = 0
        self.spnego = True
        self.mech_types = None
        self.session_key = None
        self.user = self.workstation = None

    def challenge(self, tok):
        neg, self.mech_types = parse_init(tok)
        self.spnego = self.mech_types is not None or not tok.startswith(b"NTLMSSP\0")
        if len(neg) < 16 or not neg.startswith(b"NTLMSSP\0") or struct.unpack_from("<I", neg, 8)[0] != 1:
            raise AuthError("not an NTLM NEGOTIATE")
        cf = struct.unpack_from("<I", neg, 12)[0]
        want = F_UNICODE | F_NTLM | F_ESS | F_TARGET_INFO | F_REQUEST_TARGET | F_TARGET_DOMAIN | F_VERSION
        self.flags = want | (cf & (F_SIGN | F_SEAL | F_ALWAYS_SIGN | F_128 | F_56 | F_KEY_EXCH))
        dom = self.domain.encode("utf-16-le")
        ft = struct.pack("<Q", int((time.time() + 11644473600) * 10000000))
        info = (_av(2, dom) + _av(1, self.name.encode("utf-16-le")) + _av(4, self.domain.lower().encode("utf-16-le"))
                + _av(3, self.name.lower().encode("utf-16-le")) + _av(7, ft) + _av(0, b""))
        off = 56
        msg = (b"NTLMSSP\0" + struct.pack("<IHHI", 2, len(dom), len(dom), off) + struct.pack("<I", self.flags)
               + self.chal + b"\0" * 8 + struct.pack("<HHI", len(info), len(info), off + len(dom))
               + bytes([6, 1]) + struct.pack("<H", 7600) + b"\0\0\0\x0f" + dom + info)
        return neg_resp(1, msg, mech=True) if self.spnego else msg

    @staticmethod
    def _field(msg, at):
        n, _, off = struct.unpack_from("<HHI", msg, at)
        if off > len(msg) or n > len(msg) - off:
            raise AuthError("NTLM field outside the message")
        return msg[off:off + n]

    def authenticate(self, tok):
        """The user name when the NTLMv2 response proves the password, else None."""
        auth, mic = parse_resp(tok)
        if len(auth) < 64 or not auth.startswith(b"NTLMSSP\0") or struct.unpack_from("<I", auth, 8)[0] != 3:
            raise AuthError("not an NTLM AUTHENTICATE")
        f = [self._field(auth, at) for at in (12, 20, 28, 36, 44, 52)]
        flags = struct.unpack_from("<I", auth, 60)[0]
        enc = "utf-16-le" if flags & F_UNICODE else "latin-1"
        nt, dom, user, ws, ekey = f[1], f[2].decode(enc, "replace"), f[3].decode(enc, "replace"), f[4], f[5]
        self.workstation = ws.decode(enc, "replace")[:64]
        if len(nt) <= 24:
            return None  # no NTLMv2 response (anonymous, LM, NTLMv1): refused
        entry = next((u for u in self.users if u.lower() == user.lower()), None)
        if entry is None:
            return None
        for d in dict.fromkeys((dom, "", self.domain)):
            key = _ntlm.NTOWFv2(user, self.users[entry][0], d)
            proof = _ntlm.hmac_md5(key, self.chal + nt[16:])
            if hmac.compare_digest(proof, nt[:16]):
                base = _ntlm.hmac_md5(key, proof)
                break
        else:
            return None
        if flags & F_KEY_EXCH:
            if len(ekey) != 16:
                raise AuthError("key exchange without a 16-byte key")
            self.session_key = ARC4.new(base).decrypt(ekey)
        else:
            self.session_key = base
        self.flags = flags
        self.user = entry
        return entry

    def final_token(self):
        """accept-completed with our mechListMIC over the client's mechTypes."""
        if not self.spnego:
            return b""
        mic = None
        if self.mech_types is not None:
            sign = _ntlm.SIGNKEY(self.flags, self.session_key, "Server")
            seal = _ntlm.SEALKEY(self.flags, self.session_key, "Server")
            cks = _ntlm.hmac_md5(sign, struct.pack("<I", 0) + self.mech_types)[:8]
            if self.flags & F_KEY_EXCH:
                cks = ARC4.new(seal).encrypt(cks)
            mic = struct.pack("<I", 1) + cks + struct.pack("<I", 0)
        return neg_resp(0, mic=mic)
