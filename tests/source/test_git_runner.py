"""The git runner: exactly our environment, only file/https/ssh transports, bounded output."""

from __future__ import annotations

from certifier.source import git as source_git
from certifier.source.git import BoundedSink, GitRunner


def test_git_sees_exactly_the_scrubbed_environment(tmp_path, monkeypatch):
    fake_git = tmp_path / "print-env"
    fake_git.write_text("#!/bin/sh\nenv\n")
    fake_git.chmod(0o755)
    monkeypatch.setattr(source_git, "GIT_EXECUTABLE", str(fake_git))
    monkeypatch.setenv("GIT_DIR", "/somewhere/else")
    monkeypatch.setenv("CERTIFIER_HOST_SECRET", "s3cret")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    result = GitRunner.start(tmp_path, 10).run("version")
    seen = dict(line.split("=", 1) for line in result.text.splitlines() if "=" in line)
    assert "GIT_DIR" not in seen and "CERTIFIER_HOST_SECRET" not in seen
    assert seen["https_proxy"] == "http://proxy.invalid:3128"  # infrastructure settings pass through
    assert seen["HOME"] == str(tmp_path)
    assert seen["GIT_CONFIG_NOSYSTEM"] == "1" and seen["GIT_CONFIG_GLOBAL"] == "/dev/null"
    assert seen["GIT_TERMINAL_PROMPT"] == "0" and seen["GIT_ALLOW_PROTOCOL"] == "file:https:ssh"
    assert "BatchMode=yes" in seen["GIT_SSH_COMMAND"]
    count = int(seen["GIT_CONFIG_COUNT"])
    keys = {seen[f"GIT_CONFIG_KEY_{n}"]: seen.get(f"GIT_CONFIG_VALUE_{n}") for n in range(count)}
    assert keys["core.hooksPath"] == "/dev/null" and keys["core.fsmonitor"] == "false"


def test_runner_refuses_transports_other_than_file_https_ssh(tmp_path):
    marker = tmp_path / "pwned"
    result = GitRunner.start(tmp_path, 10).run("ls-remote", f"ext::sh -c touch% {marker}")
    assert not result.ok
    assert "transport 'ext' not allowed" in result.stderr
    assert not marker.exists()


def test_bounded_sink_stops_keeping_output_at_its_limits():
    by_records = BoundedSink(max_records=2, max_bytes=1000)
    for chunk in (b"a\0", b"b\0", b"c\0"):
        by_records.write(chunk)
    assert by_records.overflow and by_records.getvalue() == b""
    by_bytes = BoundedSink(max_records=None, max_bytes=4)
    by_bytes.write(b"abc")
    assert not by_bytes.overflow and by_bytes.getvalue() == b"abc"
    by_bytes.write(b"de")
    assert by_bytes.overflow
