"""The HTML report leads with what to fix: the verdict in one sentence, then one card per blocking problem
(code, file:line linked to the certified commit, the fix, advisories as links, a waiver entry with the full
fingerprint); warnings and review items below; passed and not-applicable checks folded into counts. Still one
self-contained file with no script, every value escaped, and the only links leaving the page built by
certifier."""

from __future__ import annotations

import re

import pytest

from certifier.core.decision import FindingStatus
from certifier.core.model import Outcome, Stage
from certifier.core.report import Provenance
from certifier.report.canonical import seal
from certifier.report.html import render_html
from tests.report.html_page import parse, text_of as page_text

COMMIT = "0123456789abcdef0123456789abcdef01234567"
ALLOWED_LINK = re.compile(r"#[A-Za-z0-9_-]+|https://(github\.com|gitlab\.com|bitbucket\.org|nvd\.nist\.gov|osv\.dev)/"
                          r"[A-Za-z0-9/%._#-]+")


def text_of(html: str) -> str:
    """The page's text with runs of whitespace as one space."""
    return " ".join(page_text(html).split())


@pytest.fixture
def hosted(make_report, make_result, make_finding, make_verdicts):
    """A report of a GitHub repository with a dependency advisory, a code finding and a warning."""
    dep = make_finding("lodash@4.17.15 is affected", path="app/package-lock.json", line=17,
                       check="deps.vulnerable-dependency", app="app", key="GHSA lodash",
                       properties={"package": "lodash", "version": "4.17.15", "fixed": "4.17.21", "direct": True,
                                   "advisories": [{"id": "GHSA-35jh-r3h4-6jhm", "aliases": ["CVE-2021-23337"],
                                                   "level": "HIGH", "fixed": "4.17.21"},
                                                  {"id": "PYSEC-2021-19", "aliases": ["javascript:alert(1)"]}]})
    code = make_finding("Code is evaluated at run time. More words.", path="app/src/rule.js", line=5, check="sec.sast",
                        app="app", properties={"snippet": "eval(req.body.x); // <b>x</b>"}, remediation="Don't.")
    warning = make_finding("console.log in app code", "warning", path="app/src/a.js", line=3, check="sec.sast",
                           app="app")
    results = [make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.FAIL, app="app", findings=[dep]),
               make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="app", findings=[code, warning]),
               make_result("struct.license", Stage.STRUCTURE, Outcome.PASS),
               make_result("struct.java", Stage.STRUCTURE, Outcome.NOT_APPLICABLE, summary="no Java app")]
    verdicts = make_verdicts(results, blocking={dep.fingerprint, code.fingerprint})
    return seal(make_report(results=results, verdicts=verdicts, provenance=Provenance(
        source="https://github.com/acme/connector.git", tag="v1.2.0", tag_kind="annotated", commit=COMMIT)))


def test_verdict_then_fix_these_come_before_everything_else(hosted):
    html = render_html(hosted)
    order = [html.index(marker) for marker in ('class="verdict', 'id="fix"', 'id="warnings"', 'id="checks"',
                                                'id="provenance"', 'id="results"')]
    assert order == sorted(order)
    assert "2 problems block the preview stage: fix them, then tag a new release." in text_of(html)
    assert "Fix these: 2 blocking problems" in text_of(html)


def test_each_card_has_code_linked_place_fix_advisory_links_and_full_fingerprint(hosted):
    html = render_html(hosted)
    cards = html[html.index('id="fix"'):html.index('id="warnings"')]
    page = parse(cards)
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert f"https://github.com/acme/connector/blob/{COMMIT}/app/src/rule.js#L5" in hrefs
    assert f"https://github.com/acme/connector/blob/{COMMIT}/app/package-lock.json#L17" in hrefs
    assert "https://github.com/advisories/GHSA-35jh-r3h4-6jhm" in hrefs
    assert "https://nvd.nist.gov/vuln/detail/CVE-2021-23337" in hrefs
    assert "https://osv.dev/vulnerability/PYSEC-2021-19" in hrefs
    text = text_of(cards)
    assert "lodash 4.17.15 \u2192 4.17.21 fixes 2 advisories" in text
    assert "Fix: Upgrade lodash to 4.17.21 or later" in text and "Fix: Don't." in text
    assert "5 | eval(req.body.x); // <b>x</b>" in text and "<b>x</b>" not in cards  # shown, escaped
    assert "javascript:alert(1)" in text  # an id of unknown shape is text, never a link
    for view in (f for r in hosted.results for f in r.findings if f.severity.value == "error"):
        assert f'fingerprint: "{view.fingerprint}"' in text  # the waiver entry: all 32 characters
        assert len(view.fingerprint) == 32


def test_warnings_below_and_passed_checks_folded_into_counts(hosted):
    html = render_html(hosted)
    warnings = text_of(html[html.index('id="warnings"'):html.index('id="checks"')])
    assert "Warnings: 1 item" in warnings and "console.log in app code" in warnings
    page = parse(html)
    summaries = [s for s in " ".join(page.text).split("\n") if "passed" in s or "not applicable" in s]
    assert any("1 check passed" in s for s in summaries) and any("1 check not applicable" in s for s in summaries)
    assert html.count("<details") >= 4  # passed, not applicable, trace, full results (no script needed)


def test_still_self_contained_and_inert_with_only_certifier_built_links(hosted, hostile):
    for report in (hosted, seal(hostile)):
        html = render_html(report)
        page = parse(html)
        assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "link", "object", "embed")]
        for tag, attrs in page.tags:
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            assert "src" not in attrs
            if "href" in attrs:
                assert ALLOWED_LINK.fullmatch(attrs["href"]), attrs["href"]
                assert attrs["href"].startswith("#") or attrs.get("rel") == "noopener noreferrer"
    assert 'href="https://' not in render_html(seal(hostile))  # nothing from a hostile report becomes a link


def test_no_link_for_a_local_source(make_report, make_result, make_finding):
    finding = make_finding("bad", path="src/a.js", line=1, check="sec.sast")
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, findings=[finding])],
                         provenance=Provenance(source="/tmp/repo", tag="v1", commit=COMMIT))
    assert 'href="https://' not in render_html(seal(report))


def test_timings_are_named_and_counts_are_not_seconds(make_report):
    report = make_report(timings={"fetch_s": 0.5, "checks_s": 2.25, "cache_hits": 49.0, "total_s": 3.0})
    text = text_of(render_html(seal(report)))
    assert "Fetch the repository at the tag 0.50 s" in text and "Run the checks (all stages) 2.25 s" in text
    assert "Results reused from the cache 49" in text and "49.00 s" not in text
    assert text.index("Results reused") < text.index("Total 3.00 s")


def test_page_fits_a_phone_and_prints(hosted):
    html = render_html(hosted)
    style = html[html.index("<style>"):html.index("</style>")]
    assert re.search(r"@media \(max-width: \d+px\)", style) and "@media print" in style
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert html.count('<div class="scroll">') >= 3  # wide tables scroll inside the page, never cut it


def test_pluralisation(make_report, make_result, make_finding):
    one = make_finding("only problem", path="a.js", line=1, check="sec.sast")
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, findings=[one])])
    text = text_of(render_html(seal(report)))
    assert "1 problem blocks the preview stage" in text and "Fix this: 1 blocking problem" in text
    assert "1 problems" not in text and "1 checks" not in text


def test_delta_is_shown_when_the_run_had_a_baseline(hosted):
    fix = [v.fingerprint for v in hosted.decision.findings if v.status is FindingStatus.BLOCKS]
    delta = {"baseline": {"tag": "v1.0.0", "commit": "e" * 40, "report_id": "r0"},
             "counts": {"new": 1, "unchanged": 1, "fixed": 1, "waived": 0},
             "fingerprints": {"new": fix[:1], "unchanged": fix[1:2], "fixed": ["f" * 32], "waived": []}}
    html = render_html(hosted.model_copy(update={"delta": delta}))
    text = text_of(html)
    assert "1 new, 1 fixed, 1 unchanged findings since v1.0.0" in text
    assert html.count('class="delta delta-new"') == 1 and html.count('class="delta delta-unchanged"') == 1
    assert "1 problem fixed since v1.0.0: " + "f" * 12 in text
    plain = render_html(hosted)
    assert 'class="delta-line"' not in plain and 'class="delta ' not in plain  # no baseline, no delta
