"""A small client of the commercetools HTTP API, used against the local emulator only (its loopback,
through the preview network's relay when the preview has a network of its own: `opener`).

It seeds data, reads what postDeploy created (extensions, subscriptions) and removes leftovers. Answers
are bounded in size and every call has a timeout: the emulator is our process, but a hung one must not
hang the run.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

MAX_ANSWER_BYTES = 4 * 1024 * 1024
# No proxies: the emulator is on 127.0.0.1 and the host's proxy settings must not reroute it.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class CtApiError(Exception):
    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class CtApi:
    base_url: str  # http://127.0.0.1:PORT (API and /oauth/token on the same port)
    project_key: str
    client_id: str
    client_secret: str
    timeout_s: float = 10.0
    opener: urllib.request.OpenerDirector = field(default=_OPENER, repr=False)
    _token: str | None = field(default=None, repr=False)

    def token(self) -> str:
        if self._token is None:
            basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            body = urllib.parse.urlencode({"grant_type": "client_credentials",
                                           "scope": f"manage_project:{self.project_key}"}).encode()
            answer = self._send("POST", "/oauth/token", body, {"Authorization": f"Basic {basic}",
                                                               "Content-Type": "application/x-www-form-urlencoded"})
            self._token = str(answer["access_token"])
        return self._token

    def get(self, path: str, query: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, None, query)

    def post(self, path: str, body: Any, query: dict[str, Any] | None = None) -> Any:
        return self._call("POST", path, body, query)

    def delete(self, path: str, version: int) -> Any:
        return self._call("DELETE", path, None, {"version": version})

    def query_all(self, resource: str, limit: int = 500) -> list[dict[str, Any]]:
        """Every result of `GET /{project}/{resource}` (one page: the emulator holds few resources)."""
        answer = self.get(resource, {"limit": limit})
        results = answer.get("results") if isinstance(answer, dict) else None
        return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []

    def _call(self, method: str, path: str, body: Any, query: dict[str, Any] | None) -> Any:
        url_path = f"/{self.project_key}/{path.lstrip('/')}" if path else f"/{self.project_key}"
        if query:
            url_path += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token()}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        return self._send(method, url_path, data, headers)

    def _send(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> Any:
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout_s) as response:
                return _json(response.read(MAX_ANSWER_BYTES))
        except urllib.error.HTTPError as error:
            answer = _json(error.read(MAX_ANSWER_BYTES))
            raise CtApiError(f"{method} {path.split('?')[0]} answered {error.code}", error.code, answer) from None
        except (urllib.error.URLError, OSError) as error:
            raise CtApiError(f"{method} {path.split('?')[0]} failed: {error}") from None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
