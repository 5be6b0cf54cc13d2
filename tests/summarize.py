#!/usr/bin/env python3
"""Counts individual test cases from a `meson test` run and prints `N passed, N failed` last.

  summarize.py [BUILD_DIR]      (default: build)

Reads BUILD_DIR/meson-logs/testlog.json (one JSON object per test executable: name, result) and
BUILD_DIR/meson-logs/testlog.junit.xml, where meson 1.0.1 writes one <testcase> per GoogleTest
case (protocol 'gtest') and per TAP point (protocol 'tap'); it was checked against a dummy
project. Suite names there are "<project>.<test name>" (gtest: "<project>.<test name>.<Suite>");
a plain exit-code test is a <testcase> named "<test name>" in the suite "<project>".

Rules:
- every <testcase> with <failure> or <error> is failed, with <skipped> is skipped, else passed;
- a test executable that meson marked FAIL/ERROR/TIMEOUT/UNEXPECTEDPASS but whose sub-results
  hold no failure (it crashed, timed out, or broke its TAP plan) adds 1 failed;
- a test with no sub-results counts as one case from its meson result.
Exit status: 0 when nothing failed and something passed, 1 otherwise.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET

BAD = {"FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS"}


def project_of(name):
    return name.split(" / ", 1)[0].split(":", 1)[0]


def load_testlog(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                entries.append(json.loads(line))
    return entries


def junit_counts(path, names):
    """Maps each testlog name to [passed, failed, skipped] from the JUnit file."""
    counts = {}
    if not os.path.exists(path):
        return counts
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        sname = suite.get("name", "")
        cases = suite.findall("testcase")
        for name in names:
            prefix = project_of(name) + "." + name
            if sname == prefix or sname.startswith(prefix + "."):
                target = [c for c in cases]
                break
        else:
            # the project's suite of plain tests: testcase name = test name
            target = None
            for case in cases:
                if case.get("name") in names:
                    _tally(counts.setdefault(case.get("name"), [0, 0, 0]), case)
            continue
        bucket = counts.setdefault(name, [0, 0, 0])
        for case in target:
            _tally(bucket, case)
    return counts


def _tally(bucket, case):
    tags = {child.tag for child in case}
    if tags & {"failure", "error"}:
        bucket[1] += 1
    elif "skipped" in tags:
        bucket[2] += 1
    else:
        bucket[0] += 1


def summarize(build_dir):
    logs = os.path.join(build_dir, "meson-logs")
    json_path = os.path.join(logs, "testlog.json")
    if not os.path.exists(json_path):
        print("summarize: %s not found (did meson test run?)" % json_path)
        return 0, 1, 0, []
    entries = load_testlog(json_path)
    names = [e["name"] for e in entries]
    # longest names first so that "a / x" never claims the suites of "a / xy"
    counts = junit_counts(os.path.join(logs, "testlog.junit.xml"),
                          sorted(set(names), key=len, reverse=True))
    passed = failed = skipped = 0
    lines = []
    for entry in entries:
        name, result = entry["name"], entry.get("result", "ERROR")
        p, f, s = counts.get(name, (0, 0, 0))
        if p + f + s == 0:
            if result in ("OK", "EXPECTEDFAIL"):
                p = 1
            elif result == "SKIP":
                s = 1
            else:
                f = 1
        elif result in BAD and f == 0:
            f = 1
        passed, failed, skipped = passed + p, failed + f, skipped + s
        lines.append("%-55s %-8s %4d passed %3d failed %3d skipped" % (name, result, p, f, s))
    return passed, failed, skipped, lines


def main(argv):
    build_dir = argv[1] if len(argv) > 1 else "build"
    passed, failed, skipped, lines = summarize(build_dir)
    for line in lines:
        print(line)
    if skipped:
        print("(%d skipped)" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
