"""The candidates of sec.secrets, each judged where it was found: detect-secrets' hits (found again on
their line by hash), our value patterns (judged by the text scan) and the semgrep secret rules. A value
that cannot be a secret (a placeholder, an identifier, a dummy, a sample in docs) is counted, not kept;
what is kept shows the value only as redact allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from certifier.checks.security._code import secret_value
from certifier.checks.security._shared import detect_secrets_run, semgrep_run
from certifier.collect.context import CheckContext
from certifier.collect.secrets.textscan import ENCRYPTED_PRIVATE_KEY, PRIVATE_KEY, TextHit
from certifier.connector.files import read_file
from certifier.core.file_kinds import HEADER_LINES, file_kind
from certifier.core.model import Confidence, FileKind
from certifier.core.secrets.context import Comments, assigned_key, block_entries, block_scalar, comments_of
from certifier.core.secrets.files import is_secret_file
from certifier.core.secrets.judge import Facts, Judgement, judge
from certifier.core.secrets.redact import describe, secret_hash, snippet
from certifier.core.secrets.rules import secret_rules
from certifier.core.secrets.shapes import header_credential
from certifier.core.secrets.values import described_by_context, locate

REMEDIATION = ("Remove the secret from the repository and rotate it (it stays in the git history). Read it "
               "from process.env at run time and declare the key in securedConfiguration of connect.yaml.")
RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
# semgrep secret rules that find a value by its place, with the name that place gives it
PLACED = {"hardcoded-ctp-client-secret": "clientSecret", "hardcoded-authorization-header": "authorization"}


@dataclass(frozen=True)
class Candidate:
    path: str
    line: int
    sha1: str
    shown: str
    snippet: str
    tool: str
    rule: str
    name: str
    kind: FileKind
    confidence: Confidence
    reason: str
    remediation: str = REMEDIATION


@dataclass
class SourceFile:
    """One file's lines, kind and comments, read once however many candidates it has."""

    path: str
    lines: tuple[str, ...] | None
    kind: FileKind
    _comments: Comments | None = field(default=None, repr=False)

    def line(self, number: int) -> str | None:
        return self.lines[number - 1] if self.lines is not None and 0 < number <= len(self.lines) else None

    def facts(self, value: str | None, number: int, start: int, *, key: str | None = None,
              known_format: str | None = None) -> Facts:
        """The facts of the value at column `start` of line `number` (the name it is assigned to, unless
        given, and whether a comment holds it)."""
        if self.lines is None or self.line(number) is None:
            return Facts(value, self.kind, key=key, known_format=known_format)
        if self._comments is None:
            self._comments = comments_of(self.path, self.lines)
        key = key or assigned_key(self.lines, number - 1, start)
        return Facts(value, self.kind, key=key, known_format=known_format,
                     in_comment=self._comments.covers(number - 1, start))


class Files:
    def __init__(self, root: Path):
        self.root, self._read = root, {}

    def __getitem__(self, path: str) -> SourceFile:
        if path not in self._read:
            read = read_file(self.root, path, secret_rules().limits.max_file_bytes)
            lines = tuple(read.text.splitlines()) if read.text is not None else None
            self._read[path] = SourceFile(path, lines, file_kind(path, "\n".join((lines or ())[:HEADER_LINES])))
        return self._read[path]


def from_detect_secrets(ctx: CheckContext, files: Files) -> tuple[list[Candidate], int]:
    rules = secret_rules().detect_secrets
    out, dismissed = [], 0
    for hit in detect_secrets_run(ctx).detections:
        if hit.type in rules.owned_elsewhere or is_secret_file(hit.path):
            continue
        source = files[hit.path]
        known = None if hit.type in rules.generic_types else hit.type
        line = source.line(hit.line)
        span = locate(line, hit.hashed_secret) if line is not None else None
        if span is not None and described_by_context(line, span):
            dismissed += 1
            continue
        if span is not None:
            value = line[span[0]:span[1]]
            judged = judge(source.facts(value, hit.line, span[0], known_format=known))
            shown, shown_line = describe(value), snippet(line, [span])
        else:
            judged = _in_block(source, hit.line, hit.hashed_secret, known)
            shown, shown_line = "(value not shown)", snippet(line) if line is not None else ""
        if judged.confidence is None:
            dismissed += 1
            continue
        out.append(Candidate(hit.path, hit.line, hit.hashed_secret, shown, shown_line, "detect-secrets",
                             "detect-secrets/" + hit.type.lower().replace(" ", "-"), hit.type.lower(),
                             source.kind, judged.confidence, judged.reason))
    return out, dismissed


def _in_block(source: SourceFile, number: int, hashed: str, known: str | None) -> Judgement:
    """A hit on the first line of a YAML block (`secrets: |`): the block's entries are judged one by one
    and the most certain counts. Anything else not found on its line is judged by its place alone."""
    block = block_scalar(source.lines, number - 1) if source.line(number) is not None else None
    if block is None or hashed not in (secret_hash(block), secret_hash(block.rstrip("\n"))):
        return judge(Facts(None, source.kind))
    judged = [judge(Facts(value, source.kind, key=name, known_format=known)) for name, value in block_entries(block)]
    found = [j for j in judged if j.confidence is not None]
    if not found:
        return Judgement(None, "every entry of the block is a placeholder or reference")
    return max(found, key=lambda j: RANK[j.confidence])


def from_text(hits: tuple[TextHit, ...]) -> list[Candidate]:
    """Our value patterns, judged by the text scan; private keys and secret files are sec.secret-files'."""
    return [Candidate(h.path, h.line, h.sha1, h.shown, h.snippet, "certifier", h.rule, h.name, h.kind,
                      h.confidence, h.reason)
            for h in hits if h.rule not in (PRIVATE_KEY, ENCRYPTED_PRIVATE_KEY) and h.confidence is not None
            and not is_secret_file(h.path)]


def from_semgrep(ctx: CheckContext, files: Files) -> tuple[list[Candidate], int]:
    run = semgrep_run(ctx)
    out, dismissed = [], 0
    for match in run.result.matches:
        rule = run.pack.get(match.rule_id)
        if rule is None or not rule.is_secret:
            continue
        source = files[match.path]
        value = secret_value(ctx.root, match)
        line = source.line(match.line) or ""
        # the rules match the literal itself: mask it from its column to its end (or the line's end)
        start = match.column - 1
        end = start + match.end_offset - match.start_offset if match.line == match.end_line else len(line)
        judged = _judge_semgrep(source, match.line, start, rule.id, value)
        if judged.confidence is None:
            dismissed += 1
            continue
        out.append(Candidate(match.path, match.line, secret_hash(value or ""),
                             describe(value) if value else "(value not shown)", snippet(line, [(start, end)]),
                             "semgrep", rule.id, rule.id.replace("-", " "), source.kind, judged.confidence,
                             judged.reason, rule.remediation))
    return out, dismissed


def _judge_semgrep(source: SourceFile, number: int, start: int, rule_id: str, value: str | None) -> Judgement:
    if value is None:
        return judge(Facts(None, source.kind))
    placed = PLACED.get(rule_id)
    credential = header_credential(value) if placed == "authorization" else value
    return judge(source.facts(credential, number, start + 1, key=placed))
