"""Throwaway git repositories for the source tests, built with the git CLI (no network)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


def run_git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """git as a test author runs it: no user config, fixed identity."""
    base = {
        "GIT_AUTHOR_NAME": "certifier-tests",
        "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "certifier-tests",
        "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env={**base, **(env or {})}, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


class RepoBuilder:
    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return run_git(self.path, *args)

    def write(self, rel: str, content: str | bytes = "x\n") -> RepoBuilder:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
        return self

    def symlink(self, rel: str, link_target: str) -> RepoBuilder:
        (self.path / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(link_target, self.path / rel)
        return self

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, annotated: bool = True, target: str = "HEAD") -> RepoBuilder:
        if annotated:
            self.git("tag", "-a", name, "-m", f"release {name}", target)
        else:
            self.git("tag", name, target)
        return self


@pytest.fixture
def new_repo(tmp_path):
    """new_repo('name') -> an empty RepoBuilder at tmp_path/name."""
    return lambda name="src": RepoBuilder(tmp_path / name)


@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def hook_script(tmp_path):
    """hook_script(dir, name, marker) -> an executable that creates `marker` when run; as a filter
    (`passthrough=True`) it also copies stdin to stdout."""

    def make(folder: Path, name: str, marker: Path, passthrough: bool = False) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / name
        script.write_text(f"#!/bin/sh\ntouch '{marker}'\n" + ("cat\n" if passthrough else ""))
        script.chmod(0o755)
        return script

    return make


@pytest.fixture
def git_cli():
    """git_cli(cwd, *args, env=None) -> stdout of a plain git call (test-side, not the code under test)."""
    return run_git
