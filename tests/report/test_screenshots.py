"""Issue 12, "Done when": headless Chromium renders the HTML report of the six-defects connector at 1400 px
and 390 px; the verdict and the first problem are above the fold, nothing is cut off sideways, and the six
problems each show their fix. The PNGs go to the test's tmp dir; CERTIFIER_WRITE_SCREENSHOTS=1 also writes
them to docs/img/ (for the README and docs/report.md).

Chromium is the Debian package `chromium` (`make chromium`, run by .ci/run), driven by the Python
`playwright` package (dev dependency) without downloading a browser of its own."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from certifier.certify import RunRequest, certify
from certifier.core.model import Stage
from support import CONNECTORS, make_tagged_repo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DOCS_IMG = Path(__file__).parents[2] / "docs" / "img"
VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}
GEOMETRY = """() => {
  const box = (selector) => { const e = document.querySelector(selector); return e && e.getBoundingClientRect(); };
  const cards = [...document.querySelectorAll('#fix article.problem')];
  return {
    verdictBottom: box('header.verdict').bottom,
    firstTitleBottom: box('#fix article.problem h3').bottom,
    firstFixTop: box('#fix article.problem .fix').top,
    scrollWidth: document.documentElement.scrollWidth,
    cards: cards.length,
    cardsWithFix: cards.filter(c => c.querySelector('.fix')).length,
  };
}"""


def _browser_or_skip():
    playwright = pytest.importorskip("playwright.sync_api", reason="the dev dependency playwright is not installed")
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make chromium` installs it")
        pytest.skip("chromium is not installed (make chromium)")
    return playwright


@contextmanager
def _chromium():
    """The Debian chromium driven by playwright, closed afterwards (skips when either is missing)."""
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def six_defects_html(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("six-defects")
    repo = make_tagged_repo(CONNECTORS / "six-defects", base / "repo")
    out = base / "out"
    certify(RunRequest(source=str(repo), tag="v1.0.0", stage="certification", out_dir=out,
                       stages=frozenset(s for s in Stage if not s.runs_connector_code)))
    return out / "report.html"


@pytest.mark.slow
def test_verdict_and_first_problem_are_above_the_fold(six_defects_html, tmp_path):
    with _chromium() as browser:
        for name, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(six_defects_html.as_uri())
            shape = page.evaluate(GEOMETRY)
            png = tmp_path / f"report-{name}.png"
            page.screenshot(path=str(png))
            assert png.stat().st_size > 10_000
            if os.environ.get("CERTIFIER_WRITE_SCREENSHOTS"):
                DOCS_IMG.mkdir(exist_ok=True)
                shutil.copyfile(png, DOCS_IMG / png.name)
            assert shape["cards"] == 6 and shape["cardsWithFix"] == 6, (name, shape)
            assert shape["verdictBottom"] <= height, (name, shape)
            assert shape["firstTitleBottom"] <= height, (name, shape)  # the first problem is seen at once
            assert shape["scrollWidth"] <= width, (name, shape)  # nothing is cut off sideways
            page.close()


@pytest.mark.slow
def test_print_layout_keeps_the_problems_first(six_defects_html, tmp_path):
    with _chromium() as browser:
        page = browser.new_page()
        page.goto(six_defects_html.as_uri())
        page.emulate_media(media="print")
        hidden = page.evaluate("() => getComputedStyle(document.querySelector('details.waive')).display")
        assert hidden == "none"  # waiver entries are for the screen; paper gets the problems
        pdf = tmp_path / "report.pdf"
        page.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_markdown_and_terminal_lead_with_the_same_six_problems(six_defects_html):
    from certifier.report.canonical import load_report
    from certifier.report.markdown import render_markdown
    from certifier.report.text import render_text

    report = load_report(six_defects_html.parent / "report.json")
    summary = render_markdown(report)
    fix = summary[summary.index("### Fix these (6)"):summary.index("| Stage |")]
    assert fix.count("**Fix:**") == 6 and "lodash 4.17.15 \u2192 4.17.21 fixes 3 advisories" in fix
    assert "[GHSA-35jh-r3h4-6jhm](https://github.com/advisories/GHSA-35jh-r3h4-6jhm)" in fix
    assert "/tmp/" not in summary and str(six_defects_html.parent) not in summary
    text = render_text(report, paths={"html": six_defects_html})
    assert "Fix these (6):" in text and text.count("     fix: ") == 6
    assert "Not run: build, preview: not requested (--static-only)" in text
