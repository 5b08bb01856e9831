"""benchmarks.corpus (issue 9, part 6): a tagged connector found in CORPUS_DIR gets its row, its blocking
findings and their reviewed judgement; a connector with no local copy and no reachable URL is a row
saying "unreachable", never a crash."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import git

ROOT = Path(__file__).resolve().parents[1]

# one service app whose folder is missing: the specification stage fails it, a blocking finding to judge
CONNECT_YAML = """\
deployAs:
  - name: service
    applicationType: service
    endpoint: /service
"""

CORPUS = """\
connectors:
  - name: tiny-connector
    url: https://example.invalid/acme/tiny-connector
    tag: v1.0.0
    why: a connect.yaml and nothing else
  - name: far-away
    url: https://example.invalid/acme/far-away
    tag: v2.0.0
    why: no local copy and a host that cannot resolve
"""


def corpus_run(tmp_path: Path, judgements: Path) -> str:
    out = tmp_path / "corpus.md"
    env = {**os.environ, "CORPUS_DIR": str(tmp_path / "mirrors"), "CERTIFIER_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "benchmarks.corpus", "--corpus", str(tmp_path / "corpus.yaml"),
            "--judgements", str(judgements), "--out", str(out), "--reports", str(tmp_path / "reports")]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


# two real certifier runs (semgrep, detect-secrets): ~4 s on an idle machine, 12-20 s on a loaded one
@pytest.mark.slow
def test_corpus_table_rows_findings_and_judgements(tmp_path):
    repo = tmp_path / "mirrors" / "acme+tiny-connector"  # the layout of /work/.mirror/<owner>+<name>
    repo.mkdir(parents=True)
    (repo / "connect.yaml").write_text(CONNECT_YAML)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tiny")
    git(repo, "tag", "v1.0.0")
    (tmp_path / "corpus.yaml").write_text(CORPUS)

    page = corpus_run(tmp_path, tmp_path / "no-judgements.yaml")
    row = next(line for line in page.splitlines() if line.startswith("| tiny-connector |"))
    assert "| Publish failed | blocked | 1 |" in row
    assert re.search(r"\| far-away \| `v2\.0\.0` \|.*\| unreachable \|", page)
    findings = [line for line in page.splitlines() if line.startswith("| tiny-connector |") and "`" in line
                and line.endswith("| unreviewed |")]
    assert findings, page
    fingerprint = re.search(r"`([0-9a-f]{32})`", findings[0]).group(1)

    judgements = tmp_path / "judgements.yaml"
    judgements.write_text(
        f"judgements:\n  {fingerprint}:\n    verdict: true-positive\n    why: the folder is missing\n")
    page = corpus_run(tmp_path, judgements)
    assert f"`{fingerprint}` | true-positive: the folder is missing |" in page
