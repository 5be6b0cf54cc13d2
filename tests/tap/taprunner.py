#!/usr/bin/env python3
"""Runs the unittest tests of one file and reports them as TAP (version 12, plan at the end).

  taprunner.py path/to/test_something.py [-k PATTERN]

One TAP point per test method: "ok N - Class.method", "not ok N - Class.method" followed by
the traceback as "# " lines, "ok N - Class.method # SKIP reason". A failing setUpClass or
setUpModule becomes one "not ok" point of its own. Anything the tests print to stdout is sent
to stderr, so stdout carries TAP alone. Exit status: 0 when every point passed, 1 otherwise.
meson reads it with `protocol: 'tap'`; run by hand it is just as readable.
"""

import argparse
import importlib.util
import os
import sys
import time
import traceback
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
STANDINS = os.path.join(os.path.dirname(HERE), "standins")


class TapResult(unittest.TestResult):
    def __init__(self, out):
        super().__init__()
        self.out = out
        self.number = 0
        self.failed_points = 0
        self._subtest_failures = {}
        self._started = {}

    def _emit(self, ok, name, detail=None, directive=None):
        self.number += 1
        line = "%s %d - %s" % ("ok" if ok else "not ok", self.number, name.replace("#", "\\#"))
        if directive:
            line += " # " + directive
        self.out.write(line + "\n")
        if detail:
            for text in detail.rstrip("\n").split("\n"):
                self.out.write("# " + text + "\n")
        self.out.flush()
        if not ok:
            self.failed_points += 1

    @staticmethod
    def _name(test):
        if isinstance(test, unittest.case._SubTest):  # noqa: SLF001
            test = test.test_case
        test_id = test.id()
        parts = test_id.split(".")
        return ".".join(parts[-2:]) if len(parts) >= 2 else test_id

    def _timing(self, test):
        started = self._started.pop(test.id(), None)
        return "" if started is None else " (%.2fs)" % (time.monotonic() - started)

    def startTest(self, test):
        super().startTest(test)
        self._started[test.id()] = time.monotonic()
        sys.stderr.write("--- %s\n" % test.id())
        sys.stderr.flush()

    def stopTest(self, test):
        # a test whose subtests failed gets no addSuccess/addFailure of its own
        failures = self._subtest_failures.pop(test.id(), None)
        if failures:
            self._emit(False, self._name(test) + self._timing(test), "\n".join(failures))
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        failures = self._subtest_failures.pop(test.id(), None)
        timing = self._timing(test)
        if failures:
            self._emit(False, self._name(test) + timing, "\n".join(failures))
        else:
            self._emit(True, self._name(test) + timing)

    def _fail(self, test, err, kind):
        name = self._name(test)
        if isinstance(test, unittest.suite._ErrorHolder):  # noqa: SLF001 - setUpClass etc.
            name = test.description
        failures = self._subtest_failures.pop(getattr(test, "id", lambda: "")(), [])
        detail = "\n".join(failures + ["%s: %s" % (kind, self._exc_text(err, test))])
        self._emit(False, name + self._timing(test) if hasattr(test, "id") else name, detail)

    def _exc_text(self, err, test):
        if not err:
            return ""
        try:
            return self._exc_info_to_string(err, test)  # unittest frames left out
        except Exception:  # noqa: BLE001 - _ErrorHolder and friends
            return "".join(traceback.format_exception(*err))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, "ERROR")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            kind = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            self._subtest_failures.setdefault(test.id(), []).append(
                "%s in %s: %s" % (kind, subtest._subDescription(),  # noqa: SLF001
                                  self._exc_text(err, test)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._emit(True, self._name(test) + self._timing(test), directive="SKIP " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._emit(True, self._name(test), directive="TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._emit(False, self._name(test), "unexpected success")


def load_module(path):
    path = os.path.abspath(path)
    for extra in (os.path.dirname(path), STANDINS):
        if extra not in sys.path:
            sys.path.insert(0, extra)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description="unittest -> TAP")
    parser.add_argument("file")
    parser.add_argument("-k", dest="pattern", action="append",
                        help="only tests whose id contains this (repeatable)")
    args = parser.parse_args(argv)

    tap_out = sys.stdout
    sys.stdout = sys.stderr  # tests must not corrupt the TAP stream
    try:
        module = load_module(args.file)
        loader = unittest.TestLoader()
        if args.pattern:
            loader.testNamePatterns = ["*%s*" % p for p in args.pattern]
        suite = loader.loadTestsFromModule(module)
    except Exception:  # noqa: BLE001 - an import error is one failed point
        tap_out.write("not ok 1 - load %s\n" % args.file)
        for line in traceback.format_exc().rstrip("\n").split("\n"):
            tap_out.write("# " + line + "\n")
        tap_out.write("1..1\n")
        return 1

    result = TapResult(tap_out)
    started = time.monotonic()
    suite.run(result)
    if result.number == 0:
        result._emit(False, "no tests found in %s" % args.file)  # noqa: SLF001
    tap_out.write("1..%d\n" % result.number)
    tap_out.write("# %d points, %d failed, %.1fs\n" % (result.number, result.failed_points,
                                                       time.monotonic() - started))
    tap_out.flush()
    return 1 if result.failed_points else 0


if __name__ == "__main__":
    sys.exit(main())
