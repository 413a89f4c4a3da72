"""Named snapshots for py-leaks --snapshot and --since, kept for the whole gdb session: they
outlive the stop they were taken at (the heap walk is dropped when the process runs again; a
snapshot is not), and can be written to a file and read back in another gdb session."""
import gdb

from . import source

# name -> (lib.Snapshot, what it was taken of: a source key, or ("file", path) if loaded)
_named = {}


def take(name, save_to=None):
    """Snapshot the current target as NAME (replacing an older NAME); write it to SAVE_TO too.
    Returns a line saying what was recorded."""
    key = source.current_key()
    session = source.current("census")
    snap = session.snapshot(name)
    if save_to:
        session.save_snapshot(snap, save_to)
    old = _named.pop(name, None)
    if old is not None:
        old[0].close()
    _named[name] = (snap, key)
    return "snapshot '%s': %s objects of %s%s%s\n" % (
        name, format(snap.objects, ","), source.describe(key),
        ", written to %s" % save_to if save_to else "",
        " (replaces the earlier one)" if old is not None else "")


def load(name, path):
    """Read the snapshot in PATH and keep it as NAME (its own name if NAME is None). Returns
    the name it is kept under."""
    snap = source.current(None).load_snapshot(path)
    name = name or snap.name
    old = _named.pop(name, None)
    if old is not None:
        old[0].close()
    _named[name] = (snap, ("file", path))
    return name


def get(name):
    """The snapshot NAME and a note to print first ("" if none): it was taken of another target.
    Raises gdb.GdbError naming the snapshots there are."""
    if name not in _named:
        have = ", ".join(sorted(_named)) or "none yet"
        raise gdb.GdbError("py-leaks: no snapshot named '%s' (taken: %s; take one with "
                           "'py-leaks --snapshot %s', or read one with --load FILE)"
                           % (name, have, name))
    snap, key = _named[name]
    note = ""
    if key[0] != "file" and key != source.current_key():
        note = ("pyleaks: note: snapshot '%s' was taken of %s; this is %s\n"
                % (name, source.describe(key), source.describe(source.current_key())))
    return snap, note


def listing():
    """One line per snapshot kept."""
    if not _named:
        return "No snapshots (take one with 'py-leaks --snapshot NAME').\n"
    lines = []
    for name in sorted(_named):
        snap, key = _named[name]
        what = "read from %s" % key[1] if key[0] == "file" else "of %s" % source.describe(key)
        lines.append("%s: %s objects, %s\n" % (name, format(snap.objects, ","), what))
    return "".join(lines)
