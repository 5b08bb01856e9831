"""Yarn 2+ plugins stay out of the install: they are connector code, and the install reaches the registry.

Yarn reads every .yarnrc.yml from the project up to the file system's root and loads the `plugins` they
list when it starts. For the install, each such file of the copy (from the install directory up to the
copy's root; above it are only the sandbox's empty directories) is replaced by the same settings without
`plugins`, and put back afterwards: build and test (offline) run with the connector's own file.
A file we cannot read as YAML is left out whole for the install (Yarn's defaults).
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Iterator

from ruamel.yaml import YAML

RC_NAME = ".yarnrc.yml"
RC_LIMIT = 256 * 1024


@contextlib.contextmanager
def without_yarn_plugins(install_dir: Path, top: Path) -> Iterator[list[Path]]:
    """For the `with`: the .yarnrc.yml files between `install_dir` and `top` have no `plugins`; yields the
    files that had some (or could not be read)."""
    saved: list[tuple[Path, os.stat_result, bytes | str]] = []
    try:
        for folder in _folders(install_dir, top):
            path = folder / RC_NAME
            stripped = _stripped(path)
            if stripped is None:
                continue
            info = os.lstat(path)
            original = os.readlink(path) if path.is_symlink() else path.read_bytes()
            saved.append((path, info, original))
            _write(path, stripped, info)
        yield [path for path, _, _ in saved]
    finally:
        for path, info, original in reversed(saved):
            with contextlib.suppress(OSError):
                path.unlink()
                if isinstance(original, str):
                    os.symlink(original, path)
                    os.lchown(path, info.st_uid, info.st_gid)
                else:
                    _write(path, original.decode("utf-8", errors="surrogateescape"), info)


def _folders(install_dir: Path, top: Path) -> list[Path]:
    install_dir, top = Path(install_dir), Path(top)
    if not install_dir.is_relative_to(top):
        return [install_dir]
    folders = [install_dir, *(parent for parent in install_dir.parents if parent.is_relative_to(top))]
    return folders


def _stripped(path: Path) -> str | None:
    """The file's settings without `plugins` (text), '' when unreadable, None when nothing to change."""
    if not (path.is_file() or path.is_symlink()):
        return None
    try:
        with open(path, "rb") as handle:
            text = handle.read(RC_LIMIT + 1).decode("utf-8")
        if len(text) > RC_LIMIT:
            return ""
        data = YAML(typ="safe", pure=True).load(text)
    except Exception:  # ruamel raises many kinds; unreadable means: left out for the install
        return ""
    if not isinstance(data, dict):
        return None if data is None else ""
    if "plugins" not in data:
        return None
    del data["plugins"]
    out = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = False
    writer.dump(data, out)
    return out.getvalue() if data else ""


def _write(path: Path, text: str, info: os.stat_result) -> None:
    if path.is_symlink():
        path.unlink()
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    os.chmod(path, 0o644)
    os.lchown(path, info.st_uid, info.st_gid)
