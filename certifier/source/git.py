"""Every git call of the source stage: GitPython's executor, a scrubbed environment and a deadline.

GitPython builds a child's environment from `os.environ` and can only add to it, so an inherited
GIT_DIR, GIT_CONFIG_PARAMETERS or GIT_SSH_COMMAND would reach git. The command therefore starts
with `env -u NAME ...` for every inherited variable that is not ours (names only: values never go
on a command line), so git sees exactly `GitRunner.environment()`. User and system git config are switched off,
the protocols are limited to file/https/ssh (so `ext::` and friends cannot run programs), prompts
are impossible (no terminal, BatchMode ssh, an askpass that answers nothing), and a fixed set of
config keys at "command" scope (which outranks repository config) disables hooks, fsmonitor,
submodule recursion, LFS and automatic gc.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from certifier.core.locate import locate
from certifier.source.checkout import SourceError

GIT_EXECUTABLE: str | None = None  # None: "git" from PATH. Tests point it at a fake git.

_SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# Infrastructure settings the operator may need for https/ssh; none of them is git behaviour.
_PASSTHROUGH = (
    "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
    "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "SSH_AUTH_SOCK",
)
BASE_CONFIG: dict[str, str] = {
    "core.hooksPath": "/dev/null",
    "core.fsmonitor": "false",
    "core.protectNTFS": "true",
    "core.protectHFS": "true",
    "credential.helper": "",
    "submodule.recurse": "false",
    "fetch.recurseSubmodules": "false",
    "transfer.fsckObjects": "true",  # refuse malformed objects (.git paths, '..' names, bad .gitmodules)
    "fetch.fsck.zeroPaddedFilemode": "ignore",  # a harmless quirk of trees written by old tools
    "fetch.unpackLimit": "1",  # always keep one pack, so the file-size limit bounds the download
    "transfer.unpackLimit": "1",
    "gc.auto": "0",  # no background gc left running after we return
    "maintenance.auto": "false",
    "init.defaultBranch": "certifier",
    "advice.detachedHead": "false",
    "checkout.workers": "1",
    "filter.lfs.smudge": "",
    "filter.lfs.process": "",
    "filter.lfs.required": "false",
}
_TIMEOUT_MARK = "Timeout: the command"


@dataclass(frozen=True)
class GitResult:
    status: int
    stdout: bytes
    stderr: str
    overflow: bool = False  # the bounded sink stopped keeping output

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


class BoundedSink:
    """An output stream for GitPython that keeps at most `max_records` NUL-ended records and
    `max_bytes` bytes, then drains the rest so git can finish (the deadline still applies)."""

    def __init__(self, max_records: int | None, max_bytes: int):
        self.max_records, self.max_bytes = max_records, max_bytes
        self.records = self.size = 0
        self.overflow = False
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        if not self.overflow:
            self.records += data.count(b"\0")
            self.size += len(data)
            too_many = self.max_records is not None and self.records > self.max_records
            if too_many or self.size > self.max_bytes:
                self.overflow = True
                self._chunks.clear()
            else:
                self._chunks.append(data)
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


@dataclass(frozen=True)
class GitRunner:
    home: Path  # HOME of every call: the run's workspace
    deadline: float  # time.monotonic() after which nothing more is started
    timeout_s: float
    allow_http: bool = False
    config: dict[str, str] = field(default_factory=dict)  # more command-scope config
    ceiling: Path | None = None  # GIT_CEILING_DIRECTORIES: never discover a repository above it
    file_size_limit: int | None = None  # RLIMIT_FSIZE for git and its children (prlimit)

    @classmethod
    def start(cls, home: Path, timeout_s: float, *, allow_http: bool = False, ceiling: Path | None = None,
              file_size_limit: int | None = None) -> GitRunner:
        """A runner whose calls all share one budget of `timeout_s` seconds from now."""
        return cls(home=home, deadline=time.monotonic() + timeout_s, timeout_s=timeout_s, allow_http=allow_http,
                   ceiling=ceiling, file_size_limit=file_size_limit)

    def run(self, *args: str, cwd: Path | None = None, sink: BoundedSink | None = None,
            stdin: BinaryIO | None = None) -> GitResult:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise SourceError(f"git {args[0]} not started: the {self.timeout_s:g} s budget is spent", exit_code=3)
        git = GIT_EXECUTABLE or _program("git")
        if not git:
            raise SourceError("git is not installed on this machine", exit_code=3)
        env = self.environment(remaining, git)
        from git.cmd import Git  # imported on first use: GitPython costs ~45 ms, which `certifier manifest`
        from git.exc import GitCommandNotFound  # (a pre-commit hook) does not pay

        try:
            status, out, err = Git(str(cwd or self.home)).execute(
                self._command(git, env, args), env=env, istream=stdin, with_extended_output=True, with_exceptions=False,
                stdout_as_string=False, kill_after_timeout=remaining, output_stream=sink,
                start_new_session=True,  # no controlling terminal: nothing can prompt
            )
        except GitCommandNotFound as error:
            raise SourceError(f"cannot run git: {error}", exit_code=3) from error
        if str(err).startswith(_TIMEOUT_MARK):
            raise SourceError(f"git {args[0]} did not finish within the {self.timeout_s:g} s budget and was killed",
                              exit_code=3)
        stdout = sink.getvalue() if sink is not None else (out or b"")
        return GitResult(status, stdout, str(err), overflow=bool(sink and sink.overflow))

    def _command(self, git: str, env: dict[str, str], args: tuple[str, ...]) -> list[str]:
        command = [_program("env") or "/usr/bin/env"]
        for name in sorted(set(os.environ) - set(env)):  # GitPython passes os.environ + env
            command += ["-u", name]
        prlimit = _program("prlimit")
        if self.file_size_limit and prlimit:
            command += [prlimit, f"--fsize={self.file_size_limit}"]
        return [*command, git, "--no-pager", *args]

    def environment(self, remaining: float, git: str) -> dict[str, str]:
        nothing = _program("true") or "/bin/true"
        connect_timeout = int(max(1, min(30, remaining)))
        env = {
            "PATH": f"{_SAFE_PATH}:{os.path.dirname(git)}",
            "HOME": str(self.home),
            "LC_ALL": "C",
            "LANGUAGE": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": nothing,
            "SSH_ASKPASS": nothing,
            "SSH_ASKPASS_REQUIRE": "never",
            "GIT_SSH_COMMAND": f"ssh -o BatchMode=yes -o ConnectTimeout={connect_timeout}",
            "GIT_SSH_VARIANT": "ssh",
            "GIT_ALLOW_PROTOCOL": "file:https:ssh" + (":http" if self.allow_http else ""),
            "GIT_LFS_SKIP_SMUDGE": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_OPTIONAL_LOCKS": "0",
        }
        if self.ceiling is not None:
            env["GIT_CEILING_DIRECTORIES"] = str(self.ceiling)
        env.update({k: os.environ[k] for k in _PASSTHROUGH if k in os.environ})
        config = {**BASE_CONFIG, **self.config}
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for index, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        return env


# Substrings of git/ssh/curl messages (LC_ALL=C), lower-cased. Checked in this order.
_DENIED = ("authentication failed", "could not read username", "could not read password",
           "terminal prompts disabled", "permission denied", "returned error: 401", "returned error: 403")
_NOT_FOUND = ("repository not found", "does not appear to be a git repository", "not a git repository",
              "returned error: 404", "' not found", "does not exist")
_NETWORK = ("could not resolve", "failed to connect", "couldn't connect", "connection refused", "timed out",
            "no route to host", "network is unreachable", "connection reset", "connection closed",
            "kex_exchange_identification", "host key verification failed", "ssl", "certificate",
            "hung up unexpectedly", "early eof", "rpc failed", "returned error: 5", "temporary failure")
_CREDENTIALS_IN_URL = re.compile(r"(?i)(https?://)[^/@\s']+@")
_BOILERPLATE = ("please make sure you have the correct access rights", "and the repository exists")


def _program(name: str) -> str | None:
    found = locate(name)
    return str(found) if found else None


def git_message(stderr: str, limit: int = 400) -> str:
    """git's own explanation on one line, without credentials or the generic access-rights advice."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not any(b in ln.lower() for b in _BOILERPLATE)]
    text = _CREDENTIALS_IN_URL.sub(r"\1***@", " / ".join(lines)) or "no message from git"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def failure(result: GitResult, what: str, *, default_exit: int) -> SourceError:
    """Turn a failed git call into a SourceError: input problems exit 2, infrastructure exit 3."""
    low = result.stderr.lower()
    detail = git_message(result.stderr)
    if any(p in low for p in _DENIED):
        return SourceError(f"{what}: access denied ({detail}). A private repository must give the certifier "
                           "SSH access", exit_code=2)
    if any(p in low for p in _NOT_FOUND):
        return SourceError(f"{what}: no git repository there ({detail})", exit_code=2)
    if any(p in low for p in _NETWORK):
        return SourceError(f"{what}: repository unreachable ({detail})", exit_code=3)
    return SourceError(f"{what}: git failed ({detail})", exit_code=default_exit)
