"""SARIF rule descriptors: what code scanning shows beside an alert (title, why, how to fix, a link) and how
severe a security alert is.

Every rule has `helpUri` (the check's own link when it has one, else its entry in the check catalogue,
docs/checks.md) and `help.markdown` (rationale and remediation). The catalogue's address is the project URL
"Check catalogue" of the installed package (`[project.urls]` in pyproject.toml), unless CERTIFIER_CATALOGUE_URL
names another (the GitHub Action sets it to docs/checks.md of the action's own repository and ref). The same
inputs and the same variable give the same SARIF; `certifier report render` reproduces a run's SARIF byte for
byte only under the variable the run had. A security rule carries the `security` tag
and `security-severity`, the number GitHub maps to critical/high/medium/low (9.5, 8.0, 5.5, 3.0 here).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from certifier.core.model import CheckResult, Finding, Severity, Stage
from certifier.core.report import CheckInfo
from certifier.report.escape import safe_text
from certifier.report.sarif_text import sarif_text

CATALOGUE_ENV = "CERTIFIER_CATALOGUE_URL"
CATALOGUE_LABEL = "Check catalogue"  # the [project.urls] entry in pyproject.toml
# Without package metadata (certifier imported from a bare source tree): the catalogue as a relative reference.
CATALOGUE_FALLBACK = "docs/checks.md"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's bands: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
# An advisory's own rating (OSV / GHSA words) wins over the finding's severity.
_ADVISORY_LEVEL = {"CRITICAL": "critical", "HIGH": "high", "MODERATE": "medium", "MEDIUM": "medium", "LOW": "low"}
_BY_SEVERITY = {Severity.ERROR: "high", Severity.WARNING: "medium", Severity.INFO: "low"}
_SECURITY_CHECK = re.compile(r"^(sec\.|deps\.vulnerable-dependency)|secret")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


_log = logging.getLogger(__name__)


def catalogue_url() -> str:
    """Where docs/checks.md is published: CERTIFIER_CATALOGUE_URL when it is an http(s) URL without a fragment
    (the anchors are ours to add), else the package's "Check catalogue" project URL."""
    override = os.environ.get(CATALOGUE_ENV, "").strip()
    if override:
        if _is_page_url(override):
            return override
        _log.warning("%s=%r is not an http(s) URL without '#': using the packaged catalogue address",
                     CATALOGUE_ENV, override)
    return packaged_catalogue_url()


@functools.lru_cache(maxsize=1)
def packaged_catalogue_url() -> str:
    try:
        entries = metadata.metadata("certifier").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    for entry in entries:  # "Label, https://..."
        label, _, url = entry.partition(",")
        if label.strip() == CATALOGUE_LABEL and _is_page_url(url.strip()):
            return url.strip()
    return CATALOGUE_FALLBACK


def _is_page_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "#" not in url


def catalogue_anchor(check_id: str, version: str) -> str:
    """The GitHub anchor of `### \\`<id>\\` (v<version>)` in docs/checks.md."""
    heading = f"{check_id} (v{version})".lower()
    return re.sub(r"[^a-z0-9 _-]", "", heading).replace(" ", "-")


def help_uri(result: CheckResult, spec: CheckInfo | None) -> str:
    if spec is not None and spec.link and urlsplit(spec.link).scheme in ("http", "https"):
        return spec.link
    version = spec.version if spec is not None else result.check_version
    return f"{catalogue_url()}#{catalogue_anchor(result.check_id, version)}"


def _markdown_text(text: str, limit: int = 2_000) -> str:
    """Inert text with Markdown's special characters escaped (for text that is not ours)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe_text(text, limit))


def help_markdown(title: str, rationale: str, remediation: str, uri: str) -> str:
    parts = [f"**{_markdown_text(title, 300)}**"]
    if rationale:
        parts.append(_markdown_text(rationale))
    if remediation:
        parts.append(f"**How to fix:** {_markdown_text(remediation)}")
    parts.append(f"[The check in the certifier catalogue]({uri})")
    return "\n\n".join(parts)


def is_security(result: CheckResult, finding: Finding) -> bool:
    return (result.stage is Stage.SECURITY or bool(_SECURITY_CHECK.search(result.check_id))
            or "cwe" in finding.properties or "osv_severity" in finding.properties)


def security_severity(finding: Finding) -> str:
    """GitHub's security-severity (a number as a string) for a security finding."""
    level = _ADVISORY_LEVEL.get(str(finding.properties.get("osv_severity", "")).upper())
    return SECURITY_SEVERITY[level or _BY_SEVERITY[finding.severity]]


def rule_descriptor(rule_id: str, result: CheckResult, sub_rule: str | None, spec: CheckInfo | None,
                    finding: Finding) -> dict:
    title = spec.title if spec else result.title
    short = f"{title} ({sub_rule})" if sub_rule else title
    rationale = spec.rationale if spec else title
    remediation = spec.remediation if spec else (finding.remediation or "See the check in the certifier report.")
    uri = help_uri(result, spec)
    tags = {result.stage.value, "certifier"}
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": sarif_text(short, 1000)},
        "fullDescription": {"text": sarif_text(rationale)},
        "help": {"text": sarif_text(remediation), "markdown": help_markdown(short, rationale, remediation, uri)},
        "helpUri": uri,
        "properties": {"checkId": safe_text(result.check_id, 200), "stage": result.stage.value},
    }
    if is_security(result, finding):
        tags.add("security")
        rule["properties"]["security-severity"] = security_severity(finding)
    rule["properties"]["tags"] = sorted(tags)
    if spec is not None:
        rule["defaultConfiguration"] = {"level": LEVEL[spec.severity]}
        rule["properties"]["checkVersion"] = spec.version
    return rule


def raise_severity(rule: dict, finding: Finding) -> None:
    """A rule's security-severity is that of its most severe result (GitHub reads it from the rule)."""
    current = rule["properties"].get("security-severity")
    if current is not None:
        rule["properties"]["security-severity"] = max(current, security_severity(finding), key=float)
