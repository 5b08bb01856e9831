"""The build stage's work: copy an app into a sandbox workspace, install, build and test it (once per run).

Checks (certifier/checks/build/) and the preview stage call `build_app(ctx.for_app(app))`.
"""

from certifier.collect.build.model import AppBuild, InstallProblem, TestCounts
from certifier.collect.build.prepare import prepare
from certifier.collect.build.settings import shared_cache_dir
from certifier.collect.build.stage import build_app

__all__ = ["AppBuild", "InstallProblem", "TestCounts", "build_app", "prepare", "shared_cache_dir"]
