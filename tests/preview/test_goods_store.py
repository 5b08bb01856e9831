"""The example connector passes every probe of a local preview (the `make demo` input). Slow."""

from __future__ import annotations

import pytest

from certifier.core.model import Outcome
from support import EXAMPLES
from test_fixture_probes import explain, preview_results  # noqa: E402


@pytest.mark.slow
def test_goods_store_passes_every_probe(tmp_path, fake_build):
    results = preview_results(EXAMPLES / "goods-store", tmp_path)
    bad = [r for r in results if r.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE)]
    assert bad == [], explain(bad)
    service = next(r for r in results if r.check_id == "probe.extension-response")
    bodies = [e["response_body"] for e in service.evidence["transcript"]]
    assert any("addLineItem" in body for body in bodies), "a cart over the threshold gets the free sample"
