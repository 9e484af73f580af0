"""RAP (MS-RAP) session calls on \\PIPE\\LANMAN for the scripted RAP-only
server (tests/lib/rap_server.py): NetSessionEnum (RAP opcode 6, levels 0, 1,
2, 10), NetSessionGetInfo (7) and NetSessionDel (8).

Requests: RAPOpcode (u16), ParamDesc and DataDesc (ASCIIZ, at most 32 bytes
each), then the parameters ParamDesc names.  Answers: status (u16), converter
(u16), then EntriesReturned/EntriesAvailable (Enum) or TotalBytesAvailable
(GetInfo); data: the fixed records, then the ASCIIZ strings; a string
pointer is (offset + converter), a 32-bit field.

Status codes: 5 ERROR_ACCESS_DENIED for a user who is not an administrator of
this server; 124 ERROR_INVALID_LEVEL; 87 ERROR_INVALID_PARAMETER (descriptor
not the one MS-RAP gives for the call or level); 2142 NERR_InvalidAPI (other
opcodes); 2312 NERR_ClientNameNotFound (GetInfo/Del of a client with no
session); 234 ERROR_MORE_DATA (Enum: the records that fit the receive buffer;
GetInfo: the fixed record with null strings); 2123 NERR_BufTooSmall (GetInfo:
not even the fixed record fits).  Every length is bounded by the request.
"""
import struct

CONVERTER = 0x0100       # nonzero on purpose: clients must subtract it
MAX_DESC = 32
MAX_NAME = 256
LEVELS = {0: "z", 1: "zzWWWDDD", 2: "zzWWWDDDz", 10: "zzDD"}
# which of _values' fields each level's record holds, in order
FIELDS = {0: [0], 1: list(range(8)), 2: list(range(9)), 10: [0, 1, 5, 6]}
SIZES = {"z": 4, "W": 2, "D": 4}
OPS = {6: "WrLeh", 7: "zWrLh", 8: "zW"}
OK, ACCESS_DENIED, INVALID_PARAMETER, INVALID_LEVEL, MORE_DATA = 0, 5, 87, 124, 234
BUF_TOO_SMALL, INVALID_API, CLIENT_NOT_FOUND = 2123, 2142, 2312


class Bad(Exception):
    """A malformed request: answered with ERROR_INVALID_PARAMETER."""


def _asciiz(b, pos, cap):
    end = b.find(b"\0", pos, min(len(b), pos + cap + 1))
    if end < 0:
        raise Bad("unterminated or over-long string")
    return b[pos:end].decode("latin-1"), end + 1


def _u16(b, pos):
    if pos + 2 > len(b):
        raise Bad("short parameters")
    return struct.unpack_from("<H", b, pos)[0], pos + 2


def client_key(name):
    return name.lstrip("\\").lower()


def _values(s, now):
    """A session's fields in RAP order (cname, user, conns, opens, users, time, idle, flags, cltype)."""
    return [s["client"], s["user"], s["trees"], s["opens"], 1, int(now - s["logon"]),
            int(now - s["last"]), 0, s["cltype"]]


def _record(level, vals, strings):
    """Fixed record of a level; strings collected in order (offset filled later)."""
    out = b""
    for c, i in zip(LEVELS[level], FIELDS[level]):
        v = vals[i]
        if c == "z":
            strings.append((len(out), v.encode("latin-1", "replace")[:255] + b"\0"))
            out += b"\0\0\0\0"
        elif c == "W":
            out += struct.pack("<H", min(int(v), 0xFFFF))
        else:
            out += struct.pack("<I", min(int(v), 0xFFFFFFFF))
    return out


def _layout(level, sessions, now, conv):
    """Records then strings: bytes of the data block."""
    fixed, strs = [], []
    for s in sessions:
        st = []
        fixed.append(bytearray(_record(level, _values(s, now), st)))
        strs.append(st)
    pos = sum(len(f) for f in fixed)
    tail = b""
    for f, st in zip(fixed, strs):
        for at, text in st:
            struct.pack_into("<I", f, at, (pos + len(tail) + conv) & 0xFFFF)
            tail += text
    return b"".join(bytes(f) for f in fixed) + tail


def _need(level, s, now):
    st = []
    return len(_record(level, _values(s, now), st)) + sum(len(t) for _, t in st)


def _level_args(params, pos, ddesc, caller, max_data):
    """Level (W) and receive buffer size (L) of Enum/GetInfo: (level, room,
    status): the level must exist, DataDesc be its descriptor, the caller an
    administrator; room = what the answer's data block may hold."""
    level, pos = _u16(params, pos)
    bufsize, pos = _u16(params, pos)
    if level not in LEVELS:
        st = INVALID_LEVEL
    elif ddesc != LEVELS[level]:
        st = INVALID_PARAMETER
    else:
        st = OK if caller["admin"] else ACCESS_DENIED
    return level, min(bufsize, max_data, 0xFFFF - CONVERTER), st


def handle(params, max_data, caller, sessions, now):
    """One RAP request.  caller: dict with "admin"; sessions: list of session
    dicts (client, user, trees, opens, logon, last, cltype, id).
    Returns (param bytes, data bytes, ids of sessions to end)."""
    if len(params) < 2:
        return struct.pack("<HH", INVALID_PARAMETER, 0), b"", []
    op, pos = _u16(params, 0)
    try:
        pdesc, pos = _asciiz(params, pos, MAX_DESC)
        ddesc, pos = _asciiz(params, pos, MAX_DESC)
        if op not in OPS:
            return struct.pack("<HH", INVALID_API, 0), b"", []
        if pdesc != OPS[op]:
            raise Bad("ParamDesc %r" % pdesc)
        if op == 6:
            return _enum(params, pos, ddesc, max_data, caller, sessions, now)
        name, pos = _asciiz(params, pos, MAX_NAME)
        if op == 7:
            return _getinfo(params, pos, name, ddesc, max_data, caller, sessions, now)
        _, pos = _u16(params, pos)
        if ddesc != "":
            raise Bad("DataDesc of NetSessionDel")
        if not caller["admin"]:
            return struct.pack("<HH", ACCESS_DENIED, 0), b"", []
        ids = [s["id"] for s in sessions if client_key(s["client"]) == client_key(name)]
        return struct.pack("<HH", OK if ids else CLIENT_NOT_FOUND, 0), b"", ids
    except Bad:
        tail = {6: b"\0\0\0\0", 7: b"\0\0"}.get(op, b"")
        return struct.pack("<HH", INVALID_PARAMETER, 0) + tail, b"", []


def _enum(params, pos, ddesc, max_data, caller, sessions, now):
    level, room, st = _level_args(params, pos, ddesc, caller, max_data)
    if st != OK:
        return struct.pack("<HHHH", st, 0, 0, 0), b"", []
    used, fit = 0, []
    for s in sessions:
        n = _need(level, s, now)
        if used + n > room:
            break
        used += n
        fit.append(s)
    st = OK if len(fit) == len(sessions) else MORE_DATA
    data = _layout(level, fit, now, CONVERTER)
    return struct.pack("<HHHH", st, CONVERTER, len(fit), len(sessions)), data, []


def _getinfo(params, pos, name, ddesc, max_data, caller, sessions, now):
    level, room, st = _level_args(params, pos, ddesc, caller, max_data)
    if st != OK:
        return struct.pack("<HHH", st, 0, 0), b"", []
    match = [s for s in sessions if client_key(s["client"]) == client_key(name)]
    if not match:
        return struct.pack("<HHH", CLIENT_NOT_FOUND, 0, 0), b"", []
    need = _need(level, match[0], now)
    fixed = sum(SIZES[c] for c in LEVELS[level])
    if need <= room:
        return struct.pack("<HHH", OK, CONVERTER, need), _layout(level, match[:1], now, CONVERTER), []
    if fixed > room:
        return struct.pack("<HHH", BUF_TOO_SMALL, 0, need), b"", []
    rec = _record(level, _values(match[0], now), [])
    return struct.pack("<HHH", MORE_DATA, CONVERTER, need), rec, []
