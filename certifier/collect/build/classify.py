"""Whose fault a failed install is, read from the package manager's output.

A version missing from the (sparse) registry mirror, a registry that is down or unreachable, or an
install that ran out of time says nothing about the connector: `environment` ("could not decide").
A lockfile out of sync with package.json, an invalid package.json, a dependency conflict or a failing
install script is the connector's: `connector`.
"""

from __future__ import annotations

import re

from certifier.collect.build.model import InstallProblem
from certifier.sandbox.runner import ProcessResult

# (pattern, reason) in order; the first match decides
CONNECTOR_FIRST = (
    (re.compile(r"can only install packages when your package\.json and package-lock\.json"
                r"(?: or npm-shrinkwrap\.json)? are in sync", re.I),
     "the lockfile is out of sync with package.json (npm ci refuses to install)"),
    (re.compile(r"Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`", re.I),
     "yarn.lock is out of sync with package.json"),
    (re.compile(r"ERR_PNPM_OUTDATED_LOCKFILE|lockfile would have been modified by this install", re.I),
     "the lockfile is out of sync with package.json"),
)
ENVIRONMENT = (
    (re.compile(r"No matching version found for (\S+?)\.?$", re.I | re.M),
     "a pinned dependency version is not available from the package registry"),
    (re.compile(r"\bETARGET\b|\bnotarget\b", re.I),
     "a pinned dependency version is not available from the package registry"),
    (re.compile(r"\bE404\b|404 Not Found", re.I), "a package is not available from the package registry (404)"),
    (re.compile(r"\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|ENETUNREACH|EHOSTUNREACH|"
                r"ERR_SOCKET_TIMEOUT|socket hang up)\b", re.I), "the package registry could not be reached"),
    (re.compile(r"\bE5\d\d\b|\b5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)", re.I),
     "the package registry failed (HTTP 5xx)"),
    (re.compile(r"\bEINTEGRITY\b", re.I), "a downloaded package did not match its integrity hash"),
    (re.compile(r"\b(ENOSPC|EDQUOT)\b"), "the build machine ran out of disk space"),
)
CONNECTOR = (
    (re.compile(r"\bEJSONPARSE\b|Unexpected token .* in JSON", re.I), "package.json is not valid JSON"),
    (re.compile(r"\bERESOLVE\b", re.I), "the dependency tree cannot be resolved (conflicting peer dependencies)"),
    (re.compile(r"\bELIFECYCLE\b|code 1\b.*\n.*(?:command failed|lifecycle)", re.I), "an install script failed"),
)


def classify_install(result: ProcessResult) -> tuple[InstallProblem, str]:
    """(problem, reason) for an install; (OK, '') when it succeeded."""
    if result.ok:
        return InstallProblem.OK, ""
    if result.timed_out:
        return InstallProblem.ENVIRONMENT, f"the install did not finish within its budget ({result.killed_reason})"
    if result.exit_code is None:
        return InstallProblem.ENVIRONMENT, f"the package manager could not be started ({result.killed_reason})"
    text = result.stdout + "\n" + result.stderr
    for patterns in (CONNECTOR_FIRST, ENVIRONMENT, CONNECTOR):
        for pattern, reason in patterns:
            match = pattern.search(text)
            if match:
                kind = InstallProblem.ENVIRONMENT if patterns is ENVIRONMENT else InstallProblem.CONNECTOR
                return kind, _with_subject(reason, match)
    if result.exit_code < 0:
        return InstallProblem.ENVIRONMENT, f"the install was {result.killed_reason or 'killed'}"
    return InstallProblem.CONNECTOR, f"the install failed (exit code {result.exit_code})"


def _with_subject(reason: str, match: re.Match) -> str:
    subject = next((g for g in match.groups() if g), None) if match.groups() else None
    return f"{reason}: {subject}" if subject and len(subject) < 200 else reason


def error_lines(text: str, limit: int = 12) -> str:
    """The package manager's error lines (npm error / ERR! / error), for a short reason."""
    lines = [line for line in text.splitlines() if re.match(r"^\s*(npm (error|ERR!)|error |ERR_PNPM|\[ERROR\])", line)]
    return "\n".join(lines[:limit])
