"""Find an external program (git, node, semgrep...): CERTIFIER_<TOOL> override, then the pinned tools venv,
then PATH. The one place certifier looks for a program of its own; a connector's commands are resolved on
the sandbox's PATH by the process runner instead.

Version-sensitive tools (semgrep above all) are pinned in `tools-requirements.txt` and installed into
`.venv-tools/` by `make tools`, apart from certifier's own environment because of their tight pins.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2]
TOOLS_VENV = Path(os.environ.get("CERTIFIER_TOOLS_VENV", _SOURCE_ROOT / ".venv-tools"))


def locate(tool: str) -> Path | None:
    """Path of `tool`'s executable, or None when it is not installed (the caller reports `error`)."""
    override = os.environ.get("CERTIFIER_" + tool.upper().replace("-", "_"))
    if override:
        path = Path(override)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    pinned = TOOLS_VENV / "bin" / tool
    if pinned.is_file() and os.access(pinned, os.X_OK):
        return pinned
    found = shutil.which(tool)
    return Path(found) if found else None
