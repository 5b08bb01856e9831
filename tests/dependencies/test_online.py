"""The optional OSV API adapter against a loopback stub that serves the fixture database; a service
that cannot be reached makes the check `error`, never clean."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from certifier.collect.advisories.model import NPM, Package
from certifier.collect.advisories.online import OnlineError, OnlineSource, configured, osv_index
from certifier.core.model import Outcome

FIXTURE_DB = Path(__file__).parents[1] / "fixtures" / "advisories"


def _records() -> dict[str, dict]:
    return {r["id"]: r for r in (json.loads(p.read_text()) for p in FIXTURE_DB.rglob("*.json")
                                 if p.name != "snapshot.json")}


class OsvStub(BaseHTTPRequestHandler):
    """POST /v1/querybatch and GET /v1/vulns/{id}, as the OSV API answers them (ids only in batches)."""

    records = _records()
    calls: list[str] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.calls.append(self.path)
        if self.path != "/v1/querybatch":
            return self._send(404, {"message": "not found"})
        results = []
        for query in body["queries"]:
            package = query["package"]
            ids = [{"id": r["id"], "modified": r["modified"]} for r in self.records.values()
                   if any(a["package"] == {"ecosystem": package["ecosystem"], "name": package["name"]}
                          for a in r["affected"])]
            results.append({"vulns": ids} if ids else {})
        self._send(200, {"results": results})

    def do_GET(self):
        self.calls.append(self.path)
        record = self.records.get(self.path.rsplit("/", 1)[-1])
        self._send(200, record) if record else self._send(404, {"message": "not found"})

    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsvStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OsvStub.calls = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_adapter_fetches_records_and_matching_stays_local(stub):
    packages = [Package(NPM, "fixture-proto", "2.4.1", False, True, "lock", "x"),
                Package(NPM, "fixture-pre", "9.0.0", False, True, "lock", "y")]
    index = osv_index(OnlineSource("osv", stub), packages)
    assert sorted(a.id for a, _ in index.candidates(NPM, "fixture-proto")) == ["FIXT-NPM-0001", "FIXT-NPM-0002"]
    assert OsvStub.calls[0] == "/v1/querybatch" and "/v1/vulns/FIXT-NPM-0005" in OsvStub.calls  # withdrawn: dropped


def test_an_unreachable_service_is_an_error(stub):
    dead = OnlineSource("osv", "http://127.0.0.1:9")
    with pytest.raises(OnlineError, match="cannot reach"):
        osv_index(dead, [Package(NPM, "a", "1.0.0", False, True, "lock", "a")])


def test_the_environment_switch(monkeypatch):
    monkeypatch.setenv("CERTIFIER_ADVISORIES_ONLINE", "osv:http://127.0.0.1:8080/")
    assert configured() == OnlineSource("osv", "http://127.0.0.1:8080")
    monkeypatch.setenv("CERTIFIER_ADVISORIES_ONLINE", "npm:whatever")
    with pytest.raises(OnlineError, match="expected osv"):
        configured()


def _lockfile_app(root: Path, packages: dict[str, str]) -> None:
    lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": {n: v for n, v in packages.items()}},
                                               **{f"node_modules/{n}": {"version": v} for n, v in packages.items()}}}
    (root / "hello-service" / "package-lock.json").write_text(json.dumps(lock, indent=2))


def test_the_check_uses_the_online_adapter_on_top_of_the_seed(copy_connector, run_deps, stub, monkeypatch):
    root = copy_connector("minimal")
    _lockfile_app(root, {"fixture-proto": "2.0.0", "lodash": "4.17.11"})
    monkeypatch.setenv("CERTIFIER_ADVISORIES_ONLINE", f"osv:{stub}")
    result = run_deps(root, "deps.vulnerable-dependency")
    advisories = {f.properties.get("advisory") for f in result.findings}
    assert {"FIXT-NPM-0001", "GHSA-jf85-cpcp-j695"} <= advisories  # online record + offline seed record
    audited = next(f for f in result.findings if f.rule == "audited")
    assert audited.properties["online"] == f"osv API {stub}"


def test_the_check_errors_when_the_online_service_is_down(copy_connector, run_deps, monkeypatch):
    root = copy_connector("minimal")
    _lockfile_app(root, {"left-pad": "1.3.0"})
    monkeypatch.setenv("CERTIFIER_ADVISORIES_ONLINE", "osv:http://127.0.0.1:9")
    result = run_deps(root, "deps.vulnerable-dependency")
    assert result.outcome is Outcome.ERROR and "cannot reach" in result.summary
