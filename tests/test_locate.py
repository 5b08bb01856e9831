"""core.locate: the one lookup of certifier's own programs (override, pinned tools venv, PATH)."""

from __future__ import annotations

import shutil

from certifier.core.locate import locate


def test_an_override_names_the_program(tmp_path, monkeypatch):
    program = tmp_path / "my-semgrep"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("CERTIFIER_SEMGREP", str(program))
    assert locate("semgrep") == program


def test_an_override_that_cannot_run_is_not_found(tmp_path, monkeypatch):
    program = tmp_path / "not-executable"
    program.write_text("data\n")
    monkeypatch.setenv("CERTIFIER_DETECT_SECRETS", str(program))
    assert locate("detect-secrets") is None


def test_without_override_or_pin_the_path_decides(monkeypatch):
    monkeypatch.delenv("CERTIFIER_GIT", raising=False)
    assert str(locate("git")) == shutil.which("git")
    assert locate("certifier-no-such-program") is None
