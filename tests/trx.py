#!/usr/bin/env python3
"""Reads the TRX files test.sh writes.

  trx.py failed DIR             the failed tests' methods (Namespace.Class.Method), one per line, for a re-run
  trx.py summary DIR RERUN_DIR STATUS
                                every failure with its message, the tests that failed and then passed on their
                                re-run (named: a flaky test is a bug to fix, not to hide), and last the line
                                "N passed, N failed[, N skipped]"
"""
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
FAILED = {"Failed", "Error", "Timeout", "Aborted"}


def results(folder):
    """(test name, method, outcome, message) per result, and the summed counters, of every TRX in the folder."""
    rows, counts, files = [], {"passed": 0, "failed": 0, "skipped": 0}, sorted(glob.glob(f"{folder}/*.trx"))
    for path in files:
        root = ET.parse(path).getroot()
        methods = {}
        for test in root.iterfind("t:TestDefinitions/t:UnitTest", NS):
            method = test.find("t:TestMethod", NS)
            methods[test.get("id")] = f"{method.get('className')}.{method.get('name')}"
        for result in root.iterfind("t:Results/t:UnitTestResult", NS):
            message = result.find("t:Output/t:ErrorInfo/t:Message", NS)
            rows.append((result.get("testName"), methods.get(result.get("testId"), result.get("testName")),
                         result.get("outcome"), "" if message is None else (message.text or "")))
        c = root.find("t:ResultSummary/t:Counters", NS)
        # xunit's skipped tests count as not executed: total - executed.
        counts["skipped"] += max(int(c.get("notExecuted", 0)), int(c.get("total", 0)) - int(c.get("executed", 0)))
    counts["passed"] = sum(1 for row in rows if row[2] == "Passed")
    counts["failed"] = sum(1 for row in rows if row[2] in FAILED)
    return rows, counts, files


def failed_methods(folder):
    rows, _, _ = results(folder)
    return sorted({method for _, method, outcome, _ in rows if outcome in FAILED})


def first_lines(text, n=6):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n      ".join(lines[:n]) + ("\n      ..." if len(lines) > n else "")


def summary(folder, rerun_folder, status):
    rows, counts, files = results(folder)
    rerun_rows, _, _ = results(rerun_folder)
    failures = [(name, method, message) for name, method, outcome, message in rows if outcome in FAILED]
    rerun_failed = {method for _, method, outcome, _ in rerun_rows if outcome in FAILED}
    rerun_passed = {method for _, method, outcome, _ in rerun_rows if outcome == "Passed"}

    passed, failed, skipped = counts["passed"], counts["failed"], counts["skipped"]
    flaky = []
    for name, method, message in failures:
        # A failure counts as flaky only when its method ran again and passed every time it ran.
        if method in rerun_passed and method not in rerun_failed:
            flaky.append((name, message))
            failed -= 1
            passed += 1
    hard = [(name, message) for name, method, message in failures if (name, message) not in flaky]

    if flaky:
        print(f"test.sh: {len(flaky)} test(s) failed and then passed when run again (flaky: fix them):")
        for name, message in flaky:
            print(f"  FLAKY {name}\n      {first_lines(message)}")
    if hard:
        print(f"test.sh: {len(hard)} test(s) failed:")
        for name, message in hard:
            print(f"  FAILED {name}\n      {first_lines(message)}")
    if not files:
        print("test.sh: no test results were written", file=sys.stderr)
        failed += 1
    # A run can fail without a failed test (a class fixture's clean-up threw): count it, so the summary never
    # says "0 failed" for a run that failed.
    if status != 0 and failed == 0 and not flaky:
        print("test.sh: a test run failed outside any test (see 'Test Class Cleanup Failure' or similar above)")
        failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "failed":
        for method in failed_methods(sys.argv[2]):
            print(method)
    elif sys.argv[1] == "summary":
        sys.exit(summary(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    else:
        sys.exit(f"trx.py: unknown command {sys.argv[1]!r}; use 'failed' or 'summary'")
