"""The build stage's work: copy an app into a sandbox workspace, install, build and test it (once per run).

Checks (certifier/checks/build/) and the preview stage call `build_app(ctx.for_app(app))`.
"""

from certifier.collect.build.model import AppBuild, InstallEgress, InstallProblem, TestCounts
from certifier.collect.build.prepare import prepare
from certifier.collect.build.settings import shared_cache_dir
from certifier.collect.build.stage import build_app

__all__ = ["AppBuild", "InstallEgress", "InstallProblem", "TestCounts", "build_app", "prepare", "shared_cache_dir"]
