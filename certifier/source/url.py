"""Classify a repository source string and validate a tag name before git ever sees them.

git treats some strings as commands (`ext::sh -c ...` runs a program, `-u...` is an option), so a
source is accepted only when it is one of the shapes the platform supports (HTTPS or SSH, see
docs/connectors.md#connector-states; plus local paths and `file://` for development) and everything else
is refused with exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from certifier.source.checkout import SourceError


class SourceKind(str, Enum):
    LOCAL = "local"  # a path on this machine (work tree or bare repository)
    FILE = "file"  # a file:// URL
    HTTPS = "https"
    HTTP = "http"  # only with allow_http
    SSH = "ssh"  # ssh://... or scp-like user@host:path


@dataclass(frozen=True)
class SourceSpec:
    kind: SourceKind
    url: str  # what git is given (local paths become file:// so that shallow fetches work)
    display: str  # safe to print: credentials removed
    local_path: Path | None = None  # LOCAL and FILE only

    @property
    def is_remote(self) -> bool:
        return self.local_path is None


# docs/connectors.md#connector-states, the tag rule. JavaScript's \w is ASCII-only, hence re.ASCII.
PLATFORM_TAG_PATTERN = re.compile(r"(?!.*\.{2,})(?!\*)[^\W_][\w.@/-]{0,254}", re.ASCII)

# git reads `<transport>::<address>` as "run the remote helper git-remote-<transport>".
_REMOTE_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._~+-]+)@)?(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?P<path>.+)$")
_SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}


def classify_source(source: str, *, allow_http: bool = False) -> SourceSpec:
    """Return how `source` will be fetched, or raise SourceError(exit 2) for anything unsupported."""
    if not isinstance(source, str) or not source.strip():
        raise SourceError("no repository given: pass a git URL (https:// or ssh) or a local path")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in source):
        raise SourceError("repository source contains control characters")
    if source.startswith("-"):
        raise SourceError(f"repository source {source!r} starts with '-': refused (it would be read as an option)")
    if _REMOTE_HELPER.match(source):
        raise SourceError(
            f"repository source {source.split('::', 1)[0]}::... uses a git remote helper, which runs "
            "programs: only https://, ssh, file:// URLs and local paths are accepted"
        )
    scheme = _URL_SCHEME.match(source)
    if scheme:
        return _classify_url(source, scheme.group(1).lower(), allow_http)
    if ":" in source and "/" not in source.split(":", 1)[0]:  # git's rule for `[user@]host:path`
        return _classify_scp(source)
    return _classify_local(source)


def _classify_url(source: str, scheme: str, allow_http: bool) -> SourceSpec:
    parts = urlsplit(source)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise SourceError(f"file:// URL with a host ({parts.netloc}) is not supported: use a local path")
        path = Path(unquote(parts.path))
        return SourceSpec(SourceKind.FILE, source, source, local_path=path)
    if scheme == "http" and not allow_http:
        raise SourceError("plain http:// is refused (unauthenticated and unencrypted): use https:// or ssh")
    if scheme not in {"https", "http", *_SSH_SCHEMES}:
        raise SourceError(f"unsupported repository URL scheme {scheme}://: use https://, ssh or a local path")
    host = parts.hostname or ""
    if not host or host.startswith("-") or (parts.username or "").startswith("-") or " " in source:
        raise SourceError(f"malformed repository URL: {redact_url(source)}")
    if scheme in _SSH_SCHEMES:
        return SourceSpec(SourceKind.SSH, source, source)
    kind = SourceKind.HTTPS if scheme == "https" else SourceKind.HTTP
    return SourceSpec(kind, source, redact_url(source))


def _classify_scp(source: str) -> SourceSpec:
    match = _SCP_LIKE.match(source)
    if match is None:
        raise SourceError(f"malformed ssh address {source!r}: expected user@host:owner/name.git")
    if match.group("host").startswith("-") or match.group("path").startswith("-"):
        raise SourceError(f"host or path in {source!r} starts with '-': refused (ssh would read it as an option)")
    return SourceSpec(SourceKind.SSH, source, source)


def _classify_local(source: str) -> SourceSpec:
    path = Path(source).expanduser().absolute()
    if not path.exists():
        raise SourceError(f"local repository path does not exist: {path}")
    if not path.is_dir():
        raise SourceError(f"local repository path is not a directory: {path}")
    return SourceSpec(SourceKind.LOCAL, "file://" + quote(str(path.resolve())), str(path), local_path=path)


def redact_url(source: str) -> str:
    """The URL without user information: `https://token@host/x` often carries a secret."""
    parts = urlsplit(source)
    if "@" not in parts.netloc or parts.scheme.lower() not in ("https", "http"):
        return source
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def validate_tag(tag: str) -> None:
    """Refuse a tag the platform would refuse (docs/connectors.md#connector-states) or that git could read as
    an option."""
    if not isinstance(tag, str) or not tag:
        raise SourceError("empty tag name")
    if tag.startswith("-"):
        raise SourceError(f"tag {tag!r} starts with '-': refused (it would be read as an option)")
    if not PLATFORM_TAG_PATTERN.fullmatch(tag):
        raise SourceError(
            f"tag {tag!r} is not a valid platform tag: it must start with a letter or digit, contain only "
            "letters, digits and . _ @ / -, have no '..', and be at most 255 characters"
        )
