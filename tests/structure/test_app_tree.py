"""How per-app checks find an app's files: missing folders, symlinked folders, the inventory contract."""

from __future__ import annotations

import os

import harness
from certifier.connector.files import app_folder, files_under
from certifier.core.model import Outcome


def test_missing_app_folder_makes_app_checks_not_applicable(workdir, results):
    root = workdir("minimal")
    (root / "hello-service").rename(root / "elsewhere")
    result = results(root, "struct.start-script")[0]
    assert result.outcome is Outcome.NOT_APPLICABLE
    assert "app folder 'hello-service' is missing or unsafe" in result.summary


def test_symlinked_app_folder_inside_the_repo_is_read_through(workdir, context, catalogue):
    root = workdir("minimal")
    (root / "hello-service").rename(root / "impl")
    os.symlink("impl", root / "hello-service")
    ctx = context(root)
    outcomes = {spec_id: [r.outcome for r in harness.results(spec, ctx)] for spec_id, spec in catalogue.items()}
    assert outcomes["struct.start-script"] == [Outcome.PASS]
    assert outcomes["struct.tests-present"] == [Outcome.PASS]
    assert outcomes["struct.symlinks"] == [Outcome.PASS]


def test_symlinked_app_folder_outside_the_repo_is_never_read(workdir, results, tmp_path):
    root = workdir("minimal")
    (root / "hello-service").rename(tmp_path / "outside")
    os.symlink(tmp_path / "outside", root / "hello-service")
    assert results(root, "struct.package-json")[0].outcome is Outcome.NOT_APPLICABLE
    assert results(root, "struct.symlinks")[0].outcome is Outcome.FAIL


def test_an_apps_files_are_those_of_its_resolved_folder(fixture_dir, context):
    ctx = context(fixture_dir("minimal"))
    folder = app_folder(ctx.root, ctx.connector.app("hello-service").path)
    listed = files_under(ctx.checkout.files, folder)
    assert folder == "hello-service"
    assert "hello-service/package.json" in listed and "README.md" not in listed
    assert app_folder(ctx.root, None) is None

