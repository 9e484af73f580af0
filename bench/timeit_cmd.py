#!/usr/bin/env python3
"""bench/timeit_cmd.py -- wall time of one process per call, interleaved.

usage: timeit_cmd.py N1 [N2 ...] -- COMMAND1 [ARGS...] [-- COMMAND2 [ARGS...] ...]

Runs COMMANDk Nk times (stdout/stderr discarded, environment inherited),
interleaving the commands in proportion to their counts so that load
changes on the machine hit every command alike.  Prints one line per run,
"run K I us=T rc=R" (K = command index from 0).  The timer covers
fork+exec to exit, the same for every command.
"""
import subprocess
import sys
import time


def main():
    sep = sys.argv.index("--")
    counts = [int(x) for x in sys.argv[1:sep]]
    cmds, cur = [], None
    for a in sys.argv[sep:]:
        if a == "--":
            cur = []
            cmds.append(cur)
        else:
            cur.append(a)
    if len(cmds) != len(counts):
        print(__doc__, file=sys.stderr)
        return 2
    done = [0] * len(cmds)
    total = sum(counts)
    for step in range(total):
        # the command furthest behind its share of the runs so far goes next
        k = min((i for i in range(len(cmds)) if done[i] < counts[i]),
                key=lambda i: (done[i] + 1) / counts[i])
        t0 = time.perf_counter()
        rc = subprocess.call(cmds[k], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        print("run %d %d us=%d rc=%d" % (k, done[k], int((t1 - t0) * 1e6), rc))
        done[k] += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
