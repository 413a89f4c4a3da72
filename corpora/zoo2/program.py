# zoo2: the zoo of Python 2.7 (corpora/zoo is Python 3's): one or more of every kind of object
# whose references pyleaks decodes on 2.7, each held from the module: dicts small and grown,
# with deleted entries and non-str keys, lists, tuples, sets (one with deleted entries),
# new-style instances with a dict or __slots__, old-style classes and instances, bound and
# unbound methods, closures,
# classmethod / staticmethod / property, exceptions with a traceback, frame objects of
# finished calls, suspended generators, functools.partial, collections.deque, defaultdict and
# OrderedDict, weak references, a class's dictproxy, the stdlib's C types, and unicode.
#
# Before it signals ready, it writes what the interpreter itself says each tracked object
# holds (gc.get_referents: the type's tp_traverse) to referents.txt in PYLEAKS_SCENARIO_OUT,
# for tests/check_refs.py to compare with pyleaks' reference graph.
import collections
import functools
import itertools
import operator
import os
import sys
import weakref

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402


class Plain(object):
    def __init__(self, n):
        self.n = n
        self.payload = [n, str(n)]
        self.more = {"k": (n, [n])}


class Slotted(object):
    __slots__ = ("a", "b", "__weakref__")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class OldStyle:
    kind = "old"

    def __init__(self, n):
        self.n = n
        self.items = [n]

    def method(self):
        return self.n


class OldChild(OldStyle):
    pass


class Described(object):
    @classmethod
    def make(cls):
        return cls()

    @staticmethod
    def helper():
        return 1

    @property
    def value(self):
        return 2


class MyDict(dict):
    pass


def make_closure(n):
    held = [n]

    def inner():
        return held

    return inner


def finished_frame():
    local = ["in a frame"]
    return sys._getframe(), local


def gen(n):
    local = [n]
    yield local
    yield n


def failing():
    try:
        raise ValueError("boom", [1])
    except ValueError:
        return sys.exc_info()


def callback(ref):
    pass


base = leak_baseline()
PLAINS = [Plain(i) for i in range(2000)]
SLOTTED = [Slotted(i, [i]) for i in range(10)]
OLD = [OldStyle(i) for i in range(10)] + [OldChild(i) for i in range(5)]
BOUND = [OLD[0].method, PLAINS[0].__init__, Described().make]
UNBOUND = OldStyle.method
GROWN = dict((i, [i]) for i in range(100))
DELETED = dict((str(i), [i]) for i in range(20))
for i in range(10):
    del DELETED[str(i)]
SETS = (set([(1, 2), "a"]), frozenset([(3, 4)]))
# a set with deleted entries (2.7's dummy, a static str, in their slots) and an item that is a
# str spelled like that dummy: only the item is a reference
SHRUNK = set(["kept-%d" % i for i in range(4)] + ["gone-%d" % i for i in range(4)])
for i in range(4):
    SHRUNK.discard("gone-%d" % i)
SHRUNK.add("<dummy" + " key>")
CLOSURE = make_closure(5)
FRAME, FRAME_LOCAL = finished_frame()
GEN = gen(7)
next(GEN)
EXC_TYPE, EXC, TB = failing()
PARTIAL = functools.partial(make_closure, 3)
DEQUE = collections.deque([[1], [2]], maxlen=10)
DEFAULT = collections.defaultdict(list, {"x": [1]})
ORDERED = collections.OrderedDict([("a", [1]), ("b", [2])])
TARGET = Plain(-1)
WEAK = weakref.ref(TARGET, callback)
WEAK_PROXY = weakref.proxy(TARGET)
WEAK_VALUES = weakref.WeakValueDictionary({"t": TARGET})
UNICODE = {u"caf\xe9": [u"\u2603"]}
CHAIN = itertools.chain([1], [2])
GETTER = operator.itemgetter(1)
INSTANCE_DICT = MyDict(a=[1])
EXC_MESSAGE = ValueError([1])  # 2.7 keeps a lone argument as its message too
PROXY = Described.__dict__  # a dictproxy
DESCRIBED = Described()

report_and_wait(["__main__.Plain", "__main__.Slotted"], referents=True,
                leak=leak_measure(base, PLAINS))
