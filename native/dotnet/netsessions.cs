// netsessions.exe -- the session API from .NET, every function at every level,
// against libnetapi32.so (DllImport "netapi32.dll").  Ours: the second
// managed proof of issue 14, run under Mono by tests/native/dotnet_samba.sh.
//
//   mono netsessions.exe check SERVER
//       every level of NetSessionEnum in one call and paged (prefmaxlen 1,
//       the resume handle) -- both give the same entries, each once;
//       NetSessionGetInfo at every GetInfo level for every session;
//       the NetApiBuffer functions; every buffer freed (NERR_Success).
//       Prints PASS:/FAIL: lines and "SESSION <cname> <user>" per session.
//   mono netsessions.exe del SERVER CLIENT USER
//       NetSessionDel, then checks the session is gone from the list.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

public static class NetSessions
{
    const uint MAX_PREFERRED_LENGTH = 0xFFFFFFFF;
    const int NERR_Success = 0, ERROR_INVALID_PARAMETER = 87, ERROR_INVALID_LEVEL = 124, ERROR_MORE_DATA = 234;

    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    static extern int NetSessionEnum(string server, string client, string user, uint level, out IntPtr buf,
                                     uint prefmaxlen, out uint entriesread, out uint totalentries,
                                     ref uint resume_handle);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    static extern int NetSessionGetInfo(string server, string client, string user, uint level, out IntPtr buf);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    static extern int NetSessionDel(string server, string client, string user);
    [DllImport("netapi32.dll")] static extern int NetApiBufferAllocate(uint bytes, out IntPtr buf);
    [DllImport("netapi32.dll")] static extern int NetApiBufferFree(IntPtr buf);
    [DllImport("netapi32.dll")] static extern int NetApiBufferReallocate(IntPtr old, uint bytes, out IntPtr buf);
    [DllImport("netapi32.dll")] static extern int NetApiBufferSize(IntPtr buf, out uint bytes);

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct SESSION_INFO_0 { public string cname; }
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct SESSION_INFO_1 { public string cname, username; public uint num_opens, time, idle_time, user_flags; }
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct SESSION_INFO_2
    {
        public string cname, username; public uint num_opens, time, idle_time, user_flags; public string cltype_name;
    }
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct SESSION_INFO_10 { public string cname, username; public uint time, idle_time; }
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct SESSION_INFO_502
    {
        public string cname, username; public uint num_opens, time, idle_time, user_flags;
        public string cltype_name, transport;
    }

    static readonly uint[] EnumLevels = { 0, 1, 2, 10, 502 };
    static readonly uint[] GetInfoLevels = { 0, 1, 2, 10 };
    static int failed;

    static void Check(string name, bool ok, string why)
    {
        if (ok) Console.WriteLine("PASS: dotnet.{0}", name);
        else { Console.WriteLine("FAIL: dotnet.{0}: {1}", name, why); failed++; }
    }

    static Type StructOf(uint level)
    {
        switch (level)
        {
            case 0: return typeof(SESSION_INFO_0);
            case 1: return typeof(SESSION_INFO_1);
            case 2: return typeof(SESSION_INFO_2);
            case 10: return typeof(SESSION_INFO_10);
            default: return typeof(SESSION_INFO_502);
        }
    }

    // "cname|user" of entry i (user "" at level 0); 64-bit safe arithmetic.
    static string Key(uint level, IntPtr buf, uint i)
    {
        object o = Marshal.PtrToStructure(IntPtr.Add(buf, (int)i * Marshal.SizeOf(StructOf(level))), StructOf(level));
        if (o is SESSION_INFO_0) return ((SESSION_INFO_0)o).cname + "|";
        if (o is SESSION_INFO_1) return ((SESSION_INFO_1)o).cname + "|" + ((SESSION_INFO_1)o).username;
        if (o is SESSION_INFO_2) return ((SESSION_INFO_2)o).cname + "|" + ((SESSION_INFO_2)o).username;
        if (o is SESSION_INFO_10) return ((SESSION_INFO_10)o).cname + "|" + ((SESSION_INFO_10)o).username;
        SESSION_INFO_502 s = (SESSION_INFO_502)o;
        return s.cname + "|" + s.username;
    }

    static bool Free(IntPtr buf, string what)
    {
        int st = NetApiBufferFree(buf);
        if (st != NERR_Success) Check(what + ".free", false, "NetApiBufferFree -> " + st);
        return st == NERR_Success;
    }

    // Every entry at `level`, in calls of at most prefmaxlen bytes; null on error.
    static List<string> Enum(string server, uint level, uint prefmaxlen, string what, out int calls)
    {
        var keys = new List<string>();
        uint resume = 0;
        int st;
        calls = 0;
        do
        {
            IntPtr buf;
            uint er, te;
            st = NetSessionEnum(server, null, null, level, out buf, prefmaxlen, out er, out te, ref resume);
            calls++;
            if (st != NERR_Success && st != ERROR_MORE_DATA)
            {
                Check(what, false, "NetSessionEnum -> " + st + " after " + keys.Count + " entries");
                return null;
            }
            uint size;
            if (er > 0 && (NetApiBufferSize(buf, out size) != 0 || size < er * Marshal.SizeOf(StructOf(level))))
            {
                Check(what, false, "NetApiBufferSize does not cover " + er + " entries");
                return null;
            }
            for (uint i = 0; i < er; i++) keys.Add(Key(level, buf, i));
            if (buf != IntPtr.Zero && !Free(buf, what)) return null;
            if (calls > 1000) { Check(what, false, "no end after 1000 calls"); return null; }
        } while (st == ERROR_MORE_DATA);
        return keys;
    }

    static string Show(List<string> l) { return "[" + string.Join(" ", l) + "]"; }

    static List<string> Sorted(List<string> l) { var c = new List<string>(l); c.Sort(StringComparer.Ordinal); return c; }

    static void CheckEnum(string server, Dictionary<uint, List<string>> all)
    {
        foreach (uint level in EnumLevels)
        {
            int calls;
            List<string> one = Enum(server, level, MAX_PREFERRED_LENGTH, "enum.level" + level, out calls);
            if (one == null) continue;
            Check("enum.level" + level, one.Count > 0 && calls == 1, "entries " + one.Count + " calls " + calls);
            List<string> paged = Enum(server, level, 1, "enum.level" + level + ".paged", out calls);
            if (paged == null) continue;
            bool same = string.Join(" ", Sorted(paged)) == string.Join(" ", Sorted(one));
            Check("enum.level" + level + ".paged", same && calls == one.Count,
                  "paged " + Show(paged) + " in " + calls + " calls, one call " + Show(one));
            all[level] = one;
        }
    }

    static void CheckGetInfo(string server, List<string> sessions)
    {
        foreach (uint level in GetInfoLevels)
        {
            int ok = 0;
            string why = "";
            foreach (string k in sessions)
            {
                string[] cu = k.Split('|');
                IntPtr buf;
                int st = NetSessionGetInfo(server, cu[0], cu[1], level, out buf);
                string got = st == NERR_Success ? Key(level, buf, 0) : "status " + st;
                string want = level == 0 ? cu[0] + "|" : k;
                if (st == NERR_Success && Free(buf, "getinfo.level" + level) && got == want) ok++;
                else why += " " + k + " -> " + got;
            }
            Check("getinfo.level" + level, ok == sessions.Count && ok > 0, ok + "/" + sessions.Count + why);
        }
        IntPtr b502;
        string[] first = sessions[0].Split('|');
        int s502 = NetSessionGetInfo(server, first[0], first[1], 502, out b502);
        Check("getinfo.level502_invalid", s502 == ERROR_INVALID_LEVEL && b502 == IntPtr.Zero,
              "status " + s502 + " (want 124, the level NetSessionGetInfo lacks)");
    }

    static void CheckBuffers()
    {
        IntPtr p, q;
        uint size = 0;
        int st = NetApiBufferAllocate(100, out p);
        Check("buffer.allocate", st == NERR_Success && p != IntPtr.Zero && NetApiBufferSize(p, out size) == 0 && size == 100,
              "status " + st);
        Check("buffer.below_2GiB", p.ToInt64() > 0 && p.ToInt64() + 100 <= int.MaxValue,
              "block at 0x" + p.ToInt64().ToString("x"));
        for (int i = 0; i < 100; i++) Marshal.WriteByte(p, i, (byte)i);
        st = NetApiBufferReallocate(p, 100000, out q);
        bool kept = st == NERR_Success;
        for (int i = 0; kept && i < 100; i++) kept = Marshal.ReadByte(q, i) == (byte)i;
        Check("buffer.reallocate", kept && NetApiBufferSize(q, out size) == 0 && size == 100000,
              "status " + st + " size " + size);
        Check("buffer.free", NetApiBufferFree(q) == NERR_Success, "NetApiBufferFree failed");
        Check("buffer.free_twice_refused", NetApiBufferFree(q) == ERROR_INVALID_PARAMETER, "second free not refused");
        Check("buffer.free_null", NetApiBufferFree(IntPtr.Zero) == NERR_Success, "NetApiBufferFree(NULL) failed");
    }

    static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "check")
        {
            var all = new Dictionary<uint, List<string>>();
            CheckEnum(args[1], all);
            if (all.ContainsKey(10))
            {
                foreach (string k in all[10]) Console.WriteLine("SESSION {0} {1}", k.Split('|')[0], k.Split('|')[1]);
                bool agree = true;
                foreach (uint level in new uint[] { 1, 2, 502 })
                    agree &= all.ContainsKey(level) && string.Join(" ", Sorted(all[level])) == string.Join(" ", Sorted(all[10]));
                Check("enum.levels_agree", agree, "levels 1, 2, 10, 502 list different sessions");
                CheckGetInfo(args[1], all[10]);
            }
            CheckBuffers();
            return failed == 0 ? 0 : 1;
        }
        if (args.Length == 4 && args[0] == "del")
        {
            int st = NetSessionDel(args[1], args[2], args[3]);
            Check("del.status", st == NERR_Success, "NetSessionDel -> " + st);
            int calls;
            List<string> left = Enum(args[1], 10, MAX_PREFERRED_LENGTH, "del.enum_after", out calls);
            if (left != null)
            {
                string gone = args[2] + "|" + args[3];
                Check("del.session_gone", !left.Exists(k => string.Equals(k, gone, StringComparison.OrdinalIgnoreCase)),
                      gone + " still listed: " + Show(left));
            }
            return failed == 0 ? 0 : 1;
        }
        Console.Error.WriteLine("usage: mono netsessions.exe check SERVER | del SERVER CLIENT USER");
        return 2;
    }
}
