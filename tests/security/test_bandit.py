"""sec.python-sast: bandit over the Python files of an app; not-applicable without Python."""

from __future__ import annotations

import json

import pytest

from certifier.core.errors import ToolError
from certifier.core.model import Confidence, FileKind, Outcome, Severity
from certifier.tools import bandit


def only(results):
    assert len(results) == 1
    return results[0]


def test_shell_injection_in_a_python_helper_is_an_error(connector, check_on):
    result = only(check_on(connector("sec-python-app"), "sec.python-sast"))
    assert result.outcome is Outcome.FAIL
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert [(f.rule, f.location.path, f.location.line) for f in errors] == [
        ("B602", "hello-service/src/tools/export_orders.py", 8)]
    assert errors[0].properties["cwe"] == "CWE-78" and errors[0].tool == "bandit"
    assert errors[0].confidence is Confidence.HIGH and errors[0].file_kind is FileKind.SOURCE


def test_no_python_is_not_applicable(connector, check_on):
    result = only(check_on(connector("minimal"), "sec.python-sast"))
    assert result.outcome is Outcome.NOT_APPLICABLE


def test_nosec_hides_nothing_and_passwords_are_not_quoted(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/tools").mkdir()
    (root / "hello-service/tools/sync.py").write_text(
        "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)  # nosec\n\n\n"
        "password = 'Hunter2Hunter2Hunter2'\n")
    result = only(check_on(root, "sec.python-sast"))
    rules = {f.rule: f for f in result.findings}
    assert "B602" in rules and rules["B602"].severity is Severity.ERROR
    assert "B105" in rules and "Hunter2" not in rules["B105"].message
    assert "Hunter2" not in rules["B105"].properties["snippet"]


def test_a_file_bandit_cannot_parse_is_listed_and_the_rest_counts(connector, check_on):
    root = connector("sec-python-app")
    (root / "hello-service/src/tools/legacy.py").write_text("print 'python 2'\n")
    result = only(check_on(root, "sec.python-sast"))
    assert result.outcome is Outcome.FAIL and "1 file not scanned" in result.summary
    assert {f.rule for f in result.findings} >= {"B602", "not-scanned"}
    [missed] = [f for f in result.findings if f.rule == "not-scanned"]
    assert missed.severity is Severity.INFO and missed.location.path == "hello-service/src/tools/legacy.py"
    assert result.evidence["not_scanned"][0]["tool"] == "bandit"


def test_test_code_is_information(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/tests/test_tools.py").write_text("import subprocess\nsubprocess.call(input(), shell=True)\n")
    result = only(check_on(root, "sec.python-sast"))
    assert {f.severity for f in result.findings} == {Severity.INFO} and result.outcome is Outcome.PASS


def test_bandit_report_parsing():
    text = json.dumps({"errors": [{"filename": "././x/bad.py", "reason": "syntax error while parsing AST from file"}], "results": [
        {"filename": "././x/a.py", "line_number": 3, "test_id": "B106", "test_name": "hardcoded_password_funcarg",
         "issue_severity": "LOW", "issue_confidence": "MEDIUM", "issue_text": "Possible hardcoded password: 'abc'",
         "issue_cwe": {"id": 259}, "code": "login(password='abc')"}]})
    issues, errors = bandit.parse(text)
    assert errors == [bandit.FileError("x/bad.py", "syntax error while parsing AST from file")]
    [issue] = issues
    assert (issue.path, issue.test_id, issue.cwe, issue.text) == ("x/a.py", "B106", "CWE-259", "Possible hard-coded password")
    with pytest.raises(ToolError):
        bandit.parse("{}")
