"""Fixtures for runner tests: a fresh workspace, the hostile scripts, survivor detection via /proc."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from certifier.sandbox.quota import release
from certifier.sandbox.runner import Workspace

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A workspace whose commands may read the hostile scripts (visible read-only in the namespaces)."""
    made = Workspace(tmp_path / "ws", readable=(HOSTILE,)).prepare()
    yield made
    release(made.root)


@pytest.fixture
def marker() -> str:
    """A unique word hostile scripts put in their command lines, so survivors can be found."""
    return f"hostile-{uuid.uuid4().hex}"


@pytest.fixture
def survivors():
    return live_with_marker


@pytest.fixture
def processes_of():
    return live_of_uid


def live_with_marker(marker: str) -> list[int]:
    """Live processes whose command line carries `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != b"Z":
            found.append(int(entry))
    return found


def live_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state != b"Z":
            found.append(int(entry))
    return found

