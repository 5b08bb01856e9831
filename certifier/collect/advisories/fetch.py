"""Bounded HTTP for the advisory tools (sync downloads, the online OSV adapter). Nothing else in the
dependencies stage touches the network, and these are only used when explicitly asked for."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


class FetchError(Exception):
    pass


def check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"only http(s) URLs can be fetched, not {url[:80]!r}")


def download(url: str, target: Path, max_bytes: int, timeout_s: float) -> Path:
    """Stream `url` into `target`, refusing more than `max_bytes`."""
    check_url(url)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "certifier"}),
                                    timeout=timeout_s) as response, target.open("wb") as out:
            copied = 0
            while chunk := response.read(1 << 20):
                copied += len(chunk)
                if copied > max_bytes:
                    raise FetchError(f"{url} is larger than {max_bytes} bytes")
                out.write(chunk)
    except urllib.error.HTTPError as error:
        raise FetchError(f"cannot download {url}: it answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise FetchError(f"cannot download {url}: {getattr(error, 'reason', error)}") from None
    return target


def request_json(url: str, body: Any | None, max_bytes: int, timeout_s: float) -> Any:
    """GET (body None) or POST JSON; the decoded JSON answer."""
    check_url(url)
    data = json.dumps(body).encode() if body is not None else None
    headers = {"User-Agent": "certifier", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers),
                                    timeout=timeout_s) as response:
            raw = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise FetchError(f"cannot reach {url}: {getattr(error, 'reason', error)}") from None
    if len(raw) > max_bytes:
        raise FetchError(f"{url} answered more than {max_bytes} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise FetchError(f"{url} did not answer JSON") from None


def copy_file(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target
