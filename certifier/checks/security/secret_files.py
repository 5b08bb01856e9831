"""sec.secret-files: committed .env files with secret values, private keys and registry credentials.

Each entry is judged by its value and the kind of file (certifier.core.secrets.judge): a placeholder in an
env template or a counting dummy in a test env file is no finding at all; a real-looking value in a
template or test file is one a reviewer looks at (medium or low confidence), never a blocking one."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.files import read_file
from certifier.checks.registry import Evidence, Scope, check
from certifier.checks.security._shared import text_scan
from certifier.collect.context import CheckContext
from certifier.checks.security._scope import scanned_files
from certifier.core.file_kinds import deployed, file_kind
from certifier.core.model import Confidence, FileKind, Finding, Location, Severity, Stage
from certifier.core.secrets import files as kinds
from certifier.core.secrets.files import Entry, env_entries, kind_of, npmrc_credentials
from certifier.core.secrets.rules import secret_rules
from certifier.collect.secrets.textscan import ENCRYPTED_PRIVATE_KEY, PRIVATE_KEY, TextHit

REMEDIATION = {
    "env-secret": "Remove the file from git (`git rm --cached`), rotate every secret it held (they stay in the "
    "history), list it in .gitignore, and commit a .env.example with the keys but no values. Connect passes "
    "configuration as environment variables: declare secrets in securedConfiguration.",
    "npmrc-token": "Remove the token from the file and revoke it. Reference an environment variable instead "
    "(`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`), or drop the line if the packages are public.",
    "private-key": "Remove the key from the repository, revoke it wherever it is trusted and issue a new one; "
    "give keys to the app through securedConfiguration.",
    "key-file": "Remove the key store from the repository and revoke the keys it holds.",
}


@check(
    id="sec.secret-files",
    version="1.1.0",
    stage=Stage.SECURITY,
    title="No committed secret files (.env values, private keys, registry tokens)",
    rationale="A committed .env file, private key or .npmrc auth token hands the credential to everyone who can "
    "read the repository; rotating it is the only remedy once it is in the history.",
    remediation=REMEDIATION["env-secret"],
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
    budget_s=120.0,
)
def secret_files(ctx: CheckContext) -> Iterator[Finding | Evidence]:
    limit = secret_rules().limits.max_file_bytes
    checked, dismissed = 0, 0
    for path in scanned_files(ctx):
        kind = kind_of(path)
        if kind is None:
            continue
        checked += 1
        if kind == kinds.KEY_FILE:
            yield key_file(path)
            continue
        read = read_file(ctx.root, path, limit)
        if read.text is None:
            yield unreadable(path, read.problem or "could not be read")
            continue
        parse = npmrc_credentials if kind == kinds.NPMRC else env_entries
        entries = parse(read.text, file_kind(path))
        dismissed += sum(1 for e in entries if not e.secret and secret_rules().is_secret_key(e.key))
        if kind == kinds.NPMRC:
            yield from registry_tokens(path, entries)
        else:
            yield from env_file(path, entries, template=kind == kinds.ENV_TEMPLATE)
    keys = [h for h in text_scan(ctx).hits
            if h.rule in (PRIVATE_KEY, ENCRYPTED_PRIVATE_KEY) and kind_of(h.path) != kinds.KEY_FILE]
    yield from private_keys(keys)
    yield Evidence(secret_files={"files_checked": checked, "dismissed_values": dismissed})


def _severity(kind: FileKind, severity: Severity = Severity.ERROR) -> tuple[Severity, bool]:
    """Test code may hold dummy credentials: a Warning a reviewer confirms."""
    return (Severity.WARNING, True) if kind is FileKind.TEST and severity is Severity.ERROR else (severity, False)


def _by_kind(kind: FileKind, what: str) -> tuple[Confidence, str]:
    """How sure a secret known by its form alone (a key block, a key store) is: by where it sits."""
    where = "app source or configuration" if deployed(kind) else f"a {kind.value} file"
    return (Confidence.HIGH if deployed(kind) else Confidence.MEDIUM), f"{what} in {where}"


def env_file(path: str, entries: list[Entry], *, template: bool) -> Iterator[Finding]:
    kind = file_kind(path)
    secrets = [e for e in entries if e.secret]
    for entry in secrets:
        severity, review = _severity(kind)
        yield Finding(
            message=f"{path} sets {entry.key} to a secret-looking value {entry.shown}"
            + (" in a template file" if template else ""),
            severity=severity, location=Location(path=path, line=entry.line), rule="env-secret",
            key=f"env-secret:{entry.key}:{entry.sha1}", remediation=REMEDIATION["env-secret"], needs_review=review,
            confidence=entry.confidence, confidence_reason=entry.reason, file_kind=kind,
            properties={"secret_sha1": entry.sha1},
        )
    if not secrets and entries and not template:
        keys = ", ".join(sorted({e.key for e in entries})[:10])
        yield Finding(
            message=f"{path} commits values for {keys}; none of them looks like a secret",
            severity=Severity.INFO, location=Location(path=path, line=entries[0].line), rule="env-values",
            key="env-values", remediation=REMEDIATION["env-secret"], file_kind=kind,
            confidence_reason="a committed env file; its values are placeholders, dummies or not secret-named",
        )


def registry_tokens(path: str, entries: list[Entry]) -> Iterator[Finding]:
    kind = file_kind(path)
    for entry in entries:
        if not entry.secret:
            continue  # ${NPM_TOKEN}: a reference, the value is not in the repository
        severity, review = _severity(kind)
        yield Finding(
            message=f"{path} holds a registry credential ({entry.key}) {entry.shown}",
            severity=severity, location=Location(path=path, line=entry.line), rule="npmrc-token",
            key=f"npmrc-token:{entry.key}:{entry.sha1}", remediation=REMEDIATION["npmrc-token"],
            needs_review=review, confidence=entry.confidence, confidence_reason=entry.reason, file_kind=kind,
            properties={"secret_sha1": entry.sha1},
        )


def private_keys(hits: list[TextHit]) -> Iterator[Finding]:
    for hit in hits:
        encrypted = hit.rule == ENCRYPTED_PRIVATE_KEY
        severity, review = _severity(hit.kind, Severity.WARNING if encrypted else Severity.ERROR)
        confidence, reason = _by_kind(hit.kind, f"a {'passphrase-protected ' if encrypted else ''}private key block")
        yield Finding(
            message=f"{hit.path} contains a {'passphrase-protected ' if encrypted else ''}private key",
            severity=severity, location=Location(path=hit.path, line=hit.line), rule=hit.rule,
            key=f"{hit.rule}:{hit.sha1}", remediation=REMEDIATION["private-key"], needs_review=review,
            confidence=confidence, confidence_reason=reason, file_kind=hit.kind,
        )


def key_file(path: str) -> Finding:
    kind = file_kind(path)
    severity, review = _severity(kind)
    confidence, reason = _by_kind(kind, "a key store named as such")
    return Finding(
        message=f"{path} is a private key or key store file", severity=severity, location=Location(path=path),
        rule="key-file", key="key-file", remediation=REMEDIATION["key-file"], needs_review=review,
        confidence=confidence, confidence_reason=reason, file_kind=kind,
    )


def unreadable(path: str, problem: str) -> Finding:
    return Finding(
        message=f"{path} could not be checked for secrets: it {problem}", severity=Severity.WARNING,
        location=Location(path=path), rule="unreadable", key="unreadable", file_kind=file_kind(path),
        remediation="Remove the file from the repository, or make it a small text file.",
        confidence_reason="a secret file that could not be read",
    )
