"""Files that hold secrets by their nature: dotenv files, registry credentials (.npmrc, .yarnrc) and key
files. Classification by name, and line parsers that return what a report may show (never a value)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from certifier.core.secrets.redact import describe, secret_hash
from certifier.core.secrets.rules import secret_rules
from certifier.core.secrets.values import plausible

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
    """One assignment that carries a value: where, which key, and how the value may be shown."""

    line: int
    key: str
    sha1: str
    shown: str
    secret: bool  # the key names a secret (or the value is a known secret format) and the value is real


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return value[1:-1]
    if " #" in value:  # dotenv: an inline comment after an unquoted value
        value = value.split(" #", 1)[0].rstrip()
    return value


def env_entries(text: str) -> list[Entry]:
    """The assignments of a dotenv file that have a value (pure)."""
    rules = secret_rules()
    known = [re.compile(p.pattern) for p in rules.content_patterns]
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ASSIGNMENT.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        key, value = match.group("key"), _unquoted(match.group("value"))
        if not value:
            continue
        looks_known = any(regex.search(f"{key}={value}") for regex in known)
        secret = plausible(value) and (rules.is_secret_key(key) or looks_known)
        entries.append(Entry(number, key, secret_hash(value), describe(value), secret))
    return entries


def npmrc_credentials(text: str) -> list[Entry]:
    """Credential settings of an .npmrc/.yarnrc; `secret` is False for an environment reference (pure)."""
    pattern = re.compile(secret_rules().secret_files.npmrc.credential_line)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("#", ";")):
            continue
        match = pattern.search(line)
        if not match:
            continue
        value = match.group("secret")
        found.append(Entry(number, match.group("key"), secret_hash(value), describe(value), plausible(value)))
    return found
