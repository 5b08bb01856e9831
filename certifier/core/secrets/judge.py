"""How sure are we that a candidate is a committed secret? Facts in (the value, the name it is assigned
to, the kind of file, a known credential format, a code comment), a confidence and its one-line reason out.

- A placeholder, a reference, an identifier, a dummy: no finding at all, whatever found it.
- A known credential format (a vendor's prefix and length): high, except in tests and generated files
  (medium: fixtures imitate formats).
- Otherwise the value's randomness and the name it is given count, weighed by where it sits:

  | where                                  | random, secret-named | random or secret-named | neither |
  |----------------------------------------|----------------------|------------------------|---------|
  | app source, configuration              | high                 | medium                 | -       |
  | tests, examples, config templates      | medium               | low                    | -       |
  | documentation, code comments           | medium               | -                      | -       |
  | generated files                        | low                  | -                      | -       |
"""

from __future__ import annotations

from dataclasses import dataclass

from certifier.core.model import Confidence, FileKind
from certifier.core.secrets.redact import mask_spans, suspicious_spans
from certifier.core.secrets.rules import secret_rules
from certifier.core.secrets.shapes import dismissal, looks_random

WHERE = {
    FileKind.SOURCE: "in app source",
    FileKind.CONFIG: "in a configuration file",
    FileKind.TEST: "in a test file",
    FileKind.DOCS: "in documentation",
    FileKind.GENERATED: "in a generated file",
    FileKind.EXAMPLE: "in an example",
    FileKind.CONFIG_TEMPLATE: "in a configuration template",
}
NOT_DEPLOYED = (FileKind.TEST, FileKind.EXAMPLE, FileKind.CONFIG_TEMPLATE)
KEY_CHARS = 60  # of a setting's name quoted in a reason


@dataclass(frozen=True)
class Facts:
    """What is known about one candidate. `value` is None when a tool reported a secret whose text could
    not be found again (it is then judged by its place alone)."""

    value: str | None
    kind: FileKind
    key: str | None = None  # the name the value is assigned to, when there is one
    known_format: str | None = None  # the credential format it matches ("GitHub token")
    in_comment: bool = False


@dataclass(frozen=True)
class Judgement:
    confidence: Confidence | None  # None: not a secret, no finding
    reason: str


def judge(facts: Facts) -> Judgement:
    where = "in a code comment" if facts.in_comment else WHERE[facts.kind]
    if facts.value is None:
        return Judgement(Confidence.LOW, f"reported by a scanner {where}, but the value could not be found "
                                         "on its line to judge it")
    why = dismissal(facts.value, facts.key, known_format=facts.known_format is not None)
    if why is not None:
        return Judgement(None, why)
    if facts.known_format is not None:
        return _known(facts, where)
    return _generic(facts, where)


def _known(facts: Facts, where: str) -> Judgement:
    level = Confidence.MEDIUM if facts.kind in (FileKind.TEST, FileKind.GENERATED) else Confidence.HIGH
    return Judgement(level, f"matches the {facts.known_format} format {where}")


def _generic(facts: Facts, where: str) -> Judgement:
    rules = secret_rules()
    value, key = facts.value or "", facts.key
    if key is not None and rules.names_no_secret(key):
        return Judgement(None, f"{_shown(key)} names a setting about a secret or a signature, hash or id, "
                               "not a secret")
    named = key is not None and rules.is_secret_key(key)
    random = looks_random(value)
    what = f"{'random' if random else 'short or low-entropy'} {len(value)}-character value"
    given = f"assigned to {_shown(key or '')}" if named else "not assigned to a secret-named setting"
    reason = f"{what} {given} {where}"
    return Judgement(_level(facts, random and named, random or named), reason)


def _shown(key: str) -> str:
    """A setting's name as a reason may quote it: connector text, so bounded, and masked should it hold a
    secret itself."""
    shown = mask_spans(key, suspicious_spans(key))
    return shown if len(shown) <= KEY_CHARS else shown[:KEY_CHARS - 1] + "…"


def _level(facts: Facts, both: bool, either: bool) -> Confidence | None:
    if facts.kind is FileKind.GENERATED:
        return Confidence.LOW if both else None
    if facts.in_comment or facts.kind is FileKind.DOCS:
        return Confidence.MEDIUM if both else None
    if facts.kind in NOT_DEPLOYED:
        return Confidence.MEDIUM if both else Confidence.LOW if either else None
    return Confidence.HIGH if both else Confidence.MEDIUM if either else None
