"""sec.secrets: detect-secrets, our value patterns and the semgrep secret rules find committed secrets, one
finding per secret with its confidence and the kind of file it sits in, and no output of a whole run ever
contains a secret's value."""

from __future__ import annotations

import json
import logging

import pytest

from certifier.core.errors import ToolError
from certifier.checks.security import secrets as secrets_check
from certifier.core.model import Confidence, FileKind, Location, Outcome, Severity
from certifier.certify import RunRequest, certify
from certifier.tools import detect_secrets
from support import make_tagged_repo

CANARY = "ctpK4nary7Qx2Lm9Vb4Nz8Kp3Wd6Rt5Yh1"  # looks like a commercetools client secret


def only(results):
    assert len(results) == 1
    return results[0]


def test_a_hard_coded_client_secret_is_an_error_without_its_value(connector, check_on):
    result = only(check_on(connector("sec-hardcoded-secret"), "sec.secrets"))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert finding.rule == "hardcoded-credential" and finding.severity is Severity.ERROR
    assert finding.location.path == "hello-service/src/ctp-credentials.js" and finding.location.line == 6
    assert "Qm…(redacted, 36 chars)" in finding.message
    assert "Qm9vdGxlZ0NsaWVudFNlY3JldDEyMzQ1Njc4" not in json.dumps(result.model_dump(mode="json"))
    assert finding.properties["snippet"] == "clientSecret: '«redacted»',"
    assert finding.key == "secret:" + finding.properties["secret_sha1"]
    assert (finding.confidence, finding.file_kind) == (Confidence.HIGH, FileKind.SOURCE)
    assert finding.confidence_reason == "random 36-character value assigned to clientSecret in app source"


def test_the_clean_fixture_and_the_example_have_no_secrets(connector, check_on):
    for name in ("sec-clean", "examples/goods-store"):
        result = only(check_on(connector(name), "sec.secrets"))
        assert result.outcome is Outcome.PASS and result.findings == (), (name, result.summary)
    # goods-store's README says "secret: `openssl rand -hex 32`": detect-secrets flags it, we dismiss it
    assert result.evidence["secrets"]["dismissed_placeholders"] >= 1


def test_known_secret_formats_anywhere_in_the_tree(connector, check_on):
    root = connector("minimal")
    (root / "deploy.sh").write_text("export GH=ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + "\n")
    (root / "docs.md").write_text("AWS example key: AKIAIOSFODNN7EXAMPLE\n")
    result = only(check_on(root, "sec.secrets"))
    assert [(f.location.path, f.severity, f.confidence) for f in result.findings] == [
        ("deploy.sh", Severity.ERROR, Confidence.HIGH)]
    assert result.findings[0].confidence_reason == "matches the GitHub token format in app source"
    assert "ghp_a1B2" not in result.findings[0].message


def test_secrets_in_test_code_need_review(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/tests/auth.test.js").write_text(f"const clientSecret = '{CANARY}';\n")
    [finding] = only(check_on(root, "sec.secrets")).findings
    assert finding.severity is Severity.WARNING and finding.needs_review
    assert (finding.confidence, finding.file_kind) == (Confidence.MEDIUM, FileKind.TEST)


def candidate(path, line, sha1, tool, rule, confidence=Confidence.HIGH, kind=FileKind.SOURCE, snippet=""):
    return secrets_check.Candidate(path, line, sha1, "x", snippet, tool, rule, rule, kind, confidence, "why")


def test_one_finding_per_secret_whatever_found_it():
    found = [candidate("a.js", 3, "h1", "detect-secrets", "detect-secrets/secret-keyword"),
             candidate("a.js", 3, "h1", "semgrep", "hardcoded-credential", snippet="s"),
             candidate("a.js", 9, "h2", "certifier", "github-token")]
    findings = list(secrets_check.findings_from(found))
    assert [(f.rule, f.properties["tools"], f.seen_by) for f in findings] == [
        ("hardcoded-credential", ["detect-secrets", "semgrep"], ("detect-secrets", "semgrep")),
        ("github-token", ["certifier"], ())]


def test_a_secret_repeated_in_several_files_is_one_finding_where_it_counts_most():
    found = [candidate("app/tests/a.test.js", 2, "h1", "semgrep", "hardcoded-credential", Confidence.MEDIUM,
                       FileKind.TEST),
             candidate("app/src/b.js", 7, "h1", "detect-secrets", "detect-secrets/secret-keyword"),
             candidate("other/src/b.js", 7, "h1", "detect-secrets", "detect-secrets/secret-keyword")]
    [finding] = secrets_check.findings_from(found)
    assert (finding.location, finding.confidence, finding.severity) == (
        Location(path="app/src/b.js", line=7), Confidence.HIGH, Severity.ERROR)
    assert finding.also_at == (Location(path="app/tests/a.test.js", line=2), Location(path="other/src/b.js", line=7))


def test_detect_secrets_never_verifies_and_cannot_be_silenced():
    argv = detect_secrets.command(detect_secrets.locate("detect-secrets") or "detect-secrets",
                                  ["detect_secrets.filters.allowlist.is_line_allowlisted"])
    assert "--no-verify" in argv and "--all-files" in argv
    assert argv[argv.index("--disable-filter") + 1] == "detect_secrets.filters.allowlist.is_line_allowlisted"


def test_an_allowlist_pragma_does_not_hide_a_secret(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/src/key.js").write_text(f"const apiKey = '{CANARY}'; // pragma: allowlist secret\n")
    findings = only(check_on(root, "sec.secrets")).findings
    assert [f.properties["tools"] for f in findings] == [["detect-secrets", "semgrep"]]


def test_detect_secrets_failure_is_an_error(connector, check_on, monkeypatch, tmp_path):
    fake = tmp_path / "detect-secrets"
    fake.write_text("#!/bin/sh\necho boom >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CERTIFIER_DETECT_SECRETS", str(fake))
    result = only(check_on(connector("minimal"), "sec.secrets"))
    assert result.outcome is Outcome.ERROR and "detect-secrets failed" in result.summary
    with pytest.raises(ToolError, match="not JSON"):
        detect_secrets.parse("nope")


def test_detect_secrets_report_parsing(tmp_path):
    text = json.dumps({"results": {"a/b.ts": [{"type": "Secret Keyword", "line_number": 4, "hashed_secret": "ab",
                                               "is_verified": False}]}})
    assert detect_secrets.parse(text) == [detect_secrets.Detection("a/b.ts", 4, "Secret Keyword", "ab")]


def canary_connector(connector):
    root = connector("minimal")
    (root / "hello-service/src/ctp.js").write_text(
        "'use strict';\nconst clientSecret = '" + CANARY + "';\nmodule.exports = { clientSecret };\n")
    (root / "hello-service/.env").write_text(f"CTP_CLIENT_SECRET={CANARY}\n")
    (root / "hello-service/.npmrc").write_text(f"//registry.example.com/:_authToken={CANARY}\n")
    (root / "hello-service/src/debug.js").write_text(f"console.log('boot', '{CANARY}');\n")
    return root


@pytest.mark.slow
def test_a_secret_value_appears_in_no_output_of_a_whole_run(connector, tmp_path, caplog):
    repo = make_tagged_repo(canary_connector(connector), tmp_path / "repo")
    out = tmp_path / "out"
    caplog.set_level(logging.DEBUG)
    report = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="certification", out_dir=out)).report
    by_check = {r.check_id: r for r in report.results}
    assert by_check["sec.secrets"].outcome is Outcome.FAIL
    assert {f.rule for f in by_check["sec.secret-files"].findings} == {"env-secret", "npmrc-token"}
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {"report.json", "report.html", "summary.md", "connect-report.json", "report.sarif"} <= {p.name for p in written}
    leaking = [p.name for p in written if CANARY.encode() in p.read_bytes()]
    assert leaking == []
    assert CANARY not in caplog.text
    assert CANARY not in report.model_dump_json()
