"""Which findings are one problem (identity keys, transitive groups), and code keys that keep fingerprints
across line moves. Merging them across results: tests/test_merge.py."""

from __future__ import annotations

import pytest

from certifier.core.dedup import code_key, cwe_ids, groups, identity_keys, normalised_code
from certifier.core.model import Finding, Location, Severity


def at(path="src/index.js", line=12, rule="eval-dynamic", key="k", **properties) -> Finding:
    return Finding(message=f"{rule} at {path}", severity=Severity.ERROR, rule=rule, key=key,
                   location=Location(path=path, line=line) if path else None, properties=properties)


def same(a: Finding, check_a: str, b: Finding, check_b: str) -> bool:
    return len(groups([identity_keys(a, check_a), identity_keys(b, check_b)])) == 1


@pytest.mark.parametrize("a, check_a, b, check_b, expected", [
    # (a) one claim about one place: a shared file reported by the check of each app
    (at(), "sec.sast", at(), "sec.sast", True),
    (at(), "sec.sast", at(), "sec.python-sast", False),  # another check's claim is another claim
    (at(), "sec.sast", at(line=13), "sec.sast", False),
    (at(), "sec.sast", at(key="other"), "sec.sast", False),
    (at(path=None), "struct.readme", at(path=None), "struct.readme", False),  # no place: never merged
    # (b) one secret in one file, whoever found it
    (at(rule="detect-secrets/secret-keyword", secret_sha1="ab"), "sec.secrets",
     at(rule="env-secret", line=3, secret_sha1="ab"), "sec.secret-files", True),
    (at(secret_sha1="ab"), "sec.secrets", at(path="src/other.js", secret_sha1="ab"), "sec.secrets", False),
    # (c) one weakness on one line, whichever rule or tool
    (at(rule="no-console-log", cwe="CWE-532: Insertion"), "sec.sast",
     at(rule="log-environment", key="k2", cwe="CWE-532: Insertion"), "sec.sast", True),
    (at(rule="ssrf-request-url", cwe="CWE-918"), "sec.sast",
     at(rule="tls-verification-disabled", key="k2", cwe="CWE-295"), "sec.sast", False),
    (at(rule="B105", cwe="CWE-259"), "sec.python-sast", at(rule="secret", key="k2", secret_sha1="ab"), "sec.secrets",
     True),
])
def test_which_findings_are_one_problem(a, check_a, b, check_b, expected):
    assert same(a, check_a, b, check_b) is expected


def test_grouping_is_transitive_and_keeps_input_order():
    a = at(rule="r1", key="1", cwe="CWE-95")
    b = at(rule="r2", key="2", cwe=["CWE-95", "CWE-94"])
    c = at(rule="r3", key="3", cwe="CWE-94")
    d = at(path="src/other.js")
    assert groups([identity_keys(f, "sec.sast") for f in (a, d, b, c)]) == [[0, 2, 3], [1]]
    assert groups([]) == []


def test_cwe_parsing():
    assert cwe_ids(at(cwe=["CWE-079", "cwe_22", "89", "not a cwe"])) == {"CWE-79", "CWE-22", "CWE-89"}
    assert cwe_ids(at(cwe="CWE-259: Use of Hard-coded Password")) == {"CWE-798"}
    assert cwe_ids(at(secret_sha1="ab")) == {"CWE-798"}


# --- code_key: fingerprints that survive line moves -------------------------------------------

SNIPPET = "  const result = eval(\n      request.body.expr)\n"


def fingerprinted(line: int, snippet: str) -> Finding:
    f = Finding(message=f"eval at line {line}", severity=Severity.ERROR, rule="no-eval", tool="semgrep",
                location=Location(path="src/index.js", line=line), key=code_key("no-eval", "src/index.js", snippet))
    return f.with_fingerprint("sec.sast", "hello-service")


def test_fingerprint_survives_a_move_ten_lines_down_and_reindentation():
    before = fingerprinted(12, SNIPPET)
    after = fingerprinted(22, "\tconst result = eval( request.body.expr )".replace("( ", "(\n ", 1))
    assert normalised_code(SNIPPET) == "const result = eval( request.body.expr)"
    moved = fingerprinted(22, SNIPPET)
    assert moved.fingerprint == before.fingerprint
    assert after.fingerprint != before.fingerprint  # ") " vs ")" differs: only whitespace runs collapse


def test_changed_snippet_rule_path_or_occurrence_changes_the_key():
    base = code_key("no-eval", "src/index.js", SNIPPET)
    assert base.startswith("code/v1:")
    assert code_key("no-eval", "src/index.js", SNIPPET.replace("expr", "code")) != base
    assert code_key("no-exec", "src/index.js", SNIPPET) != base
    assert code_key("no-eval", "src/other.js", SNIPPET) != base
    assert code_key("no-eval", "src/index.js", SNIPPET, occurrence=1) != base
    assert code_key("no-eval", "src/index.js", " \n".join(SNIPPET.split())) == base


def test_code_key_accepts_undecodable_file_names():
    assert code_key("r", "src/\udcff.js", "x").startswith("code/v1:")
