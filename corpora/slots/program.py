# slots: many small __slots__ objects kept in a list (no instance dict), with a nested class
# so that the type name needs its qualified name: __main__.Geometry.Point.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

POINTS = 20000


class Geometry(object):
    class Point(object):
        __slots__ = ("x", "y", "label")

        def __init__(self, x, y):
            self.x = x
            self.y = y
            self.label = None


class Tagged(Geometry.Point):
    __slots__ = ("tag",)

    def __init__(self, x, y, tag):
        Geometry.Point.__init__(self, x, y)
        self.tag = tag


base = leak_baseline()
TRACK = [Geometry.Point(i, -i) for i in range(POINTS)]
TRACK.extend(Tagged(i, i, "t") for i in range(POINTS // 10))
SEEN = {TRACK[0], TRACK[1]}  # a set holding two of them, for the set decoder

POINT = "__main__.Geometry.Point" if sys.version_info[0] >= 3 else "__main__.Point"  # 2.7: no qualname
report_and_wait([POINT, "__main__.Tagged"], leak=leak_measure(base, TRACK))
