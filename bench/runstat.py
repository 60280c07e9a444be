#!/usr/bin/env python3
"""runstat.py OUT -- CMD ARGS...: runs CMD (stdout/stderr to /dev/null unless
RUNSTAT_LOG names a file) and writes "wall_s maxrss_kb cpu_s" to OUT, times
to the millisecond (GNU time prints centiseconds, too coarse for a 0.1 s
compile).  Exits with CMD's status."""
import os, sys, time

out, cmd = sys.argv[1], sys.argv[3:]
log = os.environ.get("RUNSTAT_LOG", os.devnull)
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write("%.4f %d %.4f\n" % (wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
