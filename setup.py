"""Build hook of certifier: everything else about the package is in pyproject.toml.

certifier's data lives at the top of the repository (rules/, report_templates/, tools-requirements.txt),
where reviewers and `make` find it. A wheel carries it as package data in certifier/_data/, copied there
while the package is built (setuptools' documented build_py extension point), so the installed tree is:

    site-packages/certifier/_data/rules/...
    site-packages/certifier/_data/report_templates/...
    site-packages/certifier/_data/tools-requirements.txt

certifier/core/paths.py reads certifier/_data/ when it exists, else the source tree (a checkout or an
editable install, where nothing is copied). MANIFEST.in puts the same files into the sdist, so a wheel
built from the sdist carries them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRS = ("rules", "report_templates")
DATA_FILES = ("tools-requirements.txt",)
PACKAGE_DATA_DIR = Path("certifier") / "_data"
NOT_DATA = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class BuildPyWithData(build_py):
    """build_py, then copy the top-level data into build_lib/certifier/_data/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # editable: certifier reads the source tree itself
            return
        target = Path(self.build_lib) / PACKAGE_DATA_DIR
        shutil.rmtree(target, ignore_errors=True)  # a rebuild never keeps a deleted rule file
        target.mkdir(parents=True)
        for name in DATA_DIRS:
            shutil.copytree(ROOT / name, target / name, ignore=NOT_DATA)
        for name in DATA_FILES:
            shutil.copy2(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildPyWithData})
