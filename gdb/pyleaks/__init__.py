"""pyleaks for gdb: find what piles up in a CPython heap, from a core file or a live process.

The commands are thin: they parse options, ask libpyleaks (the C helper, loaded into gdb with
ctypes) for a report, and print it. libpyleaks reads the target's memory itself, from the core
file or through /proc/PID/mem; it never runs code in the target and never writes to it.
"""

_registered = False


def register():
    """Create the gdb commands once (sourcing the loader twice is harmless)."""
    global _registered
    if _registered:
        return
    from . import cmd_leaks, cmd_referrers, source

    source.connect_events()
    cmd_leaks.PyLeaksCommand()
    cmd_referrers.PyReferrersCommand()
    _registered = True
