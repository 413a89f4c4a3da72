# collector.py - the lists a running garbage collection keeps to itself: stopped inside the
# collector, the objects it found unreachable (and those with legacy finalizers) sit on lists
# that are local variables of its C function, which the runtime's state does not name. gdb's
# frames (with the runtime's debug information) give their addresses; pyleaks walks them too.
import gdb

# The collector's functions (3.6 - 3.15) and the locals or parameters that hold such lists.
COLLECTORS = ("collect", "gc_collect_main", "gc_collect_region", "gc_collect_young",
              "gc_collect_increment", "gc_collect_full", "deduce_unreachable",
              "finalize_garbage", "delete_garbage", "handle_weakrefs",
              "handle_legacy_finalizers", "move_legacy_finalizers", "move_unreachable")
LISTS = ("unreachable", "final_unreachable", "finalizers", "collectable")
MAX_FRAMES = 64


def _head(frame, name):
    """The address of the list head NAME names in FRAME (a local PyGC_Head, or a parameter
    pointing at one), or None."""
    try:
        value = frame.read_var(name)
    except (ValueError, gdb.error):
        return None
    try:
        if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            return int(value)
        return int(value.address)
    except gdb.error:
        return None


def _generation(frame):
    try:
        return int(frame.read_var("generation"))
    except (ValueError, gdb.error):
        return 2


def lists():
    """[(head, generation, what)] of every thread's frames in the collector."""
    found = []
    try:
        threads = gdb.selected_inferior().threads()
        selected_thread, selected_frame = gdb.selected_thread(), gdb.selected_frame()
    except gdb.error:
        return found
    try:
        for thread in threads:
            thread.switch()
            frame, n = gdb.newest_frame(), 0
            while frame is not None and n < MAX_FRAMES:
                name = frame.name() or ""
                if name in COLLECTORS:
                    for var in LISTS:
                        head = _head(frame, var)
                        if head and all(head != h for h, _, _ in found):
                            found.append((head, _generation(frame), "%s in %s" % (var, name)))
                try:
                    frame, n = frame.older(), n + 1
                except gdb.error:
                    break
    except gdb.error:
        pass
    finally:
        try:
            if selected_thread is not None:
                selected_thread.switch()
            selected_frame.select()
        except gdb.error:
            pass
    return found


def add_to(session):
    """Tell SESSION of the collector's own lists, where the target is stopped in it."""
    for head, generation, what in lists():
        session.add_gc_list(head, max(0, min(generation, 2)), what)
