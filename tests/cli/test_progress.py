"""Progress of `certifier run`: without a terminal (CI), one line per stage start and end with the elapsed
time; on a terminal, one live line; never on stdout, never with --format json."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from certifier.cli import console
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.core.report import StageRun
from support import CONNECTORS, make_tagged_repo


def test_stage_lines_give_start_end_and_elapsed_time():
    stream, ticks = io.StringIO(), iter([0.0, 0.0, 1.5, 4.25, 4.5])
    lines = console._StageLines(stream=stream, clock=lambda: next(ticks))
    with lines:
        lines.hook("stage-start", Stage.SECURITY)
        lines.hook("stage-end", StageRun(stage=Stage.SECURITY, outcome=Outcome.FAIL, duration_s=2.75,
                                         summary="2 fail, 4 pass"))
    assert stream.getvalue().splitlines() == [
        "[    0.0s] fetching the connector and reading connect.yaml",
        "[    1.5s] security: started",
        "[    4.2s] security: fail in 2.8 s (2 fail, 4 pass)",
        "[    4.5s] done: decided, reports written",
    ]


def test_live_line_shows_done_and_running_stages():
    live = console._LiveLine()
    live._task = live._progress.add_task("fetching")
    live.hook("stage-start", Stage.SPECIFICATION)
    live.hook("stage-start", Stage.SECURITY)
    live.hook("result", CheckResult(check_id="sec.sast", check_version="1", stage=Stage.SECURITY, title="t",
                                    outcome=Outcome.PASS))
    live.hook("stage-end", StageRun(stage=Stage.SPECIFICATION, outcome=Outcome.PASS))
    assert live._progress.tasks[0].description == "specification pass \u00b7 running: security (1 results)"


@pytest.mark.slow
def test_ci_run_prints_stage_lines_on_stderr_and_the_summary_on_stdout(tmp_path):
    repo = make_tagged_repo(CONNECTORS / "minimal", tmp_path / "repo")
    done = subprocess.run([sys.executable, "-m", "certifier.cli.main", "run", str(repo), "--tag", "v1.0.0",
                           "--static-only", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CI": "true", "HOME": str(tmp_path)})
    assert done.returncode == 3, done.stderr  # preview needs build and preview: static stages cannot decide it
    for stage in ("specification", "structure", "security", "dependencies"):
        assert f"] {stage}: started" in done.stderr and f"] {stage}: pass in " in done.stderr
    assert "started" not in done.stdout
    assert "Not run: build, preview: not requested (--static-only)" in done.stdout
    assert "Next steps:\n  - Open the report: " in done.stdout
    quiet = subprocess.run([sys.executable, "-m", "certifier.cli.main", "run", str(repo), "--tag", "v1.0.0",
                            "--static-only", "--format", "json", "--out", str(tmp_path / "out2")],
                           capture_output=True, text=True, timeout=300,
                           env={"PATH": "/usr/bin:/bin", "CI": "true", "HOME": str(tmp_path)})
    assert "started" not in quiet.stderr
