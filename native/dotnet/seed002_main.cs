// Ours, not the document's: the Main around seed 002's EnumSessions (the
// signature, the types and the method come unchanged from the document via
// tools/extract_seed002.py into seed002.cs, the other half of this class).
//
//   mono seed002.exe SERVER
//
// Prints one line per session the unchanged EnumSessions returns:
//   cname <TAB> username <TAB> num_opens <TAB> time <TAB> idle_time <TAB> user_flags <TAB> cltype_name <TAB> transport
// then "<N> sessions".
using System;

public partial class Seed002
{
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: mono seed002.exe SERVER");
            return 2;
        }
        SESSION_INFO_502[] sessions = EnumSessions(args[0]);
        foreach (SESSION_INFO_502 s in sessions)
        {
            Console.WriteLine("{0}\t{1}\t{2}\t{3}\t{4}\t{5}\t{6}\t{7}", s.sesi502_cname, s.sesi502_username,
                              s.sesi502_num_opens, s.sesi502_time, s.sesi502_idle_time, s.sesi502_user_flags,
                              s.sesi502_cltype_name, s.sesi502_transport);
        }
        Console.WriteLine("{0} sessions", sessions.Length);
        return 0;
    }
}
