"""Optional online adapter: the OSV API (`POST /v1/querybatch`, then `GET /v1/vulns/{id}`).

Enabled by CERTIFIER_ADVISORIES_ONLINE=osv:<base URL> (e.g. osv:https://api.osv.dev). It only supplies
records: matching (ranges, fixes, severity) stays local, so online and offline findings read alike. A
service that cannot be reached or answers nonsense is an error, never "no vulnerabilities".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

from certifier.collect.advisories.config import limit
from certifier.collect.advisories.fetch import FetchError, request_json
from certifier.collect.advisories.matching import AdvisoryIndex
from certifier.collect.advisories.model import Package
from certifier.collect.advisories.osv import InvalidRecord, parse_record

ENV_ONLINE = "CERTIFIER_ADVISORIES_ONLINE"
BATCH = 1000  # the OSV API's querybatch limit


class OnlineError(Exception):
    """The online service could not answer: the packages were not audited online."""


@dataclass(frozen=True)
class OnlineSource:
    kind: str  # "osv"
    base_url: str

    @property
    def label(self) -> str:
        return f"{self.kind} API {self.base_url}"


def configured() -> OnlineSource | None:
    value = os.environ.get(ENV_ONLINE, "").strip()
    if not value:
        return None
    kind, _, url = value.partition(":")
    if kind != "osv" or not url.startswith(("http://", "https://")):
        raise OnlineError(f"{ENV_ONLINE}={value[:80]!r}: expected osv:<http(s) base URL>")
    return OnlineSource(kind, url.rstrip("/"))


def osv_index(source: OnlineSource, packages: Iterable[Package]) -> AdvisoryIndex:
    """Every advisory the service knows for these exact package versions."""
    wanted = sorted({(p.ecosystem, p.name, p.version) for p in packages if p.registry})
    ids: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        queries = [{"package": {"ecosystem": e, "name": n}, "version": v} for e, n, v in chunk]
        answer = _call(f"{source.base_url}/v1/querybatch", {"queries": queries})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(chunk):
            raise OnlineError(f"{source.label}: querybatch answered {len(results or [])} results for {len(chunk)} queries")
        for (ecosystem, name, version), result in zip(chunk, results):
            ids |= _ids(source, result, ecosystem, name, version)
    index = AdvisoryIndex()
    for vuln_id in sorted(ids):
        try:
            advisory = parse_record(_call(f"{source.base_url}/v1/vulns/{vuln_id}", None))
        except InvalidRecord as bad:
            raise OnlineError(f"{source.label}: record {vuln_id} is not valid OSV: {bad}") from None
        if advisory is not None:
            index.add(advisory)
    return index


def _ids(source: OnlineSource, result, ecosystem: str, name: str, version: str) -> set[str]:
    if not isinstance(result, dict):
        raise OnlineError(f"{source.label}: malformed querybatch result")
    found = {v["id"] for v in result.get("vulns") or () if isinstance(v, dict) and isinstance(v.get("id"), str)}
    token = result.get("next_page_token")
    pages = 0
    while token:  # more than one page for this package: follow it with /v1/query
        pages += 1
        if pages > 100:
            raise OnlineError(f"{source.label}: too many result pages for {name}@{version}")
        page = _call(f"{source.base_url}/v1/query", {"package": {"ecosystem": ecosystem, "name": name},
                                                      "version": version, "page_token": token})
        found |= {v["id"] for v in page.get("vulns") or () if isinstance(v, dict) and isinstance(v.get("id"), str)}
        token = page.get("next_page_token")
    return found


def _call(url: str, body) -> dict:
    try:
        answer = request_json(url, body, limit("online_response_bytes"), limit("online_timeout_s"))
    except FetchError as error:
        raise OnlineError(str(error)) from None
    if not isinstance(answer, dict):
        raise OnlineError(f"{url} did not answer a JSON object")
    return answer
