"""The reviewer's HTML report: self-contained, inert with hostile input, complete for a reviewer."""

from __future__ import annotations

import re

import pytest

from certifier.core.decision import DecisionKind, Verdict

from certifier.core.model import Outcome, Stage
from certifier.report.canonical import seal
from certifier.report.html import render_html
from tests.report.html_page import parse, text_of


@pytest.fixture
def html(report):
    return render_html(seal(report))


@pytest.fixture
def hostile_html(hostile):
    return render_html(seal(hostile))


def assert_inert(html: str) -> None:
    page = parse(html)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)


def test_the_page_is_self_contained(html):
    page = parse(html)
    assert not [t for t, a in page.tags if t == "script"]
    assert not [a for t, a in page.tags if t == "link"]
    assert not [a for t, a in page.tags if "src" in a]
    assert all(a["href"].startswith("#") for t, a in page.tags if "href" in a)
    assert not re.search(r"<script\s+src|<link[^>]+stylesheet|url\(\s*['\"]?https?:", html, re.I)
    assert [t for t, a in page.tags if t == "style"]  # the CSS is inline


def test_hostile_strings_are_escaped_and_inert(hostile_html, hostile_strings):
    assert_inert(hostile_html)
    assert "<script>alert(1)</script>" not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "<img src=x" not in hostile_html
    text = text_of(hostile_html)
    assert hostile_strings["script"] in text  # shown to the reader, as text
    assert hostile_strings["attr"] in text
    assert "{{7*7}}" in text and "49 javascript" not in text  # never evaluated as a template
    assert "javascript:alert(1)//src/index.js" in text


def test_bidi_and_control_characters_are_made_visible(hostile_html):
    assert "\u202e" not in hostile_html and "\u202c" not in hostile_html
    assert "src/\u27e8U+202E\u27e9exe.js\u27e8U+202C\u27e9" in hostile_html


def test_ids_are_safe_unique_and_every_anchor_link_resolves(hostile_html, html):
    for page_html in (html, hostile_html):
        page = parse(page_html)
        ids = [a["id"] for _, a in page.tags if "id" in a]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
        targets = {a["href"][1:] for _, a in page.tags if "href" in a}
        assert targets <= set(ids)


def test_trace_links_to_the_findings_it_cites(report):
    sealed = seal(report)
    page = parse(render_html(sealed))
    ids = {a.get("id") for _, a in page.tags}
    cited = [fp for step in sealed.decision.trace for fp in step.fingerprints]
    assert cited
    for fingerprint in cited:
        assert f"f-{fingerprint}" in ids
        assert ("a", {"class": "mono", "href": f"#f-{fingerprint}"}) in page.tags


def test_content_a_reviewer_needs(html, report):
    text = text_of(html)
    for expected in [
        "Rejected", "negative", "profile", "block-on-error", "error-is-undecided",  # verdict, trace
        "connect.yaml:7", "deployAs.0.endpoint", "hello-service/package.json:3",  # where
        "Write the endpoint as /service.", "Add a start script.",  # how to fix
        "endpoint must start with '/'", "semgrep timed out after 120 s",  # messages, error reason
        "skipped: the structure stage failed", "applies to service, event, job apps only",
        "v1.0.0", "annotated", "c" * 40, "d" * 40, "ab" * 32, "0.1.0",  # provenance, versions
        "1.182.0", "20.11.1", "12.50 s", "8.25 s",  # tools and timings
        "W-0", "applied", "expired", "unused", "rev@example.com",  # waivers
        "needs human review", "semgrep", "hello-service", "mc-ui",
    ]:
        assert expected in text, expected
    for word in ("pass", "fail", "warn", "error", "skip", "not-applicable"):
        assert word in text


def test_error_looks_different_from_fail(html):
    page = parse(html)
    badges = {a["class"] for t, a in page.tags if t == "span" and "badge" in (a.get("class") or "")}
    assert "badge o-error" in badges and "badge o-fail" in badges
    assert "could not run" in text_of(html)
    style = html[html.index("<style>"):html.index("</style>")]
    error_rule = re.search(r"\.o-error \{([^}]*)\}", style).group(1)
    fail_rule = re.search(r"\.o-fail \{([^}]*)\}", style).group(1)
    assert error_rule != fail_rule and "dashed" in error_rule


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_the_verdict_is_coloured_by_decision_kind(make_report, kind):
    verdict = {DecisionKind.POSITIVE: Verdict.ACCEPTED, DecisionKind.NEGATIVE: Verdict.REJECTED,
               DecisionKind.REVIEW: Verdict.IN_PROGRESS, DecisionKind.UNDECIDED: Verdict.UNDECIDED}[kind]
    page = parse(render_html(make_report(kind=kind, verdict=verdict)))
    headers = [a for t, a in page.tags if t == "header"]
    assert headers == [{"class": f"verdict kind-{kind.value}"}]
    assert verdict.value in " ".join(page.text)


def test_each_finding_shows_the_verdict_sealed_in_the_decision(make_report, make_results):
    from certifier.core.decision import FindingStatus, FindingVerdict

    results = make_results()
    fingerprints = [f.fingerprint for r in results for f in r.findings]
    statuses = [FindingStatus.BLOCKS, FindingStatus.WAIVED, FindingStatus.NEEDS_REVIEW, FindingStatus.ADVISORY]
    verdicts = tuple(FindingVerdict(fingerprint=fp, check_id="x", status=status, rule=f"preview:r{n}",
                                    reason=f"because {n}")
                     for n, (fp, status) in enumerate(zip(fingerprints, statuses)))
    html = render_html(seal(make_report(results=results, verdicts=verdicts)))
    page = parse(html[html.index('id="results"'):])  # the full results: one badge per finding
    classes = [a.get("class") for t, a in page.tags if t == "span"]
    assert classes.count("st st-blocks") == classes.count("st st-waived") == 1
    assert classes.count("st st-review") == classes.count("st st-advisory") == 1
    text = " ".join(page.text)
    assert "preview:r2" in text and "because 2" in text  # the deciding rule and its reason
    unjudged = parse(render_html(seal(make_report(results=results, verdicts=()))))
    assert not [a for t, a in unjudged.tags if t == "span" and (a.get("class") or "").startswith("st ")]


def test_long_evidence_is_truncated(html):
    assert "x" * 5000 not in html
    assert "more characters" in html


def test_findings_are_grouped_by_stage_then_app(html):
    order = [m.group(1) for m in re.finditer(r'<h3 id="stage-([a-z-]+)"', html)]
    assert order == ["specification", "structure", "security", "dependencies", "build"]
    structure = html[html.index('id="stage-structure"'):html.index('id="stage-security"')]
    assert structure.index(">connector<") < structure.index("hello-service") < structure.index("mc-ui")


def test_an_aborted_run_without_results_still_renders(make_report):
    html = render_html(make_report(results=[], stages=(), aborted="the checkout could not be fetched"))
    text = text_of(html)
    assert "The run stopped early" in text and "the checkout could not be fetched" in text
    assert "No check produced a result." in text
    assert_inert(html)


def test_unknown_fingerprint_in_the_trace_is_not_a_link(make_report, make_result):
    report = make_report(results=[make_result("spec.schema", Stage.SPECIFICATION, Outcome.PASS)])
    step = report.decision.trace[0].model_copy(update={"fingerprints": ("deadbeef" * 4,)})
    report = report.model_copy(update={"decision": report.decision.model_copy(update={"trace": (step,)})})
    page = parse(render_html(report))
    assert not [a for t, a in page.tags if t == "a" and "deadbeef" in a.get("href", "")]
    assert ("span", {"class": "mono muted", "title": "not among this report's findings"}) in page.tags
    assert "deadbeefdead" in " ".join(page.text)


def test_recorded_reviews_are_shown_with_reviewer_and_inert_comments(report):
    from certifier.core.report import Review

    review = Review(reviewer="ana@example.com", approve=False, comments="<script>alert(1)</script> needs scopes",
                    at="2026-11-22T10:00:00Z", verdict_before=Verdict.IN_PROGRESS,
                    verdict_after=Verdict.CERTIFICATION_FAILED)
    page = render_html(seal(report.model_copy(update={"reviews": (review,)})))
    text = text_of(page)
    assert "ana@example.com" in text and "rejected" in text and "Certification failed" in text
    assert "<script>alert(1)</script> needs scopes" in text  # shown as text ...
    assert_inert(page)  # ... never as markup


def test_a_report_without_reviews_says_so(html):
    assert "No reviewer has recorded a decision" in text_of(html)
