"""The runner's plain data: resource limits and the result of one command (see certifier.sandbox.runner)."""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Limits:
    wall_s: float = 600.0  # whole process TREE killed when exceeded
    memory_mb: int | None = 4096  # RLIMIT_DATA per process (see module docstring)
    max_procs: int | None = 512  # RLIMIT_NPROC (processes and threads of the sandbox uid)
    max_file_mb: int | None = 1024  # RLIMIT_FSIZE
    max_output_bytes: int = 2_000_000  # stdout+stderr kept (head and tail), rest counted and dropped


@dataclass(frozen=True)
class ProcessResult:
    argv: tuple[str, ...]
    exit_code: int | None  # negative: killed by that signal; None: never started
    timed_out: bool
    duration_s: float
    stdout: str
    stderr: str
    output_truncated: bool
    killed_reason: str | None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def log_tail(self, chars: int = 4000) -> str:
        """The last `chars` characters of stdout and stderr (already redacted)."""
        text = self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr
        return text[-chars:]

    def evidence(self, chars: int = 4000) -> dict:
        """What a CheckResult's evidence should keep about this command."""
        return {"command": " ".join(self.argv), "exit_code": self.exit_code, "timed_out": self.timed_out,
                "duration_s": round(self.duration_s, 2), "killed_reason": self.killed_reason,
                "output_truncated": self.output_truncated, "log_tail": self.log_tail(chars)}
