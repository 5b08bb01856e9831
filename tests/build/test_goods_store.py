"""The example connector (three TypeScript apps) installs, builds and passes its tests, apps in parallel."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from certifier.collect.build import build_app
import harness
from support import EXAMPLES

pytestmark = pytest.mark.slow


def test_goods_store_builds_and_tests_cleanly(context_of, build_check_specs):
    ctx = context_of(EXAMPLES / "goods-store")
    apps = ctx.connector.apps
    with ThreadPoolExecutor(len(apps)) as pool:  # as the scheduler does: one build per app, concurrently
        builds = list(pool.map(lambda app: build_app(ctx.for_app(app)), apps))
    for build in builds:
        assert build.ok and build.test.ok, (build.app, build.reason, build.test.log_tail(2000))
        assert build.package_manager == "npm" and build.build_script == "build"
        assert build.tests.failed == 0 and build.tests.passed > 10
        assert (build.app_dir / "dist" / "index.js").is_file()
    results = [r for spec in build_check_specs for r in harness.results(spec, ctx)]  # memoised: no second build
    assert {(r.check_id, r.outcome.value) for r in results} == {
        ("build.install", "pass"), ("build.compile", "pass"), ("build.test", "pass"), ("build.java", "not-applicable")}
