"""The py-leaks command: what leaks in the Python heap of the core or process gdb is looking at."""
import gdb

from . import lib, options, snapshots, source


class PyLeaksCommand(gdb.Command):
    """Name the leak: ranked suspects, with the memory each retains and who holds it.

Usage: py-leaks [--max N] [--json FILE]
       py-leaks --census [--top N] [--sort count|size] [--type NAME] [--json FILE]
       py-leaks --retained [--top N] [--json FILE]
       py-leaks --snapshot NAME [--save FILE]
       py-leaks --since NAME [--load FILE] [--top N] [--new TYPE] [--json FILE]
       py-leaks --snapshots

Reads the heap of the core file or stopped process gdb is debugging (on a live process
stopped at a safe point, C types' references come from their own tp_traverse through a small
agent: see 'help set pyleaks inject'; otherwise nothing runs in the process): every object on the garbage collector's lists (every interpreter, every
generation, the permanent one included), and every object they and the roots reach that the
collector does not track (str, bytes, int, ...), each sized as sys.getsizeof sizes it. Then,
on the dominator tree of the reference graph, ranks the suspects by the memory they retain
(what would be freed with them):
  accumulation points: a container (dict, list, set, an object's attributes, ...) whose
    many items of one kind retain most of what it holds, or a linked chain of one type; the
    items' type is named (through thin wrappers: a bound method's object, a closure's
    contents), with the chain from a root down to the container, merged as
    py-referrers --type shows chains; containers of one shape (two instances' dicts) count
    as one suspect;
  unreachable cycles: objects no root reaches, grouped by their types, with finalizers and
    the collector's state (disabled? its thresholds and counts);
  held from C: objects whose reference counts the heap does not explain, by type;
  gc.garbage: by type, with why each is there (DEBUG_SAVEALL, a legacy finalizer).

Growth between stops: --snapshot NAME records the census and the identity (address and
type) of every object at this stop; after 'continue' and the next stop, --since NAME shows
per type the count and size now, the change, and how many objects are new (not in the
snapshot), most grown first. Nothing is collected: the counts are what the heap holds, not
peaks. Snapshots are kept for the whole gdb session; --save and --load carry one to another.

Options:
  --max N            show at most N suspects that retain 1% of the heap or more (the first
                     always; default 5); 0 shows every suspect
  --census           the census instead: every type's count and size, tracked and untracked
                     (marked), and gc.garbage
  --retained         the objects that retain most memory instead, each with its chain
  --top N            --census: the N biggest types (default 20); --retained: the N biggest
                     objects (default 20); --since: the N types grown most (default 20);
                     0 shows all
  --sort count|size  --census: order by instance count (default) or by size
  --type NAME        --census: also list every instance of NAME: module.Qualname
                     (__main__.Session), the class name alone (Session) where only one class
                     has it, or a builtin type (dict); Tab completes names
  --json FILE        also write the report as JSON (schema 1) to FILE
  --snapshot NAME    record a snapshot called NAME (replacing an older one of that name)
  --save FILE        with --snapshot: also write it to FILE
  --since NAME       what grew since the snapshot NAME
  --load FILE        with --since: read the snapshot from FILE (written by --save or by
                     pyleaks snapshot) and keep it as NAME
  --new TYPE         with --since: also list the addresses of TYPE's new instances (to
                     hand to py-referrers)
  --snapshots        list the snapshots kept

Examples:
  py-leaks
  py-leaks --max 10 --json /tmp/suspects.json
  py-leaks --census --sort size --top 10
  py-leaks --census --type Session
  py-leaks --retained
  py-leaks --snapshot before            (then: continue, and at the next stop)
  py-leaks --since before --new Request

The heap walk and the graph are kept until the process runs again; later commands on the
same stop reuse them. On a live process at a safe point (see 'help set pyleaks inject') the
census, --snapshot and --since are taken in place by pyleaks' agent, the suspects and
--retained with each C type's own tp_traverse; the report's first line says in-process."""

    def __init__(self):
        # no completer class: gdb calls complete() only without one
        super(PyLeaksCommand, self).__init__("py-leaks", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return options.complete_type(text, word, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        p = options.parser("py-leaks", "Name the leak in the Python heap.")
        mode = p.add_mutually_exclusive_group()
        mode.add_argument("--census", action="store_true")
        mode.add_argument("--retained", action="store_true")
        mode.add_argument("--snapshot", default=None)
        mode.add_argument("--since", default=None)
        mode.add_argument("--snapshots", action="store_true")
        p.add_argument("--save", default=None)
        p.add_argument("--load", default=None)
        p.add_argument("--new", dest="new_type", default=None)
        p.add_argument("--max", type=options.non_negative, default=None)
        p.add_argument("--top", type=options.non_negative, default=None)
        p.add_argument("--sort", choices=("count", "size"), default=None)
        p.add_argument("--type", dest="type_name", default=None)
        p.add_argument("--json", dest="json_file", default=None)
        args = options.parse(p, gdb.string_to_argv(argument))
        if args is None:
            return
        _check_combinations(args)
        if args.snapshots:
            gdb.write(snapshots.listing())
            return
        if args.snapshot is not None:
            gdb.write(snapshots.take(args.snapshot, args.save))
            return
        # the census, snapshots and growth need only the objects: the agent counts them in
        # place (the census alone per type; the others list every object); the suspects and
        # retained sizes read every reference
        if args.census and not args.type_name:
            task = "tally"
        elif args.census or args.since is not None:
            task = "census"
        else:
            task = "edges"
        session = source.current(task)
        if args.since is not None:
            if args.load:
                snapshots.load(args.since, args.load)
            snap, note = snapshots.get(args.since)
            gdb.write(note)
            top = 20 if args.top is None else args.top
            report = lambda fmt: session.growth_report(fmt, snap, top, args.new_type)
        elif args.census:
            sort = lib.SORT_SIZE if args.sort == "size" else lib.SORT_COUNT
            top = -1 if args.top is None else args.top
            report = lambda fmt: session.leaks_report(fmt, top, sort, args.type_name)
        elif args.retained:
            top = 20 if args.top is None else args.top
            report = lambda fmt: session.retained_report(fmt, top)
        else:
            most = 5 if args.max is None else args.max
            report = lambda fmt: session.suspects_report(fmt, most)
        options.show("py-leaks", report, args.json_file)


def _check_combinations(args):
    """Raise gdb.GdbError for options that do not go together (argparse has checked the
    mutually exclusive modes)."""
    def refuse(message):
        raise gdb.GdbError("py-leaks: %s (see 'help py-leaks')" % message)

    for option, value, mode, with_ in (("--sort", args.sort, args.census, "--census"),
                                       ("--type", args.type_name, args.census, "--census"),
                                       ("--save", args.save, args.snapshot, "--snapshot"),
                                       ("--load", args.load, args.since, "--since"),
                                       ("--new", args.new_type, args.since, "--since")):
        if value and not mode:
            refuse("%s goes with %s" % (option, with_))
    if args.snapshot is not None and not args.snapshot:
        refuse("--snapshot needs a name")
    if args.since is not None and not args.since:
        refuse("--since needs a name")
    if args.top is not None and not (args.census or args.retained or args.since):
        refuse("--top goes with --census, --retained or --since; the suspects take --max")
    if args.max is not None and (args.census or args.retained or args.since is not None
                                 or args.snapshot is not None or args.snapshots):
        refuse("--max is for the suspects; --census, --retained and --since take --top")
    if args.json_file and (args.snapshot or args.snapshots):
        refuse("--json goes with a report, not with --snapshot or --snapshots")
    if args.snapshots and args.top is not None:
        refuse("--snapshots takes no other option")
