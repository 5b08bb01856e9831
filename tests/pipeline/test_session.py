"""RunSession: once-only shared work across concurrent checks, and clean-up that always runs."""

from __future__ import annotations

import threading
import time

import pytest

from certifier.collect.session import RunSession


def test_memo_runs_once_for_concurrent_callers(tmp_path):
    session = RunSession(tmp_path)
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.1)
        return "built"

    values = []
    threads = [threading.Thread(target=lambda: values.append(session.memo("app", build))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and values == ["built"] * 5


def test_memo_shares_the_exception(tmp_path):
    session = RunSession(tmp_path)

    def broken():
        raise RuntimeError("npm ci failed")

    for _ in range(2):
        with pytest.raises(RuntimeError, match="npm ci failed"):
            session.memo("install", broken)


def test_close_runs_every_cleanup_newest_first_even_when_one_fails(tmp_path):
    session = RunSession(tmp_path)
    order = []
    session.on_close("emulator", lambda: order.append("emulator"))
    session.on_close("broken", lambda: 1 / 0)
    session.on_close("app", lambda: order.append("app"))
    problems = session.close()
    assert order == ["app", "emulator"]
    assert len(problems) == 1 and "broken" in problems[0]
    assert session.close() == []  # idempotent


def test_artifacts_are_recorded_by_name(tmp_path):
    session = RunSession(tmp_path)
    sbom = tmp_path / "x.json"
    sbom.write_text("{}")
    session.add_artifact("sbom.cdx.json", sbom)
    assert session.artifacts() == {"sbom.cdx.json": sbom}
