"""dedupe: the same advisory or the same line from several tools becomes one finding; code_key keeps
fingerprints across line moves."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certifier.core.dedup import code_key, cwe_ids, dedupe, normalised_code, rule_family
from certifier.core.model import Finding, Location, Severity

LOCK = "hello-service/package-lock.json"


def advisory(tool, rule, aliases=(), severity=Severity.ERROR, package="lodash", version="4.17.20", lockfile=LOCK):
    return Finding(message=f"{package}@{version}: {rule}", severity=severity, tool=tool, rule=rule,
                   location=Location(path=lockfile),
                   properties={"package": package, "version": version, "aliases": list(aliases)})


def code(tool, rule, line=12, severity=Severity.WARNING, path="src/index.js", **properties):
    return Finding(message=f"{rule} at {path}", severity=severity, tool=tool, rule=rule,
                   location=Location(path=path, line=line), properties=properties)


# --- (a) the same advisory ----------------------------------------------------------------------

def test_same_advisory_by_alias_from_two_sources_is_one_finding_keeping_the_most_severe():
    osv = advisory("osv", "GHSA-35jh-r3h4-6jhm", aliases=["CVE-2021-23337"], severity=Severity.WARNING)
    audit = advisory("npm-audit", "cve-2021-23337", severity=Severity.ERROR)
    (merged,) = dedupe([osv, audit])
    assert merged.severity is Severity.ERROR and merged.tool == "npm-audit"
    assert merged.properties["tools"] == ["npm-audit", "osv"]
    assert merged.properties["aliases"] == ["GHSA-35jh-r3h4-6jhm"]  # CVE id is the kept rule itself


def test_aliases_are_merged_without_case_duplicates():
    a = advisory("osv", "GHSA-35jh-r3h4-6jhm", aliases=["CVE-2021-23337"])
    b = advisory("other", "CVE-2021-23337", aliases=["ghsa-35jh-r3h4-6jhm", "SNYK-JS-LODASH-1040724"])
    (merged,) = dedupe([a, b])
    assert merged.rule == "GHSA-35jh-r3h4-6jhm"  # equal severity: tie broken by tool name ("osv" < "other")
    assert merged.properties["aliases"] == ["CVE-2021-23337", "SNYK-JS-LODASH-1040724"]


def test_same_advisory_for_another_version_package_or_lockfile_stays_apart():
    base = advisory("osv", "GHSA-35jh-r3h4-6jhm")
    others = [
        advisory("npm-audit", "GHSA-35jh-r3h4-6jhm", version="4.17.21"),
        advisory("npm-audit", "GHSA-35jh-r3h4-6jhm", package="lodash-es"),
        advisory("npm-audit", "GHSA-35jh-r3h4-6jhm", lockfile="other-app/package-lock.json"),
    ]
    assert len(dedupe([base, *others])) == 4


def test_different_advisories_for_one_package_stay_apart():
    assert len(dedupe([advisory("osv", "GHSA-aaaa-bbbb-cccc"), advisory("osv", "GHSA-dddd-eeee-ffff")])) == 2


# --- (b) the same line ---------------------------------------------------------------------------

def test_same_line_same_cwe_from_two_tools_is_one_finding():
    semgrep = code("semgrep", "javascript.lang.security.eval-detected", cwe="CWE-95: Eval Injection")
    bandit_like = code("other-sast", "B307", severity=Severity.ERROR, cwe=["95"])
    (merged,) = dedupe([semgrep, bandit_like])
    assert merged.severity is Severity.ERROR and merged.rule == "B307"
    assert merged.properties["tools"] == ["other-sast", "semgrep"]
    assert merged.properties["cwe"] == ["CWE-95"]
    assert merged.properties["merged_rules"] == ["other-sast:B307", "semgrep:javascript.lang.security.eval-detected"]


def test_same_line_same_rule_family_from_two_rule_packs_is_one_finding():
    ours = code("semgrep", "rules.semgrep.security.no-eval")
    theirs = code("semgrep", "no-eval")
    assert len(dedupe([ours, theirs])) == 1


def test_another_line_or_another_cwe_stays_apart():
    a = code("semgrep", "eval-detected", cwe="CWE-95")
    assert len(dedupe([a, code("bandit", "B307", line=13, cwe="CWE-95")])) == 2
    assert len(dedupe([a, code("bandit", "B105", cwe="CWE-259")])) == 2
    assert len(dedupe([a, code("bandit", "B307", path="src/other.js", cwe="CWE-95")])) == 2


def test_grouping_is_transitive_and_review_flag_survives():
    a = code("semgrep", "eval-detected", cwe="CWE-95")
    b = code("bandit", "B307", cwe=["CWE-95", "CWE-94"], severity=Severity.ERROR)
    c = code("secret-scan", "x", cwe="CWE-94")
    c = c.model_copy(update={"needs_review": True})
    (merged,) = dedupe([a, b, c])
    assert merged.needs_review and merged.properties["cwe"] == ["CWE-94", "CWE-95"]
    assert merged.properties["tools"] == ["bandit", "secret-scan", "semgrep"]


def test_identical_findings_collapse_and_unrelated_ones_are_untouched():
    a = Finding(message="README has no support contact", severity=Severity.WARNING)
    b = Finding(message="no LICENSE file", severity=Severity.ERROR)
    out = dedupe([a, a, b])
    assert [f.message for f in out] == ["no LICENSE file", "README has no support contact"]  # most severe first
    assert all(f.properties["tools"] == ["certifier"] for f in out)


def test_nothing_in_nothing_out():
    assert dedupe([]) == ()


findings_strategy = st.lists(
    st.sampled_from([
        advisory("osv", "GHSA-35jh-r3h4-6jhm", aliases=["CVE-2021-23337"]),
        advisory("npm-audit", "CVE-2021-23337", severity=Severity.WARNING),
        advisory("osv", "GHSA-dddd-eeee-ffff"),
        code("semgrep", "eval-detected", cwe="CWE-95"),
        code("bandit", "B307", cwe="CWE-95", severity=Severity.ERROR),
        code("bandit", "B105", line=3, cwe="CWE-259"),
        code("semgrep", "no-eval", line=3),
    ]),
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(findings_strategy, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(findings, rnd):
    shuffled = list(findings)
    rnd.shuffle(shuffled)
    assert dedupe(findings) == dedupe(shuffled)
    assert dedupe(dedupe(findings)) == dedupe(findings)  # idempotent


# --- helpers -----------------------------------------------------------------------------------

def test_cwe_and_family_parsing():
    f = code("t", "a.b/c:D-Rule", cwe=["CWE-079", "cwe_22", "89", "not a cwe"])
    assert cwe_ids(f) == {"CWE-79", "CWE-22", "CWE-89"}
    assert rule_family(f) == "d-rule"
    assert rule_family(code("t", "x", family="Eval")) == "eval"


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
