"""Secrets: the rules of rules/secrets.yaml, and the one way to show a secret in any output (never its value).

Everything that reports a secret goes through `redact`: a message, a snippet or evidence carries the
value's length, at most its first two characters, and a SHA-1 (the hash detect-secrets uses), never the
value itself.
"""
