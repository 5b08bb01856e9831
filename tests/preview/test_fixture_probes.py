"""Preview fixtures deployed locally on the emulator by the preview checks alone (a stand-in build): the
clean fixture passes every probe family, and generated secrets never reach the evidence. That each
defective fixture fails exactly the right probe, with a transcript, is asserted on full pipeline runs by
tests/e2e/test_fixtures.py (`exactly: preview` in expectations.d/preview.yaml). (Slow: runs npm and node.)"""

from __future__ import annotations

import pytest

from certifier.checks import registry
from certifier.checks.execute import run_everywhere
from certifier.core.model import Outcome, Stage
from support import CONNECTORS

from preview_support import preview_context  # noqa: E402  (tests/preview/, on sys.path via conftest)

def preview_results(source, workspace) -> list:
    ctx = preview_context(source, workspace)
    try:
        checks = [spec for spec in registry.load_all().values() if spec.stage is Stage.PREVIEW]
        return [r for spec in checks for r in run_everywhere(spec, ctx)]
    finally:
        ctx.session.close()


def explain(results) -> list:
    """What went wrong, with script logs, for the assertion message."""
    return [(r.check_id, r.app, r.summary, [(f.rule, f.message[:300], str(f.properties.get("log_tail", ""))[-800:])
                                           for f in r.findings]) for r in results]


@pytest.mark.slow
def test_generated_secrets_never_reach_the_evidence(tmp_path, fake_build):
    results = preview_results(CONNECTORS / "preview-stack-trace", tmp_path)
    startup = next(r for r in results if r.check_id == "probe.startup")
    settings = {s["key"]: s for s in startup.evidence["startup"]["configuration"]}
    assert settings["EXTENSION_AUTH_TOKEN"] == {"key": "EXTENSION_AUTH_TOKEN", "origin": "generated-secret", "value": "***"}
    assert settings["CTP_CLIENT_SECRET"]["value"] == "***"
    assert "Bearer ***" in str([r.evidence for r in results])


@pytest.mark.slow
def test_the_clean_fixture_passes_each_probe_family_by_id(tmp_path, fake_build):
    """preview-good has a service, an event app and a job: every probe family ran on it and passed."""
    results = preview_results(CONNECTORS / "preview-good", tmp_path)
    outcome = {r.check_id: r.outcome for r in results if r.outcome is not Outcome.NOT_APPLICABLE}
    for check_id in ("probe.startup", "probe.extension-response", "probe.event-ack", "probe.job-trigger",
                     "probe.robustness", "probe.endpoint-path", "probe.postdeploy-idempotent",
                     "probe.preundeploy-cleanup"):
        assert outcome.get(check_id) is Outcome.PASS, (check_id, explain(results))
    transcripts = [r for r in results if r.check_id == "probe.extension-response" and r.outcome is Outcome.PASS]
    assert transcripts and all(r.evidence.get("transcript") for r in transcripts)
    # no Merchant Center app or assets in this connector
    assert {r.outcome for r in results if r.check_id == "probe.mc-build-output"} == {Outcome.NOT_APPLICABLE}
