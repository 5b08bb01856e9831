"""Test helpers shared across directories: fixture locations and throwaway tagged git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CONNECTORS = FIXTURES / "connectors"
EXAMPLES = Path(__file__).parent.parent / "examples"


def git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "certifier-tests",
        "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "certifier-tests",
        "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_tagged_repo(src: Path, dest: Path, tag: str = "v1.0.0", annotated: bool = True) -> Path:
    """Copy a connector folder into a new git repository with one commit and a tag."""
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("node_modules", ".git"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "connector")
    if annotated:
        git(dest, "tag", "-a", tag, "-m", f"release {tag}")
    else:
        git(dest, "tag", tag)
    return dest


def load_expectations() -> dict:
    """Fixture name -> its expectation, merged from tests/fixtures/connectors/expectations.d/*.yaml."""
    from ruamel.yaml import YAML

    merged: dict = {}
    for path in sorted((CONNECTORS / "expectations.d").glob("*.yaml")):
        for name, expected in (YAML(typ="safe").load(path.read_text()) or {}).items():
            assert name not in merged, f"{name} has expectations in two files"
            merged[name] = expected
    return merged
