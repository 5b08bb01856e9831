"""Licence classification: SPDX expressions -> permissive | weak-copyleft | strong-copyleft | proprietary |
unknown, with the lists of rules/licenses.yaml and a profile's allow/deny lists.

"A OR B" lets the user choose: the most permissive option counts. "A AND B" binds to both: the most
restrictive counts. Expressions are parsed by license-expression (the SPDX licence index it ships).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from license_expression import ExpressionError, LicenseSymbol, LicenseWithExceptionSymbol, get_spdx_licensing

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

RULES_FILE = "licenses.yaml"
RANK = {"permissive": 0, "weak-copyleft": 1, "strong-copyleft": 2, "proprietary": 3, "unknown": 4}
_LOCK = threading.Lock()
_RULES: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Classification:
    category: str
    ids: tuple[str, ...]  # the SPDX ids the expression names (after alias resolution)
    denied: tuple[str, ...] = ()  # denied ids the package cannot avoid
    text: str | None = None

    @property
    def is_denied(self) -> bool:
        return bool(self.denied)


@dataclass(frozen=True)
class Policy:
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()

    @classmethod
    def from_lists(cls, allow: Iterable[str] | None = None, deny: Iterable[str] | None = None) -> "Policy":
        rules = license_rules()
        return cls(frozenset(rules.get("allow") or () if allow is None else allow),
                   frozenset(rules.get("deny") or () if deny is None else deny))


def license_rules() -> dict[str, Any]:
    path = rules_dir() / RULES_FILE
    with _LOCK:
        if str(path) not in _RULES:
            data = load_data(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != 1:
                raise RuntimeError(f"{path} must be a mapping with version: 1")
            _RULES[str(path)] = data
        return _RULES[str(path)]


_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _licensing():
    return get_spdx_licensing()


def classify(text: str | None, policy: Policy = Policy()) -> Classification:
    if text is None or not text.strip():
        return Classification("unknown", (), (), text)
    tree = _parse(text.strip())
    if tree is None:
        return Classification("unknown", (), (), text)
    category, denied, ids = _evaluate(tree, policy)
    return Classification(category, tuple(sorted(ids)), tuple(sorted(denied)), text)


def is_known_license(spdx: str) -> bool:
    """True for an id of the SPDX licence index (exact spelling), of rules/licenses.yaml, or a LicenseRef-."""
    if spdx.startswith("LicenseRef-"):
        return True
    listed = {i for members in (license_rules().get("categories") or {}).values() for i in members}
    return spdx in listed or spdx in _licensing().known_symbols


def is_expression(text: str) -> bool:
    """True when `text` parses as a licence expression (SPDX syntax, possibly with unknown ids)."""
    return _parse(text.strip()) is not None


@lru_cache(maxsize=4096)
def _parse(text: str):
    rules = license_rules()
    alias = {k.lower(): v for k, v in (rules.get("aliases") or {}).items()}
    stripped = text.strip("() ")
    if stripped.lower() in alias:
        text = alias[stripped.lower()]
    if text.upper().startswith("SEE LICENSE IN") or len(text) > 500:
        return None
    try:
        with _PARSE_LOCK:  # license_expression builds its tokenizer lazily, unsafely across threads
            return _licensing().parse(text, validate=False)
    except (ExpressionError, ValueError, TypeError):
        return None


def _evaluate(node, policy: Policy) -> tuple[str, set[str], set[str]]:
    """(category, unavoidable denied ids, named ids) of one expression node."""
    licensing = _licensing()
    if isinstance(node, LicenseWithExceptionSymbol):
        category, denied, ids = _symbol(node.license_symbol.key, policy)
        exception = (license_rules().get("exceptions") or {}).get(node.exception_symbol.key)
        if exception and not denied and RANK[exception] < RANK[category]:
            category = exception
        return category, denied, ids
    if isinstance(node, LicenseSymbol):
        return _symbol(node.key, policy)
    parts = [_evaluate(arg, policy) for arg in node.args]
    ids = set().union(*(p[2] for p in parts))
    if isinstance(node, licensing.OR):
        best = min(parts, key=lambda p: (bool(p[1]), RANK[p[0]]))  # an option that is not denied, if any
        return best[0], best[1], ids
    worst = max(RANK[p[0]] for p in parts)
    return next(c for c, r in RANK.items() if r == worst), set().union(*(p[1] for p in parts)), ids


def _symbol(key: str, policy: Policy) -> tuple[str, set[str], set[str]]:
    rules = license_rules()
    alias = {k.lower(): v for k, v in (rules.get("aliases") or {}).items()}
    spdx = alias.get(key.lower(), key)
    denied = {spdx} if spdx in policy.deny else set()
    if spdx in policy.allow:
        return "permissive", denied, {spdx}
    for category, members in (rules.get("categories") or {}).items():
        if spdx in members:
            return category, denied, {spdx}
    return "unknown", denied, {spdx}
