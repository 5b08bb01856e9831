"""What kind of file a repository path is: app source, test, docs, generated, example, config template or
config. One list for the whole project (rules/file-kinds.yaml): checks and the confidence of their findings
both read it, so "test code" means the same everywhere."""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath

from certifier.core.data_yaml import load_data
from certifier.core.model import FileKind
from certifier.core.paths import rules_dir

RULES_FILE = "file-kinds.yaml"
HEADER_LINES = 8  # a generator's banner sits at the top of the file


def file_kind(path: str, head: str | None = None) -> FileKind:
    """The kind of the repository-relative POSIX `path`; `head` (the file's first lines), when given, lets a
    generator's banner mark a file as generated wherever it lives."""
    rules = _rules(str(rules_dir()))
    parts = PurePosixPath(path.lower()).parts
    folders, name = parts[:-1], parts[-1] if parts else ""
    for kind in rules["order"]:
        spec = rules["kinds"][kind]
        if set(folders) & spec["dirs"] or any(fnmatch.fnmatchcase(name, glob) for glob in spec["globs"]):
            return FileKind(kind)
    if head and _has_banner(head, rules["kinds"]["generated"]["header_markers"]):
        return FileKind.GENERATED
    return FileKind.SOURCE


def is_test_path(path: str) -> bool:
    return file_kind(path) is FileKind.TEST


def deployed(kind: FileKind) -> bool:
    """Whether a file of this kind is part of what the platform runs (source and its configuration)."""
    return kind in (FileKind.SOURCE, FileKind.CONFIG)


def _has_banner(head: str, markers: tuple[str, ...]) -> bool:
    top = "\n".join(head.splitlines()[:HEADER_LINES]).lower()
    return any(marker in top for marker in markers)


@lru_cache(maxsize=4)
def _rules(directory: str) -> dict:
    data = load_data((Path(directory) / RULES_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{RULES_FILE} must be a mapping with version: 1")
    kinds = {
        name: {
            "dirs": frozenset(d.lower() for d in spec.get("dirs", ())),
            "globs": tuple(g.lower() for g in spec.get("globs", ())),
            "header_markers": tuple(m.lower() for m in spec.get("header_markers", ())),
        }
        for name, spec in data["kinds"].items()
    }
    return {"order": tuple(data["order"]), "kinds": kinds}
