"""Per-run shared state for checks: work done once and shared (one build per app, one preview
deployment per run), and clean-up that always runs when the run ends.

Checks of one stage run concurrently; `memo` makes the first caller do the work while the others
wait for its result (or its exception), so "install once, report three results" needs no ordering.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class RunSession:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self._lock = threading.Lock()
        self._slots: dict[Hashable, "_Slot"] = {}
        self._cleanups: list[tuple[str, Callable[[], Any]]] = []
        self._artifacts: dict[str, Path] = {}

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value of `make()` for `key`, computed once per run; exceptions are shared too."""
        with self._lock:
            slot = self._slots.get(key)
            owner = slot is None
            if owner:
                slot = self._slots[key] = _Slot()
        if owner:
            slot.fill(make)
        return slot.get()

    def on_close(self, name: str, cleanup: Callable[[], Any]) -> None:
        """Register clean-up (stop servers, remove files); run in reverse order by close()."""
        with self._lock:
            self._cleanups.append((name, cleanup))

    def add_artifact(self, name: str, path: Path) -> None:
        """A file the reports link to (e.g. sbom.cdx.json); the pipeline copies it next to the reports."""
        with self._lock:
            self._artifacts[name] = path

    def artifacts(self) -> dict[str, Path]:
        with self._lock:
            return dict(self._artifacts)

    def close(self) -> list[str]:
        """Run every clean-up, newest first; returns the problems (never raises)."""
        with self._lock:
            cleanups, self._cleanups = self._cleanups[::-1], []
        problems = []
        for name, cleanup in cleanups:
            try:
                cleanup()
            except Exception as error:  # clean-up must go on for the others
                log.warning("clean-up %s failed: %s", name, error)
                problems.append(f"{name}: {type(error).__name__}: {error}")
        return problems


class _Slot:
    def __init__(self) -> None:
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None

    def fill(self, make: Callable[[], Any]) -> None:
        try:
            self._value = make()
        except BaseException as error:
            self._error = error
        finally:
            self._done.set()

    def get(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value
