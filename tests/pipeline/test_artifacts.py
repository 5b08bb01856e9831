"""Artifacts registered by checks are copied beside the reports and named in report.artifacts."""

from __future__ import annotations

import hashlib

from certifier.checks import registry
from certifier.checks.registry import Scope, check
from certifier.core.model import Severity, Stage
from certifier.certify import RunRequest, certify
from support import CONNECTORS


def test_artifact_lands_in_out_dir_with_its_digest(tmp_path, monkeypatch):
    @check(id="test.artifact-maker", version="1.0.0", stage=Stage.SPECIFICATION, title="makes an artifact",
           rationale="test", remediation="none", severity=Severity.INFO, scope=Scope.CONNECTOR)
    def maker(ctx):
        path = ctx.session.workspace / "made.json"
        path.write_text('{"made": true}')
        ctx.session.add_artifact("made.json", path)
        ctx.session.add_artifact("../escape.json", path)  # not a plain file name: ignored
        return iter(())

    try:
        outcome = certify(RunRequest(source=str(CONNECTORS / "minimal"), out_dir=tmp_path / "out",
                                     stages=frozenset({Stage.SPECIFICATION})))
    finally:
        registry._REGISTRY.pop("test.artifact-maker")
    artifact = outcome.report.artifacts["made.json"]
    copied = tmp_path / "out" / "made.json"
    assert copied.read_text() == '{"made": true}'
    assert artifact.sha256 == hashlib.sha256(copied.read_bytes()).hexdigest()
    assert list(outcome.report.artifacts) == ["made.json"] and not (tmp_path / "escape.json").exists()
