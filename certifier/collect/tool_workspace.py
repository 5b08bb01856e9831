"""Where the certifier's OWN scanners run: a runner Workspace that keeps the invoking user.

The runner (certifier/sandbox/runner.py) runs connector code as an unprivileged sandbox uid when the certifier is
root. Our scanners cannot run as that uid: they live in the tools virtualenv, whose interpreter may sit in
a private directory (here .venv-tools/bin/python -> /root/.pyenv/..., mode 0700). They never execute
connector code, they only read it, so they run as the certifier's user, and keep everything else of the
runner: the scrubbed environment, a private HOME/TMPDIR, the wall-clock budget that kills the process
tree, the rlimits and the bounded, redacted output.
"""

from __future__ import annotations

from certifier.collect.session import RunSession
from certifier.sandbox.runner import Workspace

TOOLS_DIR = "security-tools"


class ToolWorkspace(Workspace):
    isolated = False  # our own scanners: no namespaces (their interpreter lives outside them), no quota

    def prepare(self) -> "ToolWorkspace":
        for directory in (self.root, self.home, self.tmp, self.cache):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self


def tool_workspace(session: RunSession, name: str) -> ToolWorkspace:
    """A private workspace per scanner of this run (their reports never mix)."""
    return ToolWorkspace(session.workspace / TOOLS_DIR / name).prepare()
