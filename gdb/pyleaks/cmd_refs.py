"""The py-refs and py-graph commands: what one object holds, and the whole reference graph."""
import gdb

from . import lib, options, source


def _address(prog, words):
    """The address an ADDRESS or EXPRESSION (words of the command line) stands for."""
    expr = " ".join(words)
    try:
        return int(gdb.parse_and_eval(expr).cast(gdb.lookup_type("unsigned long")))
    except gdb.error as e:
        raise gdb.GdbError("%s: cannot evaluate %r: %s" % (prog, expr, e))


class PyRefsCommand(gdb.Command):
    """Show what a Python object holds: its outgoing references, each labelled.

Usage: py-refs [--json FILE] ADDRESS|EXPRESSION

Each reference is labelled with where the object holds it: [3] (list or tuple item), ['key']
(dict value), key 'key' (dict key), .attr (attribute or slot), local name (a frame's
variable), __class__, __dict__, __closure__, ...; with the type of what it refers to.
Weak references are marked (weak). The words of a C type pyleaks has no decoder for are
scanned for addresses of tracked objects, marked (conservative); in in-process mode (see
'help set pyleaks inject') those come from the type's own tp_traverse instead, exact, with
the offset of the word that holds them where there is one.

Options:
  --json FILE  also write the references as JSON (schema 1) to FILE

Examples:
  py-refs 0x7fab667234d0
  py-refs (PyObject *)self"""

    def __init__(self):
        super(PyRefsCommand, self).__init__("py-refs", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        p = options.parser("py-refs", "The references of a Python object.")
        p.add_argument("--json", dest="json_file", default=None)
        p.add_argument("object", nargs="*")
        args = options.parse(p, gdb.string_to_argv(argument))
        if args is None:
            return
        if not args.object:
            raise gdb.GdbError("py-refs: give an object (address or expression) (see 'help py-refs')")
        address = _address("py-refs", args.object)
        session = source.current()
        options.show("py-refs", lambda fmt: session.refs_report(fmt, address), args.json_file)


class PyGraphCommand(gdb.Command):
    """Write the whole reference graph of the Python heap to a file, as JSON lines.

Usage: py-graph [--labels] [--dominators] FILE

One line per object, tracked or not: {"address", "type", "tracked", "size", "refcount",
"refs": [addresses of what it holds]} ("root_kind" on the objects that are roots), then one
per root that is no object. The same as 'pyleaks graph' of the CLI, for analyses of one's own.

Options:
  --labels       add "labels", one per reference (slower: every object is decoded again)
  --dominators   add "idom" (the immediate dominator), "retained" and "retained_objects"

Example:
  py-graph --labels /tmp/heap.jsonl"""

    def __init__(self):
        super(PyGraphCommand, self).__init__("py-graph", gdb.COMMAND_DATA, gdb.COMPLETE_FILENAME)

    def invoke(self, argument, from_tty):
        p = options.parser("py-graph", "Write the reference graph.")
        p.add_argument("--labels", action="store_true")
        p.add_argument("--dominators", action="store_true")
        p.add_argument("file")
        args = options.parse(p, gdb.string_to_argv(argument))
        if args is None:
            return
        flags = (lib.GRAPH_LABELS if args.labels else 0) | \
            (lib.GRAPH_DOMINATORS if args.dominators else 0)
        source.current().graph_export(args.file, flags)
        gdb.write("graph written to %s\n" % args.file)
