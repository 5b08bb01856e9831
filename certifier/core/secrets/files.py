"""Files that hold secrets by their nature: dotenv files, registry credentials (.npmrc, .yarnrc) and key
files. Classification by name, and line parsers that return what a report may show (never a value) and
how sure each entry is (certifier.core.secrets.judge)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from certifier.core.model import Confidence, FileKind
from certifier.core.secrets.judge import Facts, Judgement, judge
from certifier.core.secrets.redact import describe, secret_hash
from certifier.core.secrets.rules import secret_rules

ENV, ENV_TEMPLATE, NPMRC, KEY_FILE = "env", "env-template", "npmrc", "key-file"
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*?)\s*$")


def _matches(name: str, globs: tuple[str, ...]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, glob.lower()) for glob in globs)


def kind_of(path: str) -> str | None:
    """ENV, ENV_TEMPLATE, NPMRC, KEY_FILE or None, from the file name alone."""
    rules = secret_rules().secret_files
    name = path.rpartition("/")[2]
    if _matches(name, rules.npmrc.basenames):
        return NPMRC
    if _matches(name, rules.key_files):
        return KEY_FILE
    if _matches(name, rules.env.basenames):
        suffixes = {part.lower() for part in name.split(".")[1:]}
        return ENV_TEMPLATE if suffixes & {s.lower() for s in rules.env.template_suffixes} else ENV
    return None


def is_secret_file(path: str) -> bool:
    return kind_of(path) is not None


@dataclass(frozen=True)
class Entry:
    """One assignment that carries a value: where, which key, how the value may be shown, and how sure we
    are that it is a secret (None: it is not one, `reason` says why)."""

    line: int
    key: str
    sha1: str
    shown: str
    confidence: Confidence | None
    reason: str

    @property
    def secret(self) -> bool:
        return self.confidence is not None


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return value[1:-1]
    if " #" in value:  # dotenv: an inline comment after an unquoted value
        value = value.split(" #", 1)[0].rstrip()
    return value


def env_entries(text: str, kind: FileKind = FileKind.CONFIG) -> list[Entry]:
    """The assignments of a dotenv file that have a value (pure). Only a secret-named key or a value of a
    known credential format can be a secret: every value of a dotenv file has a name, and it says which."""
    rules = secret_rules()
    known = [(p.name, re.compile(p.pattern)) for p in rules.content_patterns if p.named is None]
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ASSIGNMENT.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        key, value = match.group("key"), _unquoted(match.group("value"))
        if not value:
            continue
        form = next((name for name, regex in known if regex.search(f"{key}={value}")), None)
        if form is None and not rules.is_secret_key(key):
            judged = Judgement(None, f"{key} does not name a secret")
        else:
            judged = judge(Facts(value, kind, key=key, known_format=form))
        entries.append(Entry(number, key, secret_hash(value), describe(value), judged.confidence, judged.reason))
    return entries


def npmrc_credentials(text: str, kind: FileKind = FileKind.CONFIG) -> list[Entry]:
    """Credential settings of an .npmrc/.yarnrc; not a secret for an environment reference (pure)."""
    pattern = re.compile(secret_rules().secret_files.npmrc.credential_line)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("#", ";")):
            continue
        match = pattern.search(line)
        if not match:
            continue
        value, key = match.group("secret"), match.group("key")
        judged = judge(Facts(value, kind, key="npm auth token"))
        found.append(Entry(number, key, secret_hash(value), describe(value), judged.confidence, judged.reason))
    return found
