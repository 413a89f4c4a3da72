"""Option parsing for the gdb commands: a small argparse that raises gdb.GdbError."""
import argparse

import gdb


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise gdb.GdbError("%s: %s (see 'help %s')" % (self.prog, message, self.prog))

    def exit(self, status=0, message=None):
        if message:
            raise gdb.GdbError(message.strip())
        raise _HelpShown()


class _HelpShown(Exception):
    """--help was given and printed."""


def parser(prog, description):
    return _Parser(prog=prog, description=description, add_help=True)


def parse(p, argv):
    """Parsed options, or None if --help was printed."""
    try:
        return p.parse_args(argv)
    except _HelpShown:
        return None


def show(prog, report, json_file, dot_file=None):
    """Print REPORT(lib.FORMAT_TEXT); with JSON_FILE (DOT_FILE), also write REPORT(lib.FORMAT_JSON)
    (REPORT(lib.FORMAT_DOT)) there."""
    from . import lib

    text = report(lib.FORMAT_TEXT)
    written = []
    for path, fmt, what in ((json_file, lib.FORMAT_JSON, "JSON report"),
                            (dot_file, lib.FORMAT_DOT, "graphviz graph")):
        if not path:
            continue
        content = report(fmt)
        try:
            with open(path, "w") as f:
                f.write(content)
        except (IOError, OSError) as e:
            raise gdb.GdbError("%s: cannot write %s: %s" % (prog, path, e))
        written.append("%s written to %s\n" % (what, path))
    gdb.write(text)
    for line in written:
        gdb.write(line)


def complete_type(text, word, otherwise):
    """Completion of a command line: after --type (or --new), the names of the types of the current heap
    (walked on first use) that start with WORD; elsewhere gdb's completion OTHERWISE."""
    words = text.split()
    takes_type = ("--type", "--new")
    after_type = (len(words) >= 2 and words[-2] in takes_type and not text.endswith(" ")) or \
        (words and words[-1] in takes_type and text.endswith(" "))
    if not after_type:
        return otherwise
    from . import source

    try:
        return source.current(None).type_names(word or "")
    except gdb.GdbError:
        return []


def positive(text):
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number >= 1, got 0")
    return value


def non_negative(text):
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number, got %r" % text)
    if value < 0:
        raise argparse.ArgumentTypeError("expected a number >= 0, got %d" % value)
    return value
