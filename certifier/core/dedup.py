"""One finding per real problem: findings of ONE check reported by several tools are merged, and code
findings get keys that survive line moves.

Two findings are the same problem when
  (a) they name the same advisory (rule id or an alias such as CVE-/GHSA-ids, compared without case)
      for the same package@version in the same lockfile
      (properties: `package`, `version`, `aliases`; lockfile = properties `lockfile` or location path), or
  (b) they are on the same path and line and share a CWE (properties `cwe`: "CWE-79", "79" or a list)
      or a rule family (properties `family`, else the last segment of the rule id, so
      `rules.semgrep.no-eval` and `no-eval` are one family), or
  (c) they are identical (location, connect.yaml path, rule and key/message).
"Same" is transitive: A~B and B~C put A, B and C in one group. Of a group the most severe finding is
kept (ties broken by tool, rule, message, so input order never matters); it carries the union of
`tools` (every tool that reported it), `aliases` and `cwe`, and needs review if any member did.

Only small, known keys are merged; everything else in properties is the kept finding's own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from certifier.core.model import Finding

CODE_KEY_VERSION = "code/v1"
_CWE = re.compile(r"(?i)^\s*(?:cwe\s*[-_:]?\s*)?(\d{1,6})\b")
_RULE_SEGMENTS = re.compile(r"[./:\\]+")


# --- keys that survive line moves ------------------------------------------------------------------

def normalised_code(snippet: str) -> str:
    """The code text with every run of whitespace (including line breaks) collapsed to one space."""
    return " ".join(snippet.split())


def code_key(rule: str, path: str, snippet: str, *, occurrence: int = 0) -> str:
    """A stable identity of a code finding: rule, file and normalised code text, no line number.

    Set it as `Finding.key` so the fingerprint survives the code moving within its file and
    re-indentation, and changes when the flagged code changes. `occurrence` (0, 1, ...) tells apart
    the same code flagged twice in one file; callers count it in file order.
    """
    parts = [CODE_KEY_VERSION, rule, path, normalised_code(snippet)]
    if occurrence:
        parts.append(str(occurrence))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{CODE_KEY_VERSION}:{digest[:32]}"


# --- reading the properties tools fill in ------------------------------------------------------------

def _strings(value: Any) -> list[str]:
    """A property that may be one string or a list of them, as a list of non-empty strings."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def cwe_ids(finding: Finding) -> set[str]:
    """CWE ids of a finding as 'CWE-<n>' (accepts 'CWE-79', 'cwe_79', '79', 'CWE-79: Improper ...')."""
    found = set()
    for text in _strings(finding.properties.get("cwe")):
        match = _CWE.match(text)
        if match:
            found.add(f"CWE-{int(match.group(1))}")
    return found


def rule_family(finding: Finding) -> str | None:
    """The rule's family: properties `family`, else the last segment of its id, lower-case."""
    family = finding.properties.get("family")
    if isinstance(family, str) and family.strip():
        return family.strip().lower()
    if not finding.rule:
        return None
    segments = [s for s in _RULE_SEGMENTS.split(finding.rule.strip().lower()) if s]
    return segments[-1] if segments else None


def advisory_ids(finding: Finding) -> set[str]:
    """The advisory ids a finding names (its rule id and aliases), upper-cased for comparison."""
    ids = _strings(finding.properties.get("aliases")) + ([finding.rule] if finding.rule else [])
    return {i.strip().upper() for i in ids}


def _package(finding: Finding) -> tuple[str, str, str] | None:
    name, version = finding.properties.get("package"), finding.properties.get("version")
    if not isinstance(name, str) or not name:
        return None
    lockfile = finding.properties.get("lockfile")
    if not isinstance(lockfile, str):
        lockfile = finding.location.path if finding.location else ""
    return lockfile, name, version if isinstance(version, str) else ""


def _identity_keys(finding: Finding) -> list[tuple]:
    loc = finding.location
    keys: list[tuple] = [(
        "same", loc.path if loc else None, loc.line if loc else None, loc.column if loc else None,
        finding.manifest_path, finding.rule, finding.key if finding.key is not None else finding.message,
    )]
    package = _package(finding)
    if package:
        keys += [("advisory", *package, advisory) for advisory in advisory_ids(finding)]
    if loc is not None and loc.line is not None:
        keys += [("cwe", loc.path, loc.line, cwe) for cwe in cwe_ids(finding)]
        family = rule_family(finding)
        if family:
            keys.append(("family", loc.path, loc.line, family))
    return keys


# --- grouping and merging ---------------------------------------------------------------------------

def _groups(findings: list[Finding]) -> list[list[Finding]]:
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple, int] = {}
    for index, finding in enumerate(findings):
        for key in _identity_keys(finding):
            other = first_with.setdefault(key, index)
            parent[root(index)] = root(other)
    groups: dict[int, list[Finding]] = {}
    for index, finding in enumerate(findings):
        groups.setdefault(root(index), []).append(finding)
    return list(groups.values())


def _rank(finding: Finding) -> tuple:
    """Most severe first; the rest only makes the choice independent of input order."""
    loc = finding.location
    return (-finding.severity.rank, finding.tool, finding.rule or "", finding.message,
            loc.path if loc else "", (loc.line or 0) if loc else 0, (loc.column or 0) if loc else 0,
            finding.manifest_path or "", finding.key or "", finding.fingerprint)


def _union_case_insensitive(values: Iterable[str]) -> list[str]:
    chosen: dict[str, str] = {}
    for value in sorted(v.strip() for v in values):
        chosen.setdefault(value.upper(), value)
    return sorted(chosen.values())


def _merged(group: list[Finding]) -> Finding:
    group = sorted(group, key=_rank)
    kept = group[0]
    properties = dict(kept.properties)
    properties["tools"] = sorted({f.tool for f in group} | {t for f in group for t in _strings(f.properties.get("tools"))})
    aliases = [a for f in group for a in _strings(f.properties.get("aliases"))]
    if _package(kept):  # for advisories the other tools' rule ids are aliases too
        aliases += [f.rule for f in group[1:] if f.rule]
    aliases = [a for a in _union_case_insensitive(aliases) if a.upper() != (kept.rule or "").upper()]
    if aliases:
        properties["aliases"] = aliases
    cwes = sorted({c for f in group for c in cwe_ids(f)}, key=lambda c: int(c[4:]))
    if cwes:
        properties["cwe"] = cwes
    if len(group) > 1:
        properties["merged_rules"] = sorted({f"{f.tool}:{f.rule or '-'}" for f in group})
    return kept.model_copy(update={"properties": properties, "needs_review": any(f.needs_review for f in group)})


def _order(finding: Finding) -> tuple:
    loc = finding.location
    return (loc.path if loc else "", (loc.line or 0) if loc else 0, (loc.column or 0) if loc else 0,
            finding.manifest_path or "", *_rank(finding))


def dedupe(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings of ONE check, each real problem once (see the module doc), in location order.

    Every finding returned has `properties['tools']`: the sorted tools that reported it.
    """
    merged = [_merged(group) for group in _groups(list(findings))]
    return tuple(sorted(merged, key=_order))
