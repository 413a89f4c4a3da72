"""pyleaks for gdb: find what piles up in a CPython heap, from a core file or a live process.

The commands are thin: they parse options, ask libpyleaks (the C helper, loaded into gdb with
ctypes) for a report, and print it. libpyleaks reads the target's memory itself, from the core
file, through /proc/PID/mem, or through gdb's reads (gdbserver). On a live process stopped at a
safe point, inject.py may load a small agent into it to call C types' own tp_traverse (see
'help set pyleaks inject'); nothing else is ever run in or written to the target.
"""

_registered = False


def register():
    """Create the gdb commands once (sourcing the loader twice is harmless)."""
    global _registered
    if _registered:
        return
    from . import cmd_leaks, cmd_referrers, cmd_refs, inject, source

    source.connect_events()
    inject.register()
    cmd_leaks.PyLeaksCommand()
    cmd_referrers.PyReferrersCommand()
    cmd_refs.PyRefsCommand()
    cmd_refs.PyGraphCommand()
    _registered = True
