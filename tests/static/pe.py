#!/usr/bin/env python3
"""Minimal, strict PE reader for the static tests: export table (ordinal, name,
forwarder) and imported DLL names.  No third-party modules.

    python3 tests/static/pe.py exports DLL   -> "ordinal name target" lines (target '-' = code)
    python3 tests/static/pe.py imports DLL   -> one imported DLL name per line
"""
import struct
import sys


class PEError(Exception):
    pass


class PE:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:2] != b"MZ":
            raise PEError("no MZ header")
        pe = struct.unpack_from("<I", d, 0x3C)[0]
        if d[pe:pe + 4] != b"PE\0\0":
            raise PEError("no PE signature")
        self.machine, nsec = struct.unpack_from("<HH", d, pe + 4)
        optsize = struct.unpack_from("<H", d, pe + 20)[0]
        opt = pe + 24
        magic = struct.unpack_from("<H", d, opt)[0]
        if magic == 0x10B:
            ddir = opt + 96
            self.bits = 32
        elif magic == 0x20B:
            ddir = opt + 112
            self.bits = 64
        else:
            raise PEError("bad optional header magic %#x" % magic)
        ndirs = struct.unpack_from("<I", d, ddir - 4)[0]
        self.dirs = [struct.unpack_from("<II", d, ddir + 8 * i) for i in range(min(ndirs, 16))]
        self.sections = []
        sec = opt + optsize
        for i in range(nsec):
            name, vsize, va, rsize, rptr = struct.unpack_from("<8sIIII", d, sec + 40 * i)
            self.sections.append((va, max(vsize, rsize), rptr, rsize))

    def off(self, rva):
        for va, size, rptr, rsize in self.sections:
            if va <= rva < va + size:
                if rva - va >= rsize:
                    raise PEError("rva %#x in uninitialised data" % rva)
                return rptr + rva - va
        raise PEError("rva %#x outside every section" % rva)

    def cstr(self, rva):
        o = self.off(rva)
        e = self.data.index(b"\0", o)
        return self.data[o:e].decode("ascii")

    def exports(self):
        """[(ordinal, name or None, forwarder or None)] sorted by ordinal."""
        if len(self.dirs) < 1 or self.dirs[0][0] == 0:
            return []
        erva, esize = self.dirs[0]
        o = self.off(erva)
        (_flags, _ts, _maj, _min, _name, base, nfunc, nnames,
         funcs, names, ords) = struct.unpack_from("<IIHHIIIIIII", self.data, o)
        eat = [struct.unpack_from("<I", self.data, self.off(funcs) + 4 * i)[0] for i in range(nfunc)]
        byidx = {}
        for i in range(nnames):
            nrva = struct.unpack_from("<I", self.data, self.off(names) + 4 * i)[0]
            idx = struct.unpack_from("<H", self.data, self.off(ords) + 2 * i)[0]
            if idx >= nfunc:
                raise PEError("name ordinal index out of range")
            if idx in byidx:
                raise PEError("two names for ordinal %d" % (base + idx))
            byidx[idx] = self.cstr(nrva)
        out = []
        for i, rva in enumerate(eat):
            if rva == 0:
                continue  # unused slot
            fwd = self.cstr(rva) if erva <= rva < erva + esize else None
            out.append((base + i, byidx.get(i), fwd))
        return out

    def imports(self):
        if len(self.dirs) < 2 or self.dirs[1][0] == 0:
            return []
        o = self.off(self.dirs[1][0])
        out = []
        while True:
            desc = struct.unpack_from("<IIIII", self.data, o)
            if desc == (0, 0, 0, 0, 0):
                break
            out.append(self.cstr(desc[3]))
            o += 20
        if len(self.dirs) > 13 and self.dirs[13][0]:  # delay-load imports
            o = self.off(self.dirs[13][0])
            while True:
                desc = struct.unpack_from("<8I", self.data, o)
                if desc == (0,) * 8:
                    break
                out.append(self.cstr(desc[1]))
                o += 32
        return out


def main(argv):
    if len(argv) != 3 or argv[1] not in ("exports", "imports"):
        print(__doc__, file=sys.stderr)
        return 2
    pe = PE(argv[2])
    if argv[1] == "exports":
        for o, n, f in pe.exports():
            print(o, n or "-", f or "-")
    else:
        for n in pe.imports():
            print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
