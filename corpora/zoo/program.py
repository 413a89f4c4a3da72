# zoo: one or more of every kind of object whose references pyleaks decodes, each held from
# the module, so that every decoder is exercised on a real heap of every version: dicts
# (combined, split, non-str keys), lists, tuples, sets, instances in every attribute encoding,
# __slots__ through the MRO (and of subclasses of str, float, complex), subclasses of builtins, closures, bound methods, classmethod /
# staticmethod / property, exceptions with a traceback, context, cause and notes, frame objects
# of finished calls, suspended generators, coroutines and async generators with their locals,
# functools.partial, collections.deque and OrderedDict, weak references, the stdlib's C types,
# and the C states of the extension modules it imports.
#
# Before it signals ready, it writes what the interpreter itself says each tracked object
# holds (gc.get_referents: the type's tp_traverse) to referents.txt in PYLEAKS_SCENARIO_OUT,
# for tests/check_refs.py to compare with pyleaks' reference graph. It does so, and waits,
# inside a running event loop, whose state some modules keep (3.12's _asyncio points to the
# running loop without holding it: not a reference).
import array
import asyncio
import collections
import functools
import gc
import io
import itertools
import operator
import os
import sqlite3
import sys
import threading
import types
import weakref

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402


class Plain(object):
    def __init__(self, n):
        self.n = n
        self.payload = [n, str(n)]
        self.more = {"k": (n, [n])}


class Base(object):
    __slots__ = ("a",)


class Slotted(Base):
    __slots__ = ("b", "__weakref__")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class MyDict(dict):
    pass


class MyList(list):
    pass


class MyTuple(tuple):
    pass


class SlottedStr(str):  # builtins without references, whose subclasses' slots hold some
    __slots__ = ("held",)


class SlottedFloat(float):
    __slots__ = ("held",)


class SlottedComplex(complex):
    __slots__ = ("held",)


def slotted(cls, value, n):
    obj = cls(value)
    obj.held = lambda: n  # a function that only this slot holds
    return obj


class Failure(Exception):
    def __init__(self, msg, detail):
        Exception.__init__(self, msg)
        self.detail = detail


class Widget(object):
    registry = {}

    @classmethod
    def make(cls):
        return cls()

    @staticmethod
    def helper():
        return 1

    @property
    def size(self):
        return 1

    def ping(self):
        return self


def make_closure(value):
    held = [value]

    def inner():
        return held

    return inner


def failing(depth, marker):
    local_list = [marker]
    if depth == 0:
        raise Failure("boom", local_list)
    failing(depth - 1, marker)


def catch():
    try:
        failing(2, Plain(-1))
    except Failure as e:
        return e


def chained():
    try:
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise ValueError("outer") from inner
    except ValueError as e:
        return e


def gen(items):
    state = {"items": items}
    for item in items:
        yield item, state


def make_class():
    class Made(object):  # a new class each call, all of one qualified name
        def __init__(self, n):
            self.n = n
    return Made


class Item(object):  # and two classes whose names end alike: "Item" alone is ambiguous
    pass


class Shop(object):
    class Item(object):
        pass


async def coro(token):
    box = [token]
    return box


async def agen(token):
    box = [token]
    yield box


base = leak_baseline()
PLAINS = [Plain(i) for i in range(2000)]  # the one thing that piles up here
LEAK = leak_measure(base, PLAINS)
ZOO = {
    "plain": PLAINS,
    "slotted": [Slotted([i], {i: i}) for i in range(50)],
    "mydict": MyDict(a=[1], b=[2]),
    "mylist": MyList([[1], [2]]),
    "mytuple": MyTuple(([1], [2])),
    "set": {(1, "a", None), frozenset({(2, "b")})},
    "frozenset": frozenset([(3, "c"), (4, "d")]),
    "intkeys": {1: [1], 2: [2], (3, 4): [3]},
    "closures": [make_closure([i]) for i in range(5)],
    "methods": [Widget().ping for i in range(5)],
    "widget_class": Widget,
    "exception": catch(),
    "chained": chained(),
    "partial": functools.partial(Plain, 7),
    "deque": collections.deque([[i] for i in range(200)]),
    "ordered": collections.OrderedDict((("x", [1]), ("y", [2]))),
    "defaultdict": collections.defaultdict(list, {"z": [3]}),
    "namespace": types.SimpleNamespace(a=[1], b={"c": [2]}),
    "chain": itertools.chain([1], [2]),
    "module": collections,
    "made": [make_class()(i) for i in range(3)],  # three instances of three distinct classes
    "items": [Item(), Shop.Item(), Shop.Item()],
    "slotted_builtins": [slotted(SlottedStr, "s", 1), slotted(SlottedFloat, 1.5, 2),
                         slotted(SlottedComplex, 1j, 3)],
}
# The stdlib's C types that hold references, as services use them (issue #10).
cached = functools.lru_cache(maxsize=8)(lambda n: [n])
for i in range(3):
    cached(i)
ZOO["lru_cache"] = cached
if sys.version_info >= (3, 10):
    # (3.6 - 3.9's _asyncio keeps objects in C static variables its module's m_traverse
    # visits: pyleaks counts those as held from C, so tp_traverse cannot be matched there)
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    future.set_result([10])
    ZOO["asyncio"] = {"loop": loop, "future": future, "task": loop.create_task(coro([11]))}
if sys.version_info >= (3, 7):
    import contextvars
    VAR = contextvars.ContextVar("zoo_var", default=[12])
    ZOO["contextvars"] = {"var": VAR, "token": VAR.set([13]), "context": contextvars.copy_context()}
ZOO["sqlite"] = sqlite3.connect(":memory:")
ZOO["iterators"] = [itertools.count(1), itertools.cycle([[14]]), itertools.islice([[15]], 1),
                    itertools.groupby([[16]]), itertools.tee([[17]])[0],
                    itertools.accumulate([[18]]), itertools.product([[19]]),
                    itertools.starmap(list, [[20]]), itertools.zip_longest([[21]]),
                    itertools.compress([[22]], [1]), itertools.repeat([23]),
                    map(list, [[24]]), zip([[25]]), filter(None, [[26]]), enumerate([[27]]),
                    reversed([[28]]), iter([[29]])]
ZOO["weak_values"] = weakref.WeakValueDictionary({"first": PLAINS[0]})
ZOO["weak_keys"] = weakref.WeakKeyDictionary({PLAINS[1]: [30]})
ZOO["buffered"] = open(os.devnull, "rb")
ZOO["condition"] = threading.Condition()
ZOO["array"] = array.array("i", [1, 2, 3])
ZOO["memoryview"] = memoryview(bytearray(b"zoo"))
ZOO["bytesio"] = io.BytesIO(b"zoo")
ZOO["operator"] = [operator.itemgetter(1), operator.attrgetter("a"),
                   operator.methodcaller("m", [31], k=[32])]
if sys.version_info >= (3, 11):
    ZOO["exception"].add_note("a note")
ZOO["weak"] = weakref.ref(ZOO["slotted"][0], lambda ref: None)
ZOO["frame"] = ZOO["exception"].__traceback__.tb_next.tb_frame  # a frame of a finished call
g = gen([[1], [2], [3]])
next(g)
ZOO["generator"] = g
c = coro([5])
ZOO["coroutine"] = c
a = agen([6])
ZOO["asyncgen"] = a
del g, c, a
Widget.registry["self"] = ZOO


async def in_running_loop():
    asyncio.get_event_loop()  # looked up in C: _asyncio caches the running loop (3.12)
    report_and_wait(["__main__.Plain", "__main__.Slotted", "__main__.make_class.<locals>.Made",
                     "__main__.Item", "__main__.Shop.Item"], referents=True, leak=LEAK)


asyncio.new_event_loop().run_until_complete(in_running_loop())
