"""Redaction of secrets in transcripts: configuration values the certifier generated for secured keys,
the emulator's client secret and every Authorization header."""

from __future__ import annotations

from dataclasses import dataclass

MASK = "***"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
_MIN_SECRET = 6  # shorter values would mask ordinary words


@dataclass(frozen=True)
class Redactor:
    secrets: tuple[str, ...] = ()

    def text(self, value: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= _MIN_SECRET:
                value = value.replace(secret, MASK)
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {name: (_masked_header(value) if name.lower() in SENSITIVE_HEADERS else self.text(value))
                for name, value in headers.items()}

    def with_secrets(self, *more: str) -> "Redactor":
        return Redactor(tuple(dict.fromkeys((*self.secrets, *(s for s in more if s)))))


def _masked_header(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    return f"{scheme} {MASK}" if rest and scheme.isalpha() and len(scheme) < 16 else MASK
