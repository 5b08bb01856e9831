"""Text and URIs as SARIF wants them: inert bounded text, repo-relative artifact URIs, repository URIs."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit, urlunsplit

from certifier.report.escape import safe_text

MAX_TEXT = 2_000
_REPOSITORY_SCHEMES = {"http", "https", "ssh", "git", "file"}
_SCP_LIKE = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>[^/].*)$")


def sarif_text(text: Any, limit: int = MAX_TEXT) -> str:
    """Inert, bounded text with `[` and `]` escaped (SARIF plain text turns `[x](1)` into a link)."""
    inert = safe_text(str(text), limit)
    inert = re.sub(r"\\(?=[\[\]])", r"\\\\", inert)
    return re.sub(r"([\[\]])", r"\\\1", inert)


def _segment_bytes(segment: str) -> bytes:
    try:  # names the checkout decoded with os.fsdecode: the original bytes
        return segment.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return segment.encode("utf-8", "surrogatepass")


def artifact_uri(path: str) -> tuple[str, bool]:
    """A repo-relative path as a percent-encoded relative URI that cannot leave SRCROOT.

    Returns (uri, exact): `exact` is False when dot segments or a leading `/` had to be dropped.
    """
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    uri = "/".join(quote_from_bytes(_segment_bytes(s), safe="") for s in segments)
    return uri, "/".join(segments) == path


def repository_uri(source: str) -> str | None:
    """The repository as an absolute URI without credentials, or None (a local path, an odd scheme)."""
    source = source.strip()
    scp = _SCP_LIKE.match(source)
    if scp:
        source = f"ssh://{scp['user']}@{scp['host']}/{scp['path']}"
    try:
        parts = urlsplit(source)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return None
    if parts.scheme.lower() not in _REPOSITORY_SCHEMES or (parts.scheme.lower() != "file" and not host):
        return None
    user = f"{parts.username}@" if parts.scheme.lower() == "ssh" and parts.username else ""  # never a password/token
    uri = urlunsplit((parts.scheme.lower(), f"{user}{host}{port}", parts.path, "", ""))
    return uri if re.fullmatch(r"[\x21-\x7e]+", uri) else None
