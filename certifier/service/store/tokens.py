"""API tokens: random, shown once, stored as SHA-256, looked up by hash and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from certifier.core.errors import ConfigError
from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import TokenRow

ROLES = ("marketplace", "reviewer", "reader")
TOKEN_PREFIX = "ctk_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name and role."""

    name: str
    role: str


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 cannot be brute-forced; no salt is needed.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(db: Database, name: str, role: str) -> str:
    """A new token for `name` with `role`. The returned token is not stored anywhere."""
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if not name or len(name) > 128 or not name.isprintable():
        raise ConfigError("token name must be 1-128 printable characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with db.write() as session:
            session.add(TokenRow(name=name, role=role, token_hash=hash_token(token), created_at=utcnow()))
    except IntegrityError:
        raise ConfigError(f"a token named {name!r} exists already (revoke it or choose another name)") from None
    return token


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token; None otherwise."""
    if not token or len(token) > 512:
        return None
    digest = hash_token(token)
    with db.read() as session:
        row = session.scalar(select(TokenRow).where(TokenRow.token_hash == digest))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return Principal(name=row.name, role=row.role)


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def list_tokens(db: Database) -> list[TokenInfo]:
    with db.read() as session:
        rows = session.scalars(select(TokenRow).order_by(TokenRow.name)).all()
    return [TokenInfo(r.name, r.role, r.created_at, r.revoked_at) for r in rows]


def revoke_token(db: Database, name: str) -> bool:
    """Revoke the token called `name`; False when there is no such active token."""
    with db.write() as session:
        return bool(session.execute(update(TokenRow).where(TokenRow.name == name, TokenRow.revoked_at.is_(None))
                                    .values(revoked_at=utcnow())).rowcount)
