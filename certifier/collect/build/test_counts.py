"""Pass/fail/skip counts and line coverage from a test run's output, for the runners connectors use:
node:test (TAP and spec reporters), Jest, Vitest, Mocha and Maven Surefire. Counts of several runs in
one script (e.g. unit then integration) are added up."""

from __future__ import annotations

import re

from certifier.collect.build.model import TestCounts

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NODE = re.compile(r"^\s*(?:#|ℹ)\s*(tests|pass|fail|skipped|todo|cancelled)\s+(\d+)\s*$", re.M)
JEST = re.compile(r"^\s*Tests:\s+(.*\d+ total)\s*$", re.M)
VITEST = re.compile(r"^\s*Tests\s+(.*?)\((\d+)\)\s*$", re.M)
MOCHA = re.compile(r"^\s*(\d+) (passing|failing|pending)\b", re.M)
SUREFIRE = re.compile(r"^\[?\w*\]?\s*Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$", re.M)
COVERAGE_ROW = re.compile(r"^\s*(?:#\s*)?all files\s*\|(.*)$", re.M | re.I)
COVERAGE_HEADER = re.compile(r"^\s*(?:#\s*)?file\s*\|(.*)$", re.M | re.I)


def parse_counts(text: str) -> TestCounts | None:
    """The counts the output reports, or None when no known summary is in it."""
    text = ANSI.sub("", text)
    counts = _node(text) or _jest(text) or _vitest(text) or _mocha(text) or _surefire(text)
    if counts is None:
        return None
    coverage = parse_coverage(text)
    return TestCounts(**{**counts.__dict__, "coverage_lines": coverage}) if coverage is not None else counts


def _node(text: str) -> TestCounts | None:
    found = NODE.findall(text)
    if not any(name == "tests" for name, _ in found):
        return None
    sums: dict[str, int] = {}
    for name, value in found:
        sums[name] = sums.get(name, 0) + int(value)
    failed = sums.get("fail", 0) + sums.get("cancelled", 0)
    skipped = sums.get("skipped", 0) + sums.get("todo", 0)
    return TestCounts("node:test", sums.get("pass", 0), failed, skipped, sums.get("tests", 0))


def _jest(text: str) -> TestCounts | None:
    lines = JEST.findall(text)
    if not lines:
        return None
    sums = _sum_words(", ".join(lines), ",")
    return TestCounts("jest", sums.get("passed", 0), sums.get("failed", 0),
                      sums.get("skipped", 0) + sums.get("todo", 0), sums.get("total", 0))


def _vitest(text: str) -> TestCounts | None:
    lines = VITEST.findall(text)
    if not lines:
        return None
    sums = _sum_words(" | ".join(words for words, _ in lines), "|")
    total = sum(int(total) for _, total in lines)
    return TestCounts("vitest", sums.get("passed", 0), sums.get("failed", 0),
                      sums.get("skipped", 0) + sums.get("todo", 0), total)


def _mocha(text: str) -> TestCounts | None:
    found = MOCHA.findall(text)
    if not any(kind == "passing" for _, kind in found) and not any(kind == "failing" for _, kind in found):
        return None
    sums = {"passing": 0, "failing": 0, "pending": 0}
    for value, kind in found:
        sums[kind] += int(value)
    return TestCounts("mocha", sums["passing"], sums["failing"], sums["pending"], sum(sums.values()))


def _surefire(text: str) -> TestCounts | None:
    # per-class lines end with "Time elapsed"; the summary lines (without it) are what we add up
    found = SUREFIRE.findall(text)
    if not found:
        return None
    run, failures, errors, skipped = (sum(int(row[i]) for row in found) for i in range(4))
    return TestCounts("surefire", run - failures - errors - skipped, failures + errors, skipped, run)


def _sum_words(line: str, separator: str) -> dict[str, int]:
    sums: dict[str, int] = {}
    for part in line.split(separator):
        match = re.match(r"\s*(\d+)\s+(\w+)", part)
        if match:
            sums[match.group(2).lower()] = sums.get(match.group(2).lower(), 0) + int(match.group(1))
    return sums


def parse_coverage(text: str) -> float | None:
    """Line coverage (%) of the last coverage table printed (istanbul/c8/nyc, node --test coverage)."""
    rows = COVERAGE_ROW.findall(text)
    headers = COVERAGE_HEADER.findall(text)
    if not rows:
        return None
    values = [cell.strip() for cell in rows[-1].split("|")]
    names = [cell.strip().lower() for cell in headers[-1].split("|")] if headers else []
    index = next((i for i, name in enumerate(names) if "line" in name), 0)
    try:
        return float(values[index])
    except (IndexError, ValueError):
        return None
