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
LISTS = ("unreachable", "final_unreachable", "finalizers", "collectable", "seen",
         "wrcb_to_call")
MAX_LISTS = 8  # as many as pyleaks_add_gc_list takes
MAX_FRAMES = 64


def _head(frame, name):
    """The address of the list head NAME names in FRAME (a local PyGC_Head, or a parameter
    pointing at one), or None (not there, optimized out, or in a register)."""
    try:
        value = frame.read_var(name)
        if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            head = int(value)
        elif value.address is not None:
            head = int(value.address)
        else:
            return None
    except Exception:  # gdb.error, ValueError, and what an odd frame raises
        return None
    return head if head and head % 8 == 0 else None


def _generation(frame):
    try:
        return int(frame.read_var("generation"))
    except Exception:
        return None


def lists():
    """[(head, generation, what)] of every thread's frames in the collector; the generation is
    that of the collector's frame that has one (gc_collect_main's), else 2."""
    found = []
    try:
        threads = gdb.selected_inferior().threads()
        selected_thread, selected_frame = gdb.selected_thread(), gdb.selected_frame()
    except gdb.error:
        return found
    try:
        for thread in threads:
            thread.switch()
            frame, n, heads, generation = gdb.newest_frame(), 0, [], None
            while frame is not None and n < MAX_FRAMES:
                name = frame.name() or ""
                if name in COLLECTORS:
                    if generation is None:
                        generation = _generation(frame)
                    for var in LISTS:
                        head = _head(frame, var)
                        if head and all(head != h for h, _ in heads + [(h, w) for h, _, w in found]):
                            heads.append((head, "%s in %s" % (var, name)))
                try:
                    frame, n = frame.older(), n + 1
                except gdb.error:
                    break
            gen = generation if generation is not None and 0 <= generation <= 2 else 2
            found.extend((h, gen, what) for h, what in heads)
    except Exception:
        pass
    finally:
        try:
            if selected_thread is not None:
                selected_thread.switch()
            selected_frame.select()
        except Exception:
            pass
    return found[:MAX_LISTS]


def add_to(session):
    """Tell SESSION of the collector's own lists, where the target is stopped in it. A list it
    refuses is left out: the walk goes on without it."""
    for head, generation, what in lists():
        try:
            session.add_gc_list(head, generation, what)
        except gdb.GdbError:
            pass
