"""The result cache: the same content certified twice reuses results; anything else that differs misses."""

from __future__ import annotations

from certifier.engine.cache import ResultCache
from certifier.checks.execute import result as make_result
from certifier.checks.registry import load_all
from certifier.collect.context import CheckContext, RunOptions
from certifier.core.model import Outcome, Stage
from certifier.certify import RunRequest, certify
from certifier.source.checkout import Checkout


STATIC = frozenset({Stage.SPECIFICATION, Stage.STRUCTURE, Stage.SECURITY, Stage.DEPENDENCIES})


def test_second_run_of_the_same_commit_reuses_every_static_result(tagged_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFIER_RESULT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tagged_repo("minimal")
    cold = certify(RunRequest(source=str(repo), tag="v1.0.0", stages=STATIC)).report
    warm = certify(RunRequest(source=str(repo), tag="v1.0.0", stages=STATIC)).report
    executed = [r for r in cold.results if r.outcome is not Outcome.NOT_APPLICABLE]
    uncacheable = [r for r in executed if not load_all()[r.check_id].cacheable or r.outcome is Outcome.ERROR]
    assert cold.timings["cache_hits"] == 0
    # every check that ran is served from the cache (also those that found themselves not applicable)
    assert warm.timings["cache_hits"] >= len(executed) - len(uncacheable)
    cached = [r.model_dump() for r in warm.results if load_all()[r.check_id].cacheable]
    assert cached == [r.model_dump() for r in cold.results if load_all()[r.check_id].cacheable]
    assert warm.decision == cold.decision


def test_no_cache_runs_everything(tagged_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFIER_RESULT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tagged_repo("minimal")
    certify(RunRequest(source=str(repo), tag="v1.0.0", stages=STATIC))
    again = certify(RunRequest(source=str(repo), tag="v1.0.0", use_cache=False, stages=STATIC)).report
    assert "cache_hits" not in again.timings


def _ctx(tmp_path, tree="a" * 40, dirty=False):
    checkout = Checkout(path=tmp_path, source="x", tree=tree, dirty=dirty)
    from certifier.collect.context import Inventory

    return CheckContext(Inventory(checkout, None, None), RunOptions())


def test_key_depends_on_content_and_environment(tmp_path):
    spec = load_all()["spec.schema"]
    base = ResultCache(tmp_path, {"rules": "r1", "semgrep": "1.182.0"})
    other_tools = ResultCache(tmp_path, {"rules": "r1", "semgrep": "1.185.0"})
    key = base.key(spec, _ctx(tmp_path))
    assert key == base.key(spec, _ctx(tmp_path))
    assert key != base.key(spec, _ctx(tmp_path, tree="b" * 40))
    assert key != other_tools.key(spec, _ctx(tmp_path))


def test_dirty_trees_and_runtime_stages_are_not_cached(tmp_path):
    cache = ResultCache(tmp_path, {})
    assert cache.key(load_all()["spec.schema"], _ctx(tmp_path, dirty=True)) is None
    assert cache.key(load_all()["spec.schema"], _ctx(tmp_path, tree=None)) is None


def test_errors_are_never_stored_and_corrupt_entries_miss(tmp_path):
    spec = load_all()["spec.schema"]
    cache = ResultCache(tmp_path, {})
    ctx = _ctx(tmp_path)
    key = cache.key(spec, ctx)
    cache.put(key, make_result(spec, ctx, Outcome.ERROR, "tool crashed"))
    assert cache.get(key) is None
    cache.put(key, make_result(spec, ctx, Outcome.PASS, "fine"))
    assert cache.get(key).summary == "fine"
    cache._path(key).write_text("{not json")
    assert cache.get(key) is None


def test_a_publish_run_after_a_preview_run_of_the_tag_reuses_every_static_result(tagged_repo, tmp_path, monkeypatch):
    """The cache key holds content, check, rules and tools: not the stage decided, not the profile's lists."""
    monkeypatch.setenv("CERTIFIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CERTIFIER_RESULT_CACHE_DIR")
    repo = tagged_repo("deps-gpl-license")  # a licence finding: certification's deny list must not reach the key
    preview = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="preview", stages=STATIC)).report
    publish = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="publish", stages=STATIC)).report
    certification = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="certification", stages=STATIC)).report
    catalogue = load_all()
    ran = [r for r in preview.results if r.outcome not in (Outcome.NOT_APPLICABLE, Outcome.ERROR)]
    assert ran and all(r.stage in STATIC for r in ran)
    assert [r.check_id for r in ran if not catalogue[r.check_id].cacheable] == ["deps.sbom"]  # its file is its product
    stored = list((tmp_path / "cache" / "results").glob("??/*.json"))  # one entry per check and target
    assert len(stored) >= len(ran) - 1
    assert preview.timings["cache_hits"] == 0
    assert publish.timings["cache_hits"] == len(stored) == certification.timings["cache_hits"]
    assert [r for r in publish.results if catalogue[r.check_id].cacheable] == [
        r for r in preview.results if catalogue[r.check_id].cacheable]
    assert (preview.decision.stage, publish.decision.stage) == ("preview", "publish")
