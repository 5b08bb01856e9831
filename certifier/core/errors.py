"""Errors the CLI and the service turn into exit code 2 (usage) with a precise message."""

from __future__ import annotations


class ConfigError(ValueError):
    """A profile, waiver file or option is wrong. The message names the file and the exact field."""


class CannotRun(Exception):
    """certifier itself could not do a job (tool missing or crashed, data unreachable, sandbox not set
    up). A check that meets it ends in `error`, never in a finding: "not audited" is not "clean"."""


class ToolError(CannotRun):
    """An external tool (semgrep, bandit, detect-secrets, npm) failed or gave output we cannot read."""


class NotApplicable(Exception):
    """A check or a fact does not apply to this connector or app; the message is the reason reports show."""
