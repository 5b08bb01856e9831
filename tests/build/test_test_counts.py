"""Test counts and coverage read from the output of the test runners connectors use."""

from __future__ import annotations

from certifier.collect.build.test_counts import parse_counts, parse_coverage

NODE_TAP = """TAP version 13
ok 1 - a
not ok 2 - b
1..2
# tests 5
# suites 1
# pass 3
# fail 1
# cancelled 0
# skipped 1
# todo 0
# duration_ms 12.5
"""
NODE_SPEC = "\u2139 tests 4\n\u2139 suites 0\n\u2139 pass 4\n\u2139 fail 0\n\u2139 cancelled 0\n\u2139 skipped 0\n\u2139 todo 0\n"
JEST = """PASS src/a.test.ts
FAIL src/b.test.ts
Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 2 skipped, 10 passed, 13 total
Snapshots:   0 total
----------|---------|----------|---------|---------|-------------------
File      | % Stmts | % Branch | % Funcs | % Lines | Uncovered Line #s
----------|---------|----------|---------|---------|-------------------
All files |   85.71 |       50 |     100 |   83.33 |
"""
VITEST = """ \x1b[32m\u2713\x1b[39m src/a.test.ts (3 tests) 5ms
 Test Files  1 passed (1)
      Tests  1 failed | 3 passed | 1 skipped (5)
"""
MOCHA = "\n  12 passing (45ms)\n  1 pending\n  2 failing\n"
SUREFIRE = """[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.05 s - in com.example.ATest
[INFO] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.01 s - in com.example.BTest
[INFO] Results:
[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0
"""
NODE_COVERAGE = """# start of coverage report
# --------------------------------------------------------------
# file          | line % | branch % | funcs % | uncovered lines
# --------------------------------------------------------------
# src/index.js  |  90.00 |    75.00 |  100.00 | 3-4
# --------------------------------------------------------------
# all files     |  92.31 |    75.00 |  100.00 |
# --------------------------------------------------------------
# end of coverage report
"""


def test_node_tap_summary():
    counts = parse_counts(NODE_TAP)
    assert (counts.framework, counts.passed, counts.failed, counts.skipped, counts.total) == ("node:test", 3, 1, 1, 5)


def test_node_spec_reporter_summary():
    counts = parse_counts(NODE_SPEC)
    assert (counts.passed, counts.failed, counts.total) == (4, 0, 4)


def test_two_node_runs_in_one_script_add_up():
    counts = parse_counts(NODE_TAP + NODE_TAP)
    assert (counts.passed, counts.failed, counts.total) == (6, 2, 10)


def test_jest_summary_and_istanbul_line_coverage():
    counts = parse_counts(JEST)
    assert (counts.framework, counts.passed, counts.failed, counts.skipped, counts.total) == ("jest", 10, 1, 2, 13)
    assert counts.coverage_lines == 83.33


def test_vitest_summary_with_colours():
    counts = parse_counts(VITEST)
    assert (counts.framework, counts.passed, counts.failed, counts.skipped, counts.total) == ("vitest", 3, 1, 1, 5)


def test_mocha_summary():
    counts = parse_counts(MOCHA)
    assert (counts.framework, counts.passed, counts.failed, counts.skipped, counts.total) == ("mocha", 12, 2, 1, 15)


def test_surefire_uses_the_summary_lines_only():
    counts = parse_counts(SUREFIRE)
    assert (counts.framework, counts.passed, counts.failed, counts.total) == ("surefire", 4, 1, 5)


def test_node_test_coverage_table():
    assert parse_coverage(NODE_COVERAGE) == 92.31
    assert parse_counts(NODE_TAP + NODE_COVERAGE).coverage_lines == 92.31


def test_unknown_output_has_no_counts():
    assert parse_counts("All good!\nDone in 2s\n") is None
    assert parse_coverage("no table here") is None


def test_zero_tests_is_reported_as_zero_not_unknown():
    counts = parse_counts("# tests 0\n# pass 0\n# fail 0\n")
    assert counts is not None and counts.total == 0
