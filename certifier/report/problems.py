"""What to fix, in the order to fix it: the report's findings grouped by root cause, each with one fix.

Pure functions over a sealed Report, shared by the HTML report, the Markdown summary and the terminal so
that they name the same problems. Nothing here decides: a problem's status is the heaviest verdict the
decision sealed for its findings (Decision.findings). The checks already give one finding per problem seen
by several tools or apps (checks/merge.py, `also_at`, `seen_by`); here what is still one root cause across
checks is put together:

- the advisories of one package version (in any app or lockfile): one problem, one upgrade;
- the findings about one whole file (no line), e.g. a missing README seen by two checks: one problem;
- every other finding is a problem of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from certifier.core.decision import DecisionKind, FindingStatus
from certifier.core.model import CheckResult, Finding, Location, Outcome, Severity
from certifier.core.report import Provenance, Report
from certifier.report.view import FindingView, all_findings, anchor_for

WAIVER_DAYS = 90  # the suggested expiry of a copied waiver entry, counted from the report's creation
_STATUS_ORDER = {FindingStatus.BLOCKS: 0, FindingStatus.NEEDS_REVIEW: 1, FindingStatus.WAIVED: 2,
                 FindingStatus.ADVISORY: 3}
_HEX_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REPO_PATH = r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+?"
# https://host/owner/repo(.git), ssh://git@host/owner/repo.git, git@host:owner/repo.git (credentials redacted
# or not: the user part is never used)
_HOSTED = re.compile(rf"^(?:https://(?:[^@/\s]+@)?|ssh://git@|git@)(github\.com|gitlab\.com|bitbucket\.org)[/:]"
                     rf"({_REPO_PATH})(?:\.git)?/?$")
_ADVISORY_LINKS = (
    (re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}"), "https://github.com/advisories/{id}"),
    (re.compile(r"CVE-\d{4}-\d{4,7}"), "https://nvd.nist.gov/vuln/detail/{id}"),
    (re.compile(r"[A-Z][A-Z0-9]{1,15}-[A-Za-z0-9][A-Za-z0-9._-]{1,60}"), "https://osv.dev/vulnerability/{id}"),
)


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None  # None: shown as text (an id or place whose page certifier cannot name)


@dataclass(frozen=True)
class Advisory:
    link: Link
    aliases: tuple[Link, ...]
    level: str | None  # e.g. HIGH
    fixed: str | None  # the first version that fixes it


@dataclass(frozen=True)
class Place:
    location: Location
    url: str | None  # the file at the certified commit, when the host is known

    def display(self) -> str:
        return self.location.display()


@dataclass(frozen=True)
class Problem:
    """One root cause: what is wrong, where, the one fix, and how a reviewer would waive it."""

    key: str
    status: FindingStatus | None  # None: a report decided before verdicts were sealed
    severity: Severity
    title: str
    fix: str
    detail: str  # the rest of the main finding's message after its first sentence (the title)
    check_ids: tuple[str, ...]
    apps: tuple[str, ...]
    places: tuple[Place, ...]  # the main place first
    manifest_path: str | None
    snippet: str | None  # already redacted by the check that found it
    tools: tuple[str, ...]
    advisories: tuple[Advisory, ...]
    rules: tuple[str, ...]  # every rule that reported it
    members: tuple[FindingView, ...]
    waiver: str  # YAML list entries for a waiver file, with every full fingerprint
    delta: str | None  # "new" | "unchanged" | "waived" from report.delta, when the run had a baseline

    @property
    def anchor(self) -> str:
        return "p-" + anchor_for(self.key)[2:]

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(view.finding.fingerprint for view in self.members)

    def where(self) -> str:
        """The main place in one line: "src/a.js:3 (+2 more)", "connect.yaml key x.y", or "(no location)"."""
        if self.places:
            more = f" (+{len(self.places) - 1} more)" if len(self.places) > 1 else ""
            return self.places[0].display() + more
        return f"connect.yaml key {self.manifest_path}" if self.manifest_path else "(no location)"

    @property
    def needs_review(self) -> bool:
        return any(view.finding.needs_review for view in self.members)


@dataclass(frozen=True)
class Delta:
    """report.delta (written when the run had --baseline), read defensively: it may be absent."""

    baseline: str  # the tag, else the commit (short), else the report id, else "the baseline"
    counts: Mapping[str, int]
    fingerprints: Mapping[str, tuple[str, ...]]

    def line(self) -> str:
        parts = [f"{self.counts.get(word, 0)} {word}" for word in ("new", "fixed", "unchanged", "waived")
                 if self.counts.get(word, 0) or word in ("new", "fixed")]
        return f"{', '.join(parts)} {'finding' if self.total == 1 else 'findings'} since {self.baseline}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def problems(report: Report, statuses: Iterable[FindingStatus] | None = None) -> list[Problem]:
    """The problems of `report` (only those whose status is in `statuses`, if given), most pressing first:
    by status (blocks, needs review, waived, advisory), then severity, then report order."""
    wanted = set(statuses) if statuses is not None else None
    verdicts = report.decision.verdicts()
    links = SourceLinks.of(report.provenance)
    delta = delta_of(report)
    groups: dict[str, list[FindingView]] = {}
    for result, finding in all_findings(report):
        verdict = verdicts.get(finding.fingerprint)
        view = FindingView(finding, result, anchor_for(finding.fingerprint) if finding.fingerprint else None, verdict)
        groups.setdefault(_root_cause(result, finding), []).append(view)
    built = [_problem(key, members, report, links, delta) for key, members in groups.items()]
    chosen = [p for p in built if wanted is None or p.status in wanted]
    order = {key: n for n, key in enumerate(groups)}
    return sorted(chosen, key=lambda p: (_STATUS_ORDER.get(p.status, 4) if p.status else 4, -p.severity.rank,
                                         order[p.key]))


def blocking(report: Report) -> list[Problem]:
    return problems(report, [FindingStatus.BLOCKS])


@dataclass(frozen=True)
class Sections:
    """The problems as every rendering lists them, each list in `problems` order."""

    fix: list[Problem]  # the decision blocks on them
    review: list[Problem]  # a reviewer decides
    warnings: list[Problem]  # advisory (or undecided), Info left out
    waived: list[Problem]


def sections(every: list[Problem]) -> Sections:
    return Sections(
        fix=[p for p in every if p.status is FindingStatus.BLOCKS],
        review=[p for p in every if p.status is FindingStatus.NEEDS_REVIEW],
        warnings=[p for p in every if p.status in (FindingStatus.ADVISORY, None) and p.severity is not Severity.INFO],
        waived=[p for p in every if p.status is FindingStatus.WAIVED],
    )


def _root_cause(result: CheckResult, finding: Finding) -> str:
    props = finding.properties
    if isinstance(props.get("package"), str) and isinstance(props.get("version"), str) and props.get("advisories"):
        return f"dep\x1f{props.get('ecosystem', '')}\x1f{props['package']}\x1f{props['version']}"
    loc = finding.location
    if loc is not None and loc.line is None and finding.manifest_path is None and finding.severity is not Severity.INFO:
        return f"file\x1f{loc.path}"
    return f"finding\x1f{finding.fingerprint or id(finding)}"


def _problem(key: str, members: list[FindingView], report: Report, links: "SourceLinks",
             delta: Delta | None) -> Problem:
    members.sort(key=lambda v: (_STATUS_ORDER.get(v.verdict.status, 4) if v.verdict else 4, -v.finding.severity.rank))
    main = members[0]
    finding = main.finding
    advisories = _advisories(members)
    places = _places(members, links)
    return Problem(
        key=key,
        status=main.verdict.status if main.verdict else None,
        severity=finding.severity,
        title=_dependency_title(finding, advisories) if key.startswith("dep\x1f") else _title(finding),
        fix=_dependency_fix(finding) if key.startswith("dep\x1f") else _fix(main, report),
        detail="" if key.startswith("dep\x1f") else _detail(finding),  # a dependency's advisories are listed
        check_ids=_distinct(v.result.check_id for v in members),
        apps=_distinct(app for v in members for app in _apps(v)),
        places=places,
        manifest_path=finding.manifest_path,
        snippet=_snippet(members),
        tools=_distinct(tool for v in members for tool in _tools(v.finding)),
        advisories=advisories,
        rules=_distinct(rule for v in members for rule in _rules(v.finding)),
        members=tuple(members),
        waiver=waiver_entries(members, report),
        delta=_delta_badge(members, delta),
    )


def _detail(finding: Finding) -> str:
    """The rest of the message after the title ("" when the title says it all)."""
    message = " ".join(_unprefixed(finding).split())
    title = first_sentence(message)
    return message[len(title):].strip() if message.startswith(title.rstrip("\u2026")) else message


def _unprefixed(finding: Finding) -> str:
    message = finding.message
    if finding.manifest_path and message.startswith(f"[{finding.manifest_path}]: "):
        message = message[len(finding.manifest_path) + 4:]
    return message


def _title(finding: Finding) -> str:
    """The first sentence of the message, without a leading "[manifest.path]: " (shown on its own)."""
    return first_sentence(_unprefixed(finding))


def first_sentence(message: str, limit: int = 200) -> str:
    """The message up to its first full stop (a title); the full message stays in `detail`."""
    text = " ".join(message.split())
    match = re.search(r"(?<=[a-z0-9)\]'\"`])\.\s+(?=[A-Z])", text)
    head = text[:match.start() + 1] if match else text
    return head if len(head) <= limit else head[:limit - 1].rstrip() + "\u2026"


_EXPECTED = re.compile(r": expected (.{3,300})$")


def _fix(view: FindingView, report: Report) -> str:
    info = report.checks.get(view.result.check_id)
    expected = _EXPECTED.search(view.finding.message) if view.finding.manifest_path else None
    if expected:  # a connect.yaml value of the wrong shape: the message says which shape is right
        return f"Set {view.finding.manifest_path} in connect.yaml to {expected.group(1)}."
    return view.finding.remediation or (info.remediation if info else "") or "See the finding's message."


def _dependency_title(finding: Finding, advisories: tuple[Advisory, ...]) -> str:
    props = finding.properties
    fixed = props.get("fixed")
    count = len(advisories) or 1
    what = f"{props['package']} {props['version']}"
    if isinstance(fixed, str) and fixed:
        return f"{what} \u2192 {fixed} fixes {plural(count, 'advisory', 'advisories')}"
    return f"{what} is affected by {plural(count, 'advisory', 'advisories')} with no fixed version"


def _dependency_fix(finding: Finding) -> str:
    props = finding.properties
    fixed, package = props.get("fixed"), props["package"]
    lockfiles = [str(x) for x in props.get("lockfiles") or () if isinstance(x, str)]
    where = f" and regenerate {', '.join(lockfiles)}" if lockfiles else " and regenerate the lockfile"
    if isinstance(fixed, str) and fixed:
        how = "Upgrade" if props.get("direct") else "Upgrade its parent (or pin it with npm overrides / yarn resolutions) so that"
        if props.get("direct"):
            return f"{how} {package} to {fixed} or later{where}."
        return f"{how} {package} resolves to {fixed} or later{where}."
    return f"No release fixes it: replace or remove {package}, or ask a reviewer for a waiver."


def _advisories(members: list[FindingView]) -> tuple[Advisory, ...]:
    found: dict[str, Advisory] = {}
    for view in members:
        props = view.finding.properties
        listed = props.get("advisories") if isinstance(props.get("advisories"), list) else []
        for entry in listed:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"] not in found:
                aliases = tuple(advisory_link(a) for a in entry.get("aliases") or () if isinstance(a, str))
                level = entry.get("level") if isinstance(entry.get("level"), str) else None
                fixed = entry.get("fixed") if isinstance(entry.get("fixed"), str) else None
                found[entry["id"]] = Advisory(advisory_link(entry["id"]), aliases, level, fixed)
        single = props.get("advisory")
        if isinstance(single, str) and not listed and single not in found:
            aliases = tuple(advisory_link(a) for a in props.get("aliases") or () if isinstance(a, str))
            found[single] = Advisory(advisory_link(single), aliases, None, None)
    return tuple(found.values())


def advisory_link(advisory_id: str) -> Link:
    """An advisory id and its public page (GHSA: GitHub, CVE: NVD, any other OSV id: osv.dev); an id of any
    other shape is shown as text only."""
    for pattern, url in _ADVISORY_LINKS:
        if pattern.fullmatch(advisory_id):
            return Link(advisory_id, url.format(id=advisory_id))
    return Link(advisory_id, None)


def _places(members: list[FindingView], links: "SourceLinks") -> tuple[Place, ...]:
    seen: list[Location] = []
    for view in members:
        for loc in (view.finding.location, *view.finding.also_at):
            if loc is not None and all((loc.path, loc.line) != (s.path, s.line) for s in seen):
                seen.append(loc)
    return tuple(Place(loc, links.url(loc)) for loc in seen)


def _snippet(members: list[FindingView]) -> str | None:
    for view in members:
        snippet = view.finding.properties.get("snippet")
        if isinstance(snippet, str) and snippet.strip():
            loc = view.finding.location
            prefix = f"{loc.line} | " if loc and loc.line else ""
            return prefix + snippet.strip("\n")
    return None


def _apps(view: FindingView) -> list[str]:
    apps = view.finding.properties.get("apps")
    if isinstance(apps, list) and all(isinstance(a, str) for a in apps):
        return apps
    return [view.result.app] if view.result.app else []


def _tools(finding: Finding) -> list[str]:
    """Tool names only ("semgrep", "detect-secrets"): seen_by entries may be "check@app/tool:rule" labels."""
    names = [finding.tool]
    for label in finding.seen_by:
        names.append(label.split("/", 1)[1].split(":", 1)[0] if "/" in label else label)
    return names


def _rules(finding: Finding) -> list[str]:
    names = [finding.rule] if finding.rule else []
    names += [label.rsplit(":", 1)[1] for label in finding.seen_by if ":" in label and label.rsplit(":", 1)[1] != "-"]
    return names


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return tuple(out)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 problem', '3 problems', '0 advisories'."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


# ---- waivers -----------------------------------------------------------------------------------------

def waiver_entries(members: Iterable[FindingView], report: Report) -> str:
    """Entries for a reviewer's waiver file (rules/schema/waivers.schema.json), one per finding, each scoped
    to its full fingerprint. `reason` and `approver` are left empty on purpose: the file does not load until
    a reviewer fills them in. Strings are JSON-quoted, which YAML reads as double-quoted scalars."""
    expires = _waiver_expiry(report.created_at)
    entries = []
    for view in members:
        finding = view.finding
        if not finding.fingerprint:
            continue
        lines = [f"- id: {json.dumps('W-' + finding.fingerprint[:12])}",
                 f"  check: {json.dumps(view.result.check_id)}"]
        if view.result.app:
            lines.append(f"  app: {json.dumps(view.result.app)}")
        lines += [f"  fingerprint: {json.dumps(finding.fingerprint)}",
                  '  reason: ""      # required: why this is acceptable',
                  '  approver: ""    # required: who accepts it',
                  f"  expires: {json.dumps(expires)}"]
        entries.append("\n".join(lines))
    return "\n".join(entries)


def _waiver_expiry(created_at: str) -> str:
    try:
        created = dt.date.fromisoformat(created_at[:10])
    except ValueError:
        created = dt.date(2000, 1, 1)  # an unreadable date in a stored report: the reviewer sets one
    return (created + dt.timedelta(days=WAIVER_DAYS)).isoformat()


# ---- links to the certified commit ---------------------------------------------------------------------

@dataclass(frozen=True)
class SourceLinks:
    """`file:line` links to the certified commit on GitHub, GitLab or Bitbucket; none for other hosts, local
    paths, or a working tree with uncommitted changes (its lines are not those of any commit)."""

    host: str | None = None
    repo: str | None = None
    commit: str | None = None

    @classmethod
    def of(cls, provenance: Provenance) -> "SourceLinks":
        match = _HOSTED.match(provenance.source or "")
        commit = provenance.commit or ""
        if not match or not _HEX_COMMIT.fullmatch(commit) or provenance.dirty:
            return cls()
        return cls(match.group(1), match.group(2).removesuffix(".git"), commit)

    def url(self, location: Location) -> str | None:
        if self.host is None or not _safe_path(location.path):
            return None
        path = quote(location.path, safe="/")
        base = f"https://{self.host}/{self.repo}"
        line = location.line
        if self.host == "github.com":
            return f"{base}/blob/{self.commit}/{path}" + (f"#L{line}" if line else "")
        if self.host == "gitlab.com":
            return f"{base}/-/blob/{self.commit}/{path}" + (f"#L{line}" if line else "")
        return f"{base}/src/{self.commit}/{path}" + (f"#lines-{line}" if line else "")


def _safe_path(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and all(parts) and path.isprintable()


# ---- delta against a baseline --------------------------------------------------------------------------

def _field(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def delta_of(report: Report) -> Delta | None:
    """report.delta when the run compared with a baseline report; None otherwise (or if unreadable)."""
    raw = getattr(report, "delta", None)
    if raw is None:
        return None
    counts_raw = _field(raw, "counts")
    prints_raw = _field(raw, "fingerprints")
    baseline = _field(raw, "baseline")
    counts = {w: int(_field(counts_raw, w) or 0) for w in ("new", "unchanged", "fixed", "waived")
              if isinstance(_field(counts_raw, w) or 0, int)}
    prints = {w: tuple(str(fp) for fp in (_field(prints_raw, w) or ()) if isinstance(fp, str))
              for w in ("new", "unchanged", "fixed", "waived")}
    commit = _field(baseline, "commit")
    name = (_field(baseline, "tag") or (commit[:12] if isinstance(commit, str) else None)
            or _field(baseline, "report_id") or "the baseline")
    return Delta(baseline=str(name), counts=counts, fingerprints=prints)


def _delta_badge(members: list[FindingView], delta: Delta | None) -> str | None:
    if delta is None:
        return None
    prints = set()
    for view in members:
        prints.add(view.finding.fingerprint)
        prints.update(fp for fp in view.finding.properties.get("merged_fingerprints", ()) if isinstance(fp, str))
    for word in ("new", "waived", "unchanged"):
        if prints & set(delta.fingerprints.get(word, ())):
            return word
    return None


# ---- the verdict in one sentence -----------------------------------------------------------------------

def headline(report: Report, fix: list[Problem] | None = None) -> str:
    """The decision in one sentence a connector developer can act on (without the verdict's own label)."""
    decision = report.decision
    fix = blocking(report) if fix is None else fix
    stage = decision.stage
    if report.aborted:
        return f"The run stopped early: {first_sentence(report.aborted, 160)}"
    if decision.kind is DecisionKind.NEGATIVE:
        verb = "blocks" if len(fix) == 1 else "block"
        return f"{plural(len(fix), 'problem')} {verb} the {stage} stage: fix them, then tag a new release."
    if decision.kind is DecisionKind.UNDECIDED:
        could_not_run = [r for r in report.results if r.outcome is Outcome.ERROR]
        if could_not_run:
            return (f"{plural(len(could_not_run), 'check')} could not run, so the {stage} stage cannot be decided: "
                    f"run it again (the reasons are below).")
        skipped = skipped_stages(report)
        if skipped:
            stages, reason = skipped[0]
            return f"The {stage} stage needs stages that did not run ({stages}: {reason})."
        return first_sentence(decision.summary, 300)
    if decision.kind is DecisionKind.REVIEW:
        review = problems(report, [FindingStatus.NEEDS_REVIEW])
        waits = "awaits" if len(review) == 1 else "await"
        return f"No blocking problem; {plural(len(review), 'item')} {waits} a reviewer."
    return f"No blocking problem: the connector passes the {stage} stage."


def skipped_stages(report: Report) -> list[tuple[str, str]]:
    """("build, preview", "not requested (--static-only)"): the stages that did not run, grouped by the reason
    the report recorded for them (the honest one, not a generic "not audited")."""
    by_reason: dict[str, list[str]] = {}
    for run in report.stages:
        if run.outcome is Outcome.SKIP:
            reason = (run.summary or "no reason recorded").removeprefix("not run: ")
            by_reason.setdefault(reason, []).append(run.stage.value)
    return [(", ".join(stages), reason) for reason, stages in by_reason.items()]
