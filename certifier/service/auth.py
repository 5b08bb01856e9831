"""Bearer-token authentication and role checks for every endpoint but /healthz.

Roles: `marketplace` submits runs, `reviewer` records certification reviews, `reader` reads.
Every role may read. 401 means no or an unknown/revoked token; 403 means a valid token whose role
may not do this."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from certifier.service.store.tokens import ROLES, Principal, authenticate

_bearer = HTTPBearer(auto_error=False, description="An API token made with `certifier tokens create`.")

READ = frozenset(ROLES)
SUBMIT = frozenset({"marketplace"})
REVIEW = frozenset({"reviewer"})


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": 'Bearer realm="certifier"'})


def require(roles: frozenset[str]):
    """A FastAPI dependency giving the caller's Principal when its role is in `roles`."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
        if credentials is None:
            raise _unauthorized("missing bearer token (Authorization: Bearer <token>)")
        principal = authenticate(request.app.state.db, credentials.credentials)
        if principal is None:
            raise _unauthorized("invalid or revoked token")
        if principal.role not in roles:
            allowed = " or ".join(sorted(roles))
            raise HTTPException(status_code=403, detail=f"role {principal.role!r} may not do this (needs {allowed})")
        return principal

    return dependency
