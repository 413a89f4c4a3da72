"""The py-leaks command: census of the Python heap of the core or process gdb is looking at."""
import gdb

from . import lib, options, source


class PyLeaksCommand(gdb.Command):
    """Show what piles up in the Python heap: tracked objects by type, and gc.garbage.

Usage: py-leaks [--top N] [--sort count|size] [--type NAME] [--json FILE]

Walks every garbage-collector list of every interpreter (generations 0-2 and the permanent
generation that gc.freeze() fills) of the core file or stopped process gdb is debugging,
without running any code in it, and prints the Python version, the interpreters, the number
of tracked objects per generation, the types with the most instances, and gc.garbage.

Options:
  --top N            show the N biggest types (default 20; 0 shows all)
  --sort count|size  order by instance count (default) or by shallow size (object, GC
                     header and pre-header; buffers an object owns are not counted)
  --type NAME        also list the address of every instance of NAME, as module.Qualname
                     (e.g. __main__.Session) or the plain name of a builtin type (dict)
  --json FILE        also write the report as JSON (schema 1) to FILE

Examples:
  py-leaks
  py-leaks --sort size --top 10
  py-leaks --type __main__.Session
  py-leaks --json /tmp/census.json

The heap walk is kept until the process runs again; later commands on the same stop reuse it."""

    def __init__(self):
        super(PyLeaksCommand, self).__init__("py-leaks", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        p = options.parser("py-leaks", "Census of the Python heap.")
        p.add_argument("--top", type=options.non_negative, default=-1)
        p.add_argument("--sort", choices=("count", "size"), default="count")
        p.add_argument("--type", dest="type_name", default=None)
        p.add_argument("--json", dest="json_file", default=None)
        args = options.parse(p, gdb.string_to_argv(argument))
        if args is None:
            return
        session = source.current()
        sort = lib.SORT_SIZE if args.sort == "size" else lib.SORT_COUNT
        options.show("py-leaks",
                     lambda fmt: session.leaks_report(fmt, args.top, sort, args.type_name),
                     args.json_file)
