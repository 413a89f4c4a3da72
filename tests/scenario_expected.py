"""scenario_expected.py - a corpora scenario's expected.json, as it applies to one interpreter.

A scenario may say what differs on Python 2.7 in a "python2" object: its keys replace those of
the top level, and its "leak" entries those of "leak" (2.7 names bytes `str` and a bound method
`instancemethod`, and has no __qualname__, so a nested class is named by its bare name)."""
import json


def load(path, truth):
    """The expectations at PATH for the interpreter TRUTH (the program's own report) names."""
    expected = json.load(open(path))
    py2 = expected.pop("python2", None)
    if py2 and truth["python"].startswith("2."):
        for key, value in py2.items():
            if key == "leak":
                expected["leak"] = dict(expected.get("leak", {}), **value)
            else:
                expected[key] = value
    return expected
