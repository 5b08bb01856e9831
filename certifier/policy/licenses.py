"""A profile's licence lists applied to the licence facts deps.license reports (pure).

deps.license reports every licence that is not permissive, with the declared expression in its
findings' properties (`license`, or `licenses` for an aggregate over several packages). Here the profile
chain's lists judge them: deny lists add up along `extends`, the nearest allow list counts, and without
either the defaults of rules/licenses.yaml apply. An expression is evaluated with the lists (licence
choice "A OR B" avoids a denied option), so a stored report re-decided under another profile applies
that profile's lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from certifier.collect.advisories.licenses import Policy as LicensePolicy
from certifier.collect.advisories.licenses import classify
from certifier.core.model import Finding
from certifier.policy.profiles import Profile

LICENSE_CHECK = "deps.license"
MAX_NAMED = 5  # packages a verdict's reason names


@dataclass(frozen=True)
class LicenseLists:
    """The chain's lists, and which profile set each entry (for the verdict's rule)."""

    allow: tuple[str, ...] | None  # None: no profile of the chain sets one
    allow_from: str
    deny_from: dict[str, str]  # SPDX id -> id of the nearest profile that denies it

    def policy(self) -> LicensePolicy:
        return LicensePolicy.from_lists(self.allow, sorted(self.deny_from) if self.deny_from else None)


@dataclass(frozen=True)
class LicenseRuling:
    denied: bool  # False: the allow list accepts every licence of the finding
    rule: str
    reason: str


def license_lists(profile: Profile) -> LicenseLists:
    chain = profile.chain()
    nearest = next((p for p in chain if p.license_allow is not None), None)
    deny: dict[str, str] = {}
    for member in chain:  # child first: the nearest profile that denies an id names the rule
        for spdx in member.license_deny:
            deny.setdefault(spdx, member.id)
    return LicenseLists(allow=nearest.license_allow if nearest else None, allow_from=nearest.id if nearest else "",
                        deny_from=deny)


def license_ruling(profile: Profile, check_id: str, finding: Finding) -> LicenseRuling | None:
    """What the profile's lists say about a licence finding; None when they say nothing (or it is no
    licence finding), and the profile's ordinary rules decide."""
    declared = _declared(finding) if check_id == LICENSE_CHECK else []
    if not declared:
        return None
    lists = license_lists(profile)
    policy = lists.policy()
    judged = [(package, classify(text, policy)) for package, text in declared]
    denied = [(package, verdict.denied) for package, verdict in judged if verdict.is_denied]
    if denied:
        first = denied[0][1][0]
        named = ", ".join(f"{package} ({' AND '.join(ids)})" for package, ids in denied[:MAX_NAMED])
        more = f" +{len(denied) - MAX_NAMED} more" if len(denied) > MAX_NAMED else ""
        owner = lists.deny_from.get(first, profile.id)
        return LicenseRuling(True, f"{owner}:licenses.deny", f"denied by the licence list: {named}{more}")
    if lists.allow and all(verdict.category == "permissive" for _, verdict in judged):
        return LicenseRuling(False, f"{lists.allow_from}:licenses.allow", "every licence is on the allow list")
    return None


def _declared(finding: Finding) -> list[tuple[str, str]]:
    """(package, licence expression) pairs a licence finding reports; expressions only, never guesses."""
    props = finding.properties
    if isinstance(props.get("license"), str) and props.get("category"):
        return [(f"{props.get('package')}@{props.get('version')}", props["license"])]
    members: Any = props.get("licenses")
    if not isinstance(members, list):
        return []
    return [(str(m.get("package")), m["license"]) for m in members
            if isinstance(m, dict) and isinstance(m.get("license"), str)]
