"""Wrappers of external programs (semgrep, detect-secrets, bandit, npm, ...), each in its own module."""
