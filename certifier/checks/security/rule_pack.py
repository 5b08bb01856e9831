"""rules/semgrep: our semgrep rule pack, validated when loaded.

Every rule must say what it means for a report: its category (secret rules are reported by sec.secrets,
which never shows the value; the others by sec.sast), a CWE and a remediation that becomes the finding's
remediation. Its `confidence` (HIGH/MEDIUM/LOW, MEDIUM when absent) and `confidence_reason` say how sure a
match is; they become the finding's confidence. Messages may not interpolate metavariables: matched code (possibly a secret)
would land in the message.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from certifier.core.data_yaml import load_data
from certifier.core.model import Severity
from certifier.core.paths import rules_dir

PACK_DIR = "semgrep"
SEVERITIES = {"ERROR": Severity.ERROR, "WARNING": Severity.WARNING, "INFO": Severity.INFO}
CATEGORIES = frozenset({"security", "logging", "secret", "configuration"})
CONFIDENCES = frozenset({"HIGH", "MEDIUM", "LOW"})
DEFAULT_CONFIDENCE = "MEDIUM"  # a rule that does not say how sure it is
RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CWE = re.compile(r"^CWE-\d+: \S")
METAVARIABLE = re.compile(r"\$[A-Z_][A-Z0-9_]*")


class RulePackError(ValueError):
    """The rule pack is malformed: a packaging bug, reported as `error` by the checks that need it."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    category: str
    cwe: str
    confidence: str  # HIGH | MEDIUM | LOW
    remediation: str
    message: str
    file: str  # rule file name, for error messages
    confidence_reason: str | None = None

    @property
    def is_secret(self) -> bool:
        return self.category == "secret"


@dataclass(frozen=True)
class RulePack:
    directory: Path
    files: tuple[Path, ...]
    rules: dict[str, Rule]

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)


_LOCK = threading.Lock()
_CACHE: dict[tuple[str, tuple[tuple[str, int], ...]], RulePack] = {}


def load_rule_pack(directory: Path | None = None) -> RulePack:
    """The validated pack in `directory` (default rules/semgrep), cached per directory content."""
    directory = Path(directory or rules_dir() / PACK_DIR)
    files = tuple(sorted(p for p in directory.glob("*.yaml") if p.is_file()))
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns) for p in files))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(directory, files)
        return _CACHE[key]


def _load(directory: Path, files: tuple[Path, ...]) -> RulePack:
    if not files:
        raise RulePackError(f"no rule files (*.yaml) in {directory}")
    rules: dict[str, Rule] = {}
    for file in files:
        for rule in _rules_of(file):
            if rule.id in rules:
                raise RulePackError(f"{file.name}: rule id {rule.id!r} is also defined in {rules[rule.id].file}")
            rules[rule.id] = rule
    return RulePack(directory, files, rules)


def _rules_of(file: Path) -> list[Rule]:
    try:
        data = load_data(file.read_text(encoding="utf-8"))
    except Exception as bad:  # ruamel raises many kinds; all mean the same here
        raise RulePackError(f"{file.name} is not valid YAML: {bad}") from bad
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or not data["rules"]:
        raise RulePackError(f"{file.name} must hold a non-empty `rules` list")
    return [validate_rule(raw, file.name) for raw in data["rules"]]


def validate_rule(raw: object, file: str) -> Rule:
    """One semgrep rule as a Rule, or RulePackError naming what is missing."""
    if not isinstance(raw, dict):
        raise RulePackError(f"{file}: every rule must be a mapping")
    rule_id = raw.get("id")
    where = f"{file}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise RulePackError(f"{where}: id must be lower-case words joined by '-'")
    meta = raw.get("metadata")
    if not isinstance(meta, dict):
        raise RulePackError(f"{where}: metadata (category, cwe, remediation) is required")
    severity = SEVERITIES.get(str(raw.get("severity")))
    message = raw.get("message")
    checks = [
        (severity is not None, f"severity must be one of {sorted(SEVERITIES)}"),
        (meta.get("category") in CATEGORIES, f"metadata.category must be one of {sorted(CATEGORIES)}"),
        (isinstance(meta.get("cwe"), str) and CWE.match(meta["cwe"]), "metadata.cwe must read 'CWE-<n>: <title>'"),
        (meta.get("confidence", DEFAULT_CONFIDENCE) in CONFIDENCES,
         f"metadata.confidence must be one of {sorted(CONFIDENCES)}"),
        (isinstance(meta.get("confidence_reason", ""), str), "metadata.confidence_reason must be text"),
        (isinstance(meta.get("remediation"), str) and len(meta["remediation"].strip()) >= 20,
         "metadata.remediation must say how to fix it"),
        (isinstance(message, str) and message.strip(), "message is required"),
        (not METAVARIABLE.search(message or ""), "message must not interpolate metavariables (they may hold secrets)"),
        (set(raw.get("languages") or []) <= {"javascript", "typescript", "js", "ts"},
         "languages must be javascript/typescript (the pack scans JS/TS files only)"),
    ]
    for ok, problem in checks:
        if not ok:
            raise RulePackError(f"{where}: {problem}")
    reason = " ".join(str(meta.get("confidence_reason") or "").split()) or None
    return Rule(rule_id, severity, meta["category"], meta["cwe"], meta.get("confidence", DEFAULT_CONFIDENCE),
                " ".join(meta["remediation"].split()), " ".join(message.split()), file, reason)
