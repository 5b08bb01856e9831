"""Errors the CLI and the service turn into exit code 2 (usage) with a precise message."""

from __future__ import annotations


class ConfigError(ValueError):
    """A profile, waiver file or option is wrong. The message names the file and the exact field."""
