"""The py-referrers command: who keeps an object alive, as chains of references from roots."""
import gdb

from . import options, source


class PyReferrersCommand(gdb.Command):
    """Show who keeps a Python object alive: chains of references from roots down to it.

Usage: py-referrers [--depth N] [--max N] [--json FILE] ADDRESS|EXPRESSION
       py-referrers --type NAME [--depth N] [--max N] [--json FILE]

ADDRESS is an object's address (py-leaks --type NAME lists them); any gdb expression that
yields a PyObject * works too. Chains are found by a breadth-first search backwards over the
references between the objects on the garbage collector's lists, shortest first, one per
root; each step is labelled with where it is held (.attr, ['key'], [3], __dict__). Roots so
far are module objects (thread frames, types and references held from C come later).

With --type NAME, every instance of NAME (module.Qualname, as py-leaks names it) is followed
to a root instead, and the chains are merged by shape (indexes collapsed to [*]), most
instances first: "5000 instances held by module __main__ -> ['REGISTRY'] -> [*]".

Options:
  --type NAME  merged chains of every instance of NAME
  --depth N    follow chains at most N references long (default 16)
  --max N      show at most N chains (or N shapes with --type; default 5)
  --json FILE  also write the chains as JSON (schema 1) to FILE

Example:
  py-leaks --type __main__.Session
  py-referrers 0x7fab667234d0
  py-referrers --type __main__.Session

The reference graph is built on the first use and kept until the process runs again."""

    def __init__(self):
        super(PyReferrersCommand, self).__init__("py-referrers", gdb.COMMAND_DATA,
                                                 gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        p = options.parser("py-referrers", "Referrer chains of a Python object.")
        p.add_argument("--depth", type=options.positive, default=16)
        p.add_argument("--max", type=options.positive, default=5)
        p.add_argument("--json", dest="json_file", default=None)
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
                                                          args.depth, args.max),
                     args.json_file)
