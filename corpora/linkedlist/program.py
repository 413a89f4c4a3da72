# linkedlist: a singly linked list of 100,000 nodes hanging from one module global, the
# deepest chain a heap can have: the last node is 100,001 references from module __main__.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

NODES = 100000


class Node(object):
    __slots__ = ("n", "next")

    def __init__(self, n, next):
        self.n = n
        self.next = next


HEAD = None
base = leak_baseline()
for i in range(NODES - 1, -1, -1):
    HEAD = Node(i, HEAD)
tail = HEAD
while tail.next is not None:
    tail = tail.next
TAIL = "%x" % id(tail)  # only its address: the list alone holds it
del tail, i
report_and_wait(["__main__.Node"], extra={"tail": TAIL, "nodes": NODES}, leak=leak_measure(base, HEAD))
