"""Error bodies: 422 lists every invalid field by its dotted path; other errors carry one `detail`.

    {"detail": [{"field": "repository.tag", "loc": ["body", "repository", "tag"],
                 "msg": "...", "type": "value_error"}]}

Input values are not echoed back as a field (they may be large, or secret)."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def field_path(loc) -> str:
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or (str(loc[0]) if loc else "")


def field_error(loc: tuple, message: str, kind: str = "value_error") -> RequestValidationError:
    """A 422 for one field, raised by an endpoint after pydantic's own checks (e.g. server settings)."""
    return RequestValidationError([{"type": kind, "loc": loc, "msg": message}])


async def validation_handler(_request: Request, error: RequestValidationError) -> JSONResponse:
    details = []
    for item in error.errors():
        loc = list(item.get("loc", ()))
        message = str(item.get("msg", "invalid"))
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        details.append({"field": field_path(loc), "loc": loc, "msg": message, "type": item.get("type", "value_error")})
    return JSONResponse(status_code=422, content={"detail": details})
