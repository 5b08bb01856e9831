"""Which files the security scans read: vendored code left out, and files too large to read told apart by
the sizes the checkout listed (a stat per file only for a file the listing lacks)."""

from __future__ import annotations

import os
from dataclasses import replace

from certifier.collect.scans import scanned_files, split_by_size


def test_vendored_dependencies_are_not_scanned(tmp_path, make_ctx):
    for name in ("src/index.js", "node_modules/dep/index.js", "src/node_modules/x.js", "node_modules.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert sorted(scanned_files(make_ctx(tmp_path))) == ["node_modules.js", "src/index.js"]


def test_sizes_come_from_the_listing_and_unlisted_files_are_measured(tmp_path, make_ctx, monkeypatch):
    (tmp_path / "small.js").write_text("x" * 10)
    (tmp_path / "large.js").write_text("x" * 10)
    (tmp_path / "unlisted.js").write_text("x" * 500)
    ctx = make_ctx(tmp_path)
    # the listing says large.js has 5,000 bytes: it is believed without a look at the disk
    ctx = replace(ctx, inventory=replace(ctx.inventory, checkout=replace(
        ctx.checkout, sizes={"small.js": 10, "large.js": 5000})))
    stats = []
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: stats.append(str(path)) or real_lstat(path, *a, **k))
    small, large = split_by_size(ctx, ["small.js", "large.js", "unlisted.js", "gone.js"], limit=100)
    assert small == ["small.js"]
    assert large == ["large.js", "unlisted.js", "gone.js"]  # a file that cannot be measured is never read
    assert [os.path.basename(p) for p in stats] == ["unlisted.js", "gone.js"]
