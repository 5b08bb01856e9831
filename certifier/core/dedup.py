"""When two findings are one problem, and code keys that survive line moves.

Two findings are the same problem when they share an identity key:
  (a) the same claim about the same place: check, path, line, column, connect.yaml path, rule and key (so
      one file reported once per app whose folder holds it is one problem);
  (b) the same secret in the same file (properties `secret_sha1`), whichever tool or check found it;
  (c) the same weakness on the same line (a CWE in properties `cwe`, e.g. `console.log(process.env)` under
      a logging rule and an environment-dump rule; hard-coded passwords are hard-coded credentials, and a
      secret finding is one too), whichever tool, rule or check reported it.
A finding without a file says nothing about a place and is never merged. "Same" is transitive: A~B and
B~C put A, B and C in one group (`groups`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from certifier.core.model import Finding

CODE_KEY_VERSION = "code/v1"
HARDCODED_CREDENTIALS = "CWE-798"
_CWE = re.compile(r"(?i)^\s*(?:cwe\s*[-_:]?\s*)?(\d{1,6})\b")
# narrower CWEs that name the same weakness as a broader one a secret scanner reports
_SAME_WEAKNESS = {"CWE-259": HARDCODED_CREDENTIALS, "CWE-321": HARDCODED_CREDENTIALS}


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


# --- identity ---------------------------------------------------------------------------------------

def _strings(value: Any) -> list[str]:
    """A property that may be one string or a list of them, as a list of non-empty strings."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def cwe_ids(finding: Finding) -> set[str]:
    """CWE ids of a finding as 'CWE-<n>' (accepts 'CWE-79', 'cwe_79', '79', 'CWE-79: Improper ...'); a
    finding about a secret value names hard-coded credentials."""
    found = set()
    for text in _strings(finding.properties.get("cwe")):
        match = _CWE.match(text)
        if match:
            cwe = f"CWE-{int(match.group(1))}"
            found.add(_SAME_WEAKNESS.get(cwe, cwe))
    if _strings(finding.properties.get("secret_sha1")):
        found.add(HARDCODED_CREDENTIALS)
    return found


def identity_keys(finding: Finding, check_id: str) -> list[tuple]:
    """The keys under which `finding` (of check `check_id`) is the same problem as another finding."""
    loc = finding.location
    if loc is None or not loc.path:
        return []
    keys: list[tuple] = [("same", check_id, loc.path, loc.line, loc.column, finding.manifest_path, finding.rule,
                          finding.key if finding.key is not None else finding.message)]
    keys += [("secret", loc.path, sha1) for sha1 in _strings(finding.properties.get("secret_sha1"))]
    if loc.line is not None:
        keys += [("cwe", loc.path, loc.line, cwe) for cwe in sorted(cwe_ids(finding))]
    return keys


def groups(keys: Sequence[list[tuple]]) -> list[list[int]]:
    """Indices of items that share a key, directly or through others (items in input order per group)."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple, int] = {}
    for index, item_keys in enumerate(keys):
        for key in item_keys:
            other = first_with.setdefault(key, index)
            parent[root(index)] = root(other)
    grouped: dict[int, list[int]] = {}
    for index in range(len(keys)):
        grouped.setdefault(root(index), []).append(index)
    return list(grouped.values())
