"""Decision profiles: versioned YAML data (rules/profiles/<stage>.yaml) saying which findings block a stage.

The semantics are written in the header of rules/profiles/preview.yaml; `certifier.policy.rules`
resolves them over the `extends` chain and `certifier.policy.decide.decide` applies them.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from certifier.collect.advisories.licenses import classify, is_known_license
from certifier.core.model import Confidence, Severity, Stage
from certifier.core.decision import Verdict
from certifier.core.paths import rules_dir
from certifier.policy.confidence import confidence_problems
from certifier.policy.files import PolicyFileError, display_name, read_yaml, validate

STAGE_ORDER = ("preview", "publish", "certification")


class ProfileError(PolicyFileError):
    """A profile is missing, invalid, or its `extends` chain is broken (exit 2)."""


class BlockAt(str, enum.Enum):
    """The lowest finding severity that blocks: `error`, `warning` (warnings and errors), or `never`."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    @property
    def strictness(self) -> int:
        return {BlockAt.NEVER: 0, BlockAt.ERROR: 1, BlockAt.WARNING: 2}[self]

    def blocks(self, severity: Severity) -> bool:
        if self is BlockAt.NEVER:
            return False
        return severity.at_least(Severity.ERROR if self is BlockAt.ERROR else Severity.WARNING)


@dataclass(frozen=True)
class Matcher:
    """Which findings a rule is about: check id glob, optional finding-rule glob, optional app types."""

    check: str
    rule: str | None = None
    app_types: frozenset[str] | None = None

    def matches_check(self, check_id: str, app_type: str | None) -> bool:
        # a rule restricted to app types never matches a result whose app type is unknown
        if self.app_types is not None and app_type not in self.app_types:
            return False
        return fnmatchcase(check_id, self.check)

    def matches(self, check_id: str, finding_rule: str | None, app_type: str | None) -> bool:
        if not self.matches_check(check_id, app_type):
            return False
        return self.rule is None or fnmatchcase(finding_rule or "", self.rule)


@dataclass(frozen=True)
class GateRule:
    id: str
    matcher: Matcher
    block_at: BlockAt
    note: str = ""
    min_confidence: Confidence | None = None  # blocks from this confidence on (the profile's bar otherwise)


@dataclass(frozen=True)
class ReviewRule:
    id: str
    matcher: Matcher
    min_severity: Severity = Severity.WARNING
    note: str = ""


@dataclass(frozen=True)
class Verdicts:
    positive: Verdict
    negative: Verdict
    review: Verdict | None = None


@dataclass(frozen=True)
class Profile:
    id: str
    version: str
    stage: str
    description: str
    verdicts: Verdicts
    rules: tuple[GateRule, ...]
    review: tuple[ReviewRule, ...]
    review_flagged_findings: bool
    unlisted_block_at: BlockAt
    requires_stages: frozenset[Stage]
    source: str
    sha256: str
    parent: Profile | None = None
    license_allow: tuple[str, ...] | None = None  # None: this file sets no allow list
    license_deny: tuple[str, ...] = ()
    confidence_block: Confidence | None = None  # the lowest confidence that blocks (None: this file sets none)
    confidence_review: Confidence | None = None  # the lowest confidence a reviewer is asked about

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def chain(self) -> tuple[Profile, ...]:
        """This profile first, then what it extends, up to the root."""
        return (self,) + (self.parent.chain() if self.parent else ())

    def digest(self) -> str:
        """SHA-256 over the files of the whole chain: names exactly the policy that decided."""
        return hashlib.sha256("".join(p.sha256 for p in self.chain()).encode()).hexdigest()


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in (rules_dir() / "profiles").glob("*.yaml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by name ('publish') or a reviewer's profile file by path."""
    return _load(_locate(name_or_path, base=None), stack=())


def _locate(ref: str | Path, base: Path | None) -> Path:
    text = str(ref)
    if isinstance(ref, Path) or "/" in text or text.endswith((".yaml", ".yml")):
        path = Path(text)
        return path if path.is_absolute() or base is None else base / path
    path = rules_dir() / "profiles" / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(builtin_profiles()) or "none"
        raise ProfileError(text, [f"unknown profile (built-in profiles: {known})"])
    return path


def _load(path: Path, stack: tuple[Path, ...]) -> Profile:
    resolved = path.resolve()
    display = display_name(path)
    if resolved in stack:
        cycle = " -> ".join(display_name(p) for p in (*stack, resolved))
        raise ProfileError(display, [f"extends: cycle {cycle}"])
    data = read_yaml(path, ProfileError)
    validate(data, "profile.schema.json", display, ProfileError)
    parent = None
    if "extends" in data:
        parent = _load(_locate(data["extends"], base=path.parent), (*stack, resolved))
    profile = _build(data, display, _file_sha256(path), parent)
    _check_semantics(profile)
    return profile


def _build(data: dict[str, Any], display: str, sha256: str, parent: Profile | None) -> Profile:
    verdicts = data["verdicts"]
    return Profile(
        id=data["id"],
        version=data["version"],
        stage=data["stage"],
        description=data["description"].strip(),
        verdicts=Verdicts(
            positive=Verdict(verdicts["positive"]),
            negative=Verdict(verdicts["negative"]),
            review=Verdict(verdicts["review"]) if "review" in verdicts else None,
        ),
        rules=tuple(
            GateRule(r["id"], _matcher(r), BlockAt(r["block_at"]), r.get("note", ""), _confidence(r, "min_confidence"))
            for r in data["rules"]
        ),
        review=tuple(
            ReviewRule(r["id"], _matcher(r), Severity(r.get("min_severity", "warning")), r.get("note", ""))
            for r in data.get("review", [])
        ),
        review_flagged_findings=data.get("review_flagged_findings", False),
        unlisted_block_at=BlockAt(data.get("unlisted_block_at", "error")),
        requires_stages=frozenset(Stage(s) for s in data.get("requires_stages", [])),
        source=display,
        sha256=sha256,
        parent=parent,
        license_allow=tuple(data["licenses"]["allow"]) if "allow" in data.get("licenses", {}) else None,
        license_deny=tuple(data.get("licenses", {}).get("deny", ())),
        confidence_block=_confidence(data.get("confidence", {}), "block"),
        confidence_review=_confidence(data.get("confidence", {}), "review"),
    )


def _confidence(data: dict[str, Any], key: str) -> Confidence | None:
    return Confidence(data[key]) if key in data else None


def _matcher(rule: dict[str, Any]) -> Matcher:
    types = rule.get("app_types")
    return Matcher(rule["check"], rule.get("rule"), frozenset(types) if types else None)


def _check_semantics(profile: Profile) -> None:
    """What the schema cannot say: unique rule ids, stage order along `extends`, a review label."""
    problems = []
    seen: dict[str, str] = {}
    for field, entries in (("rules", profile.rules), ("review", profile.review)):
        for index, entry in enumerate(entries):
            where = f"{field}[{index}].id"
            if entry.id in seen:
                problems.append(f"{where}: duplicate rule id {entry.id!r} (also {seen[entry.id]})")
            seen.setdefault(entry.id, where)
    parent = profile.parent
    if parent and STAGE_ORDER.index(parent.stage) > STAGE_ORDER.index(profile.stage):
        problems.append(
            f"extends: a {profile.stage} profile cannot extend {parent.source} ({parent.stage}): "
            "a later stage includes the earlier ones, not the other way round"
        )
    problems.extend(_license_problems(profile))
    problems.extend(confidence_problems(profile))
    needs_review = any(p.review or p.review_flagged_findings or p.confidence_review for p in profile.chain())
    if needs_review and profile.verdicts.review is None:
        problems.append("verdicts.review: required because the profile (or what it extends) has review rules")
    if problems:
        raise ProfileError(profile.source, problems)


def _license_problems(profile: Profile) -> list[str]:
    """Licence ids the SPDX index does not know (a typo would silently allow or deny nothing), and denied
    permissive ids (deps.license reports no permissive licence, so denying one would deny nothing)."""
    problems = []
    for field, ids in (("allow", profile.license_allow or ()), ("deny", profile.license_deny)):
        for index, spdx in enumerate(ids):
            if not is_known_license(spdx):
                problems.append(f"licenses.{field}[{index}]: {spdx!r} is not an SPDX licence id "
                                "(see https://spdx.org/licenses/; use LicenseRef-<name> for others)")
            elif field == "deny" and classify(spdx).category == "permissive":
                problems.append(f"licenses.deny[{index}]: {spdx!r} is a permissive licence "
                                "(rules/licenses.yaml): deps.license does not report those, so it cannot be denied")
    return problems


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
