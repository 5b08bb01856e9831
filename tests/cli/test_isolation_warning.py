"""The CLI says loudly when connector code ran without namespaces, and nothing when it ran contained or not at all."""

from certifier.cli.console import _warn_if_not_contained


def test_uid_only_isolation_is_a_loud_warning(capsys):
    _warn_if_not_contained({"level": "uid-only", "tool": "none", "limits": "rlimits", "disk_quota": "none"})
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "without namespace isolation (level uid-only)" in captured.err


def test_namespaces_or_no_connector_code_say_nothing(capsys):
    _warn_if_not_contained({"level": "namespaces", "tool": "bubblewrap 0.8.0"})
    _warn_if_not_contained(None)
    assert capsys.readouterr().err == ""
