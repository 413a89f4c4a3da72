# measure.py - run a command, report its wall time and peak resident memory.
# Usage: python3 measure.py OUTFILE CMD ARGS...  -> OUTFILE gets "wall_seconds maxrss_kib"
import os
import resource
import subprocess
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
with open(os.devnull, "w") as devnull:
    p = subprocess.Popen(cmd, stdout=devnull)
    _, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write("%.6f %d\n" % (wall, usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
