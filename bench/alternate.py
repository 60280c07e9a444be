#!/usr/bin/env python3
"""alternate.py RUNS LABEL=CMD... : runs the commands in turn, RUNS rounds
(after 3 warm-up rounds), each a whole process started with posix_spawn
(vfork-like: the child's rusage is the command's, not a copy of python's),
stdout/stderr to /dev/null.  Alternating spreads a shared machine's changing
load over every command alike; each round starts with the next command in
turn, so none always runs right after the same neighbour.  Prints one line per command:
  LABEL median_wall_ms median_cpu_ms cpu_p25_ms cpu_p75_ms runs
CPU = user + system time of the process, the steadier figure on a loaded
machine.  Exits 1 if a command ever fails (exit status > 1)."""
import os, shlex, statistics, sys, time

runs = int(sys.argv[1])
cmds = [a.split("=", 1) for a in sys.argv[2:]]
null = os.open(os.devnull, os.O_WRONLY)
res = {label: ([], []) for label, _ in cmds}
for r in range(runs + 3):
    # Each round starts one command further on, so that no command always
    # follows the same one (a heavy command leaves colder caches behind).
    k = r % len(cmds)
    for label, cmd in cmds[k:] + cmds[:k]:
        argv = shlex.split(cmd)
        t0 = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                            (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code < 0 or code > 1:
            sys.exit("alternate.py: %s exited %d" % (cmd, code))
        if r >= 3:
            res[label][0].append(wall * 1000)
            res[label][1].append((ru.ru_utime + ru.ru_stime) * 1000)
for label, _ in cmds:
    w, c = res[label]
    q = statistics.quantiles(c, n=4)
    print("%s %.3f %.3f %.3f %.3f %d" % (label, statistics.median(w), statistics.median(c),
                                         q[0], q[2], len(c)))
