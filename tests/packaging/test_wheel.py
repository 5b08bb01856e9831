"""certifier as a user installs it: `python -m build` makes the sdist, then the wheel from the sdist (so both
must carry rules/, report_templates/ and tools-requirements.txt); the wheel goes into a clean venv, and that
certifier certifies the example connector at its tag from outside the source tree.

The scanners of the repository's .venv-tools are put on PATH to save the minute `certifier tools install`
takes (tests/action/test_fresh_runner.py installs them from scratch)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from support import EXAMPLES, make_tagged_repo

ROOT = Path(__file__).resolve().parents[2]
STATIC_PROFILE = ROOT / "tests" / "action" / "profiles" / "preview-static.yaml"
DATA = ("rules", "report_templates")
# both tests share one build: with `--dist loadgroup` they run on one pytest worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging-wheel")]


def tracked_data_files() -> list[str]:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--", *DATA], capture_output=True, text=True,
                            check=True).stdout.split()
    return [name for name in listed if (ROOT / name).is_file()] + ["tools-requirements.txt"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_the_sdist_and_the_wheel_carry_the_data(dist):
    wheel = zipfile.ZipFile(next(dist.glob("certifier-*.whl"))).namelist()
    with tarfile.open(next(dist.glob("certifier-*.tar.gz"))) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for name in tracked_data_files():
        assert f"certifier/_data/{name}" in wheel, name
        assert name in in_sdist, name
    assert not [name for name in wheel if "__pycache__" in name]


def test_the_installed_wheel_certifies_the_example_connector(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = next(dist.glob("certifier-*.whl"))
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    repo = make_tagged_repo(EXAMPLES / "goods-store", tmp_path / "goods-store", "v1.0.0")
    env = {"PATH": f"{ROOT / '.venv-tools' / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "CERTIFIER_CACHE_DIR": str(tmp_path / "cache")}
    certifier = str(venv / "bin" / "certifier")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([certifier, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "from certifier.core.paths import rules_dir, "
                            "templates_dir; print(rules_dir()); print(templates_dir())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(path).is_relative_to(venv) and Path(path).is_dir() for path in where), where

    builtin = run("run", str(repo), "--tag", "v1.0.0", "--static-only", "--out", str(tmp_path / "builtin"))
    decision = json.loads((tmp_path / "builtin" / "report.json").read_text())["decision"]
    assert builtin.returncode == 3 and decision["verdict"] == "Could not decide", builtin.stderr  # build, preview not run

    static = run("run", str(repo), "--tag", "v1.0.0", "--static-only", "--profile", str(STATIC_PROFILE),
                 "--out", str(tmp_path / "out"))
    assert static.returncode == 0, static.stdout[-2000:] + static.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["decision"]["verdict"] == "Accepted"
    assert report["tools"]["semgrep"] == "1.182.0"  # the scanners really ran
    assert "<html" in (tmp_path / "out" / "report.html").read_text()
    assert run("report", "verify", str(tmp_path / "out" / "report.json")).returncode == 0

    doctor = run("tools", "doctor", "--static-only", "--format", "json")
    assert doctor.returncode == 0, doctor.stdout
    assert Path(json.loads(doctor.stdout)["requirements"]).is_relative_to(venv)
