"""Load `<root>/connect.yaml` once: bounded read, strict UTF-8, YAML 1.2 with positions, precise findings.

Everything in the file is untrusted. The file is stat-ed before it is read (a 50 MB file is refused
unread), never read through a symlink that leaves the repository, never opened if it is not a
regular file (a FIFO would block), and its YAML is scanned for hostile shapes before ruamel builds
anything from it (see yamlscan). The result never raises for connector input.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from certifier.connector.manifest import messages as say
from certifier.connector.manifest.model import ManifestLoad
from certifier.connector.manifest.plain import to_plain
from certifier.connector.manifest.rulesdata import ManifestLimits, specification_rules
from certifier.connector.manifest.yamlscan import scan
from certifier.core.model import Finding


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps YAML timestamps (2024-01-01) as the strings they were written as."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")  # YAML 1.2 unless the file says otherwise; keeps line/column of every key
    yaml.Constructor = _Constructor
    return yaml


def load_manifest(root: Path) -> ManifestLoad:
    """Read and parse `<root>/connect.yaml` (exactly that name). Never raises for connector input."""
    limits = specification_rules().manifest
    try:
        entries = set(os.listdir(root))
    except OSError as bad:
        return ManifestLoad(exists=False, findings=(say.unreadable_root(root, bad),))
    if limits.file not in entries:  # exact, case-sensitive name even on case-insensitive file systems
        return ManifestLoad(exists=False, findings=(say.missing(limits.file, entries),))
    raw, problem = _read_bounded(root, limits)
    if problem is not None:
        return ManifestLoad(exists=True, findings=(problem,))
    text, problem = _decode(raw)
    if problem is not None:
        return ManifestLoad(exists=True, findings=(problem,))
    return _parse(text, len(raw), limits)


def _read_bounded(root: Path, limits: ManifestLimits) -> tuple[bytes, Finding | None]:
    path = os.path.join(root, limits.file)
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.islink(path) and not real.startswith(real_root + os.sep):
        return b"", say.symlink_outside(os.readlink(path))
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO must not hang the run
    except OSError as bad:
        return b"", say.unreadable(bad)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", say.not_regular(info.st_mode)
        if info.st_size > limits.max_bytes:
            return b"", say.too_large(info.st_size, limits.max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(limits.max_bytes + 1)
    except OSError as bad:
        return b"", say.unreadable(bad)
    finally:
        os.close(fd)
    if len(raw) > limits.max_bytes:  # grew between fstat and read
        return b"", say.too_large(len(raw), limits.max_bytes)
    return raw, None


def _decode(raw: bytes) -> tuple[str, Finding | None]:
    nul = raw.find(b"\x00")
    if nul >= 0:
        return "", say.binary(raw, nul)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return "", say.not_utf8(raw, bad.start)
    return text.removeprefix("\ufeff"), None


def _parse(text: str, size: int, limits: ManifestLimits) -> ManifestLoad:
    try:
        problems = scan(text, limits)
        fatal = [p for p in problems if p.fatal]
        warnings = tuple(say.scan_problem(p) for p in problems if not p.fatal)
        if fatal:
            return ManifestLoad(exists=True, findings=tuple(say.scan_problem(p) for p in fatal) + warnings)
        document = _yaml().load(text)
    except DuplicateKeyError as bad:  # keys yamlscan cannot compare (complex keys)
        return ManifestLoad(exists=True, findings=(say.duplicate_key(bad),))
    except ReaderError as bad:
        return ManifestLoad(exists=True, findings=(say.reader_error(bad, text),))
    except MarkedYAMLError as bad:
        return ManifestLoad(exists=True, findings=(say.syntax_error(bad),))
    except (YAMLError, RecursionError, ValueError, TypeError, OverflowError) as bad:
        return ManifestLoad(exists=True, findings=(say.unparsable(bad),))
    data, positions = to_plain(document)
    shape = say.shape_problem(data, size)
    findings = warnings + ((shape,) if shape is not None else ())
    return ManifestLoad(exists=True, parsed=True, data=data, positions=positions, findings=findings)
