"""The py-referrers command: who keeps an object alive, as chains of references from roots."""
import gdb

from . import options, source


class PyReferrersCommand(gdb.Command):
    """Show who keeps a Python object alive: chains of references from roots down to it.

Usage: py-referrers [--depth N] [--max N] [--fan-in N] [--json FILE] [--dot FILE] ADDRESS|EXPRESSION
       py-referrers --type NAME [--max N] [--json FILE] [--dot FILE]

ADDRESS is an object's address (py-leaks --type NAME lists them); any gdb expression that
yields a PyObject * works too. Chains are found by a breadth-first search backwards over the
references between the objects on the garbage collector's lists, shortest first, one per
root; each step is labelled with where it is held (.attr, ['key'], [3], local name,
__closure__, free var name). Roots are modules, the frames and state of every thread
(running frames are not GC objects: their locals are read from each thread's stack),
interpreters (sys.modules, the sys and builtins dicts, gc.garbage), static types, and
objects held from C: whose reference count is more than the heap explains and that no other
root reaches (an extension's reference, a C static, ctypes). Referrers that only lead back
into a chain (cold trails: cycles) are pruned and counted. With no chain within --depth, the
nearest root is named; an object no root reaches is kept alive only by reference cycles.

With --type NAME, every instance of NAME (module.Qualname as py-leaks names it, or the class
name alone where only one class has it; Tab completes names) is followed to a root instead,
and the chains are merged by shape (indexes and keys of containers collapsed to [*], the
names of globals and attributes kept; a repeated step such as a linked list's .next shown
once), most instances first:
"5000 instances, root: module __main__ -> __dict__ -> ['REGISTRY'] -> [*]".

Options:
  --type NAME  merged chains of every instance of NAME
  --depth N    follow chains at most N references long (default 16)
  --max N      show at most N chains (or N shapes with --type; default 5)
  --fan-in N   follow at most N referrers of any one object, those nearest a root
               (default 1000); the report says where this cut
  --json FILE  also write the chains as JSON (schema 1) to FILE
  --dot FILE   also write the chains as a graphviz graph to FILE (dot -Tsvg FILE)

Examples:
  py-leaks --type __main__.Session
  py-referrers 0x7fab667234d0
  py-referrers (PyObject *)session
  py-referrers --type __main__.Session --dot /tmp/sessions.dot

The reference graph is built on the first use and kept until the process runs again."""

    def __init__(self):
        # no completer class: gdb calls complete() only without one
        super(PyReferrersCommand, self).__init__("py-referrers", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return options.complete_type(text, word, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        p = options.parser("py-referrers", "Referrer chains of a Python object.")
        p.add_argument("--depth", type=options.positive, default=16)
        p.add_argument("--max", type=options.positive, default=5)
        p.add_argument("--fan-in", dest="fan_in", type=options.positive, default=1000)
        p.add_argument("--json", dest="json_file", default=None)
        p.add_argument("--dot", dest="dot_file", default=None)
        p.add_argument("--type", dest="type_name", default=None)
        p.add_argument("object", nargs="*")
        args = options.parse(p, gdb.string_to_argv(argument))
        if args is None:
            return
        address = 0
        if args.type_name and args.object:
            raise gdb.GdbError("py-referrers: give an object or --type NAME, not both")
        if not args.type_name:
            if not args.object:
                raise gdb.GdbError("py-referrers: give an object (address or expression) or "
                                   "--type NAME (see 'help py-referrers')")
            expr = " ".join(args.object)
            try:
                address = int(gdb.parse_and_eval(expr).cast(gdb.lookup_type("unsigned long")))
            except gdb.error as e:
                raise gdb.GdbError("py-referrers: cannot evaluate %r: %s" % (expr, e))
        session = source.current()
        options.show("py-referrers",
                     lambda fmt: session.referrers_report(fmt, address, args.type_name,
                                                          args.depth, args.max, args.fan_in),
                     args.json_file, args.dot_file)
