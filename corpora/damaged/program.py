# damaged: not a leak but a heap for tests/badinput.bats to damage in its core. 300 Holder
# objects first (what must still be counted after the damage), then the victims, each alone
# at a known address: an int, a list, a dict, an object, a static type's name, and three objects in a
# row on the collector's list, whose links the tests break (a loop, a pointer to nowhere).
# The collector is off, so that everything stays on the young list in the order made.
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import report_and_wait  # noqa: E402

gc.disable()


class Holder(object):
    pass


class Victim(object):
    pass


class Link(object):
    pass


HOLDERS = [Holder() for _ in range(300)]
BIG_INT = 7 ** 40                      # several digits: ob_size (or lv_tag) counts them
LIST = [1, 2, 3]
DICT = dict((i, str(i)) for i in range(10))
OBJ = Victim()
ENUM = enumerate([1])                  # a static type's instance, whose tp_name is damaged
BLOB = b"A" * 100000                   # a long run of bytes without a NUL, for a type name
LINK_A = Link()
LINK_B = Link()
LINK_C = Link()
TAIL = [Holder() for _ in range(10)]   # after the links: lost when the list walk stops there

# Where the collector's header of an object starts: right before the object, 16 bytes from
# 3.8 on (two links), 24 before (two links and gc_refs, padded).
GC_HEAD = 16 if sys.version_info >= (3, 8) else 24
addr = dict((name, "%x" % id(obj)) for name, obj in [
    ("int", BIG_INT), ("list", LIST), ("dict", DICT), ("obj", OBJ), ("static_type", enumerate),
    ("blob", BLOB), ("link_a", LINK_A), ("link_b", LINK_B), ("link_c", LINK_C)])
report_and_wait(["__main__.Holder", "__main__.Victim", "__main__.Link"],
                extra={"addr": addr, "gc_head": GC_HEAD})
