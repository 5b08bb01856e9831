"""Find an external program (git, node, semgrep...): CERTIFIER_<TOOL> override, then the pinned tools venvs,
then PATH. The one place certifier looks for a program of its own; a connector's commands are resolved on
the sandbox's PATH by the process runner instead.

Version-sensitive tools (semgrep above all) are pinned in `tools-requirements.txt` and live in a venv of their
own, apart from certifier's environment because of their tight pins:

- `.venv-tools/` of a source checkout (`make tools`; CERTIFIER_TOOLS_VENV names another one);
- the private tools venv of `certifier tools install`: $CERTIFIER_TOOLS_DIR, else
  $XDG_DATA_HOME/certifier/tools, else ~/.local/share/certifier/tools (what a wheel install uses).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def tools_dir() -> Path:
    """The private venv `certifier tools install` fills with the pinned scanners."""
    override = os.environ.get("CERTIFIER_TOOLS_DIR")
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "certifier" / "tools"


def tool_venvs() -> list[Path]:
    """The venvs searched before PATH, in order: the checkout's (or CERTIFIER_TOOLS_VENV), then the private one."""
    checkout = Path(os.environ.get("CERTIFIER_TOOLS_VENV") or _SOURCE_ROOT / ".venv-tools")
    return [checkout, tools_dir()]


def locate(tool: str) -> Path | None:
    """Path of `tool`'s executable, or None when it is not installed (the caller reports `error`)."""
    override = os.environ.get("CERTIFIER_" + tool.upper().replace("-", "_"))
    if override:
        path = Path(override)
        return path if _runnable(path) else None
    for venv in tool_venvs():
        pinned = venv / "bin" / tool
        if _runnable(pinned):
            return pinned
    found = shutil.which(tool)
    return Path(found) if found else None


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
