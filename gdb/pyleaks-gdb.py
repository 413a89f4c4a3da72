# pyleaks-gdb.py - load pyleaks into gdb: `source /path/to/pyleaks-gdb.py` (or from ~/.gdbinit).
# Registers the py-leaks command. The work is done by libpyleaks (C), loaded with ctypes.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import pyleaks  # noqa: E402

pyleaks.register()
