"""`certifier serve` and `certifier worker` (issue 10, items 4 and 6): a URL with a password is refused on
the command line (every local user reads /proc/PID/cmdline) and taken from the environment or a file,
shown redacted; connector code is refused without namespace isolation unless the service is static-only
or the development override is given."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from certifier.cli.service import serve, tokens, worker
from certifier.service import containment

PASSWORD = "s3cret-pw-0123"


@pytest.fixture
def started(monkeypatch, tmp_path):
    """What would have been started: uvicorn.run and the Celery worker are replaced by recorders."""
    import uvicorn

    from certifier.service.dispatch import celery_factory

    calls: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append("serve"))

    class FakeCelery:
        def worker_main(self, argv):
            calls.append("worker")

    monkeypatch.setattr(celery_factory, "make_celery", lambda config: FakeCelery())
    for name in ("CERTIFIER_DATABASE_URL", "CERTIFIER_BROKER_URL", "CERTIFIER_STATIC_ONLY", containment.ALLOW_ENV,
                 "CERTIFIER_DATABASE_URL_FILE", "CERTIFIER_BROKER_URL_FILE", "CERTIFIER_SANDBOX_NAMESPACES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return calls


def invoke(command, args, env=None):
    return CliRunner().invoke(command, args, env=env or {}, catch_exceptions=False)


@pytest.mark.parametrize("command, args, variable", [
    (serve, ["--database-url", f"postgresql://u:{PASSWORD}@h/db"], "CERTIFIER_DATABASE_URL"),
    (serve, ["--static-only", "--broker-url", f"redis://:{PASSWORD}@127.0.0.1:6379/0"], "CERTIFIER_BROKER_URL"),
    (worker, ["--broker-url", f"amqp://guest:{PASSWORD}@mq:5672//"], "CERTIFIER_BROKER_URL"),
    (worker, ["--database-url", f"postgresql://u:{PASSWORD}@h/db"], "CERTIFIER_DATABASE_URL"),
    (tokens, ["list", "--database-url", f"postgresql://u:{PASSWORD}@h/db"], "CERTIFIER_DATABASE_URL"),
])
def test_a_password_on_the_command_line_is_refused_and_nothing_starts(started, command, args, variable):
    result = invoke(command, args)
    assert result.exit_code == 2
    assert "password" in result.stderr and variable in result.stderr and "-file" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert started == []


def test_a_password_from_the_environment_or_a_file_is_taken_and_shown_redacted(started, tmp_path):
    database = f"sqlite:///{tmp_path / 'service.db'}"
    url_file = tmp_path / "broker-url"
    url_file.write_text(f"redis://:{PASSWORD}@127.0.0.1:6379/0\n")
    result = invoke(serve, ["--static-only", "--dispatch", "celery", "--broker-url-file", str(url_file)],
                    env={"CERTIFIER_DATABASE_URL": database})
    assert result.exit_code == 0, result.stderr
    assert started == ["serve"]
    assert "broker redis://:***@127.0.0.1:6379/0" in result.stderr and PASSWORD not in result.stderr

    started.clear()
    result = invoke(worker, ["--static-only", "--database-url", database],
                    env={"CERTIFIER_BROKER_URL": f"amqp://guest:{PASSWORD}@mq:5672//"})
    assert result.exit_code == 0, result.stderr
    assert started == ["worker"] and "amqp://guest:***@mq:5672//" in result.stderr and PASSWORD not in result.stderr


def test_a_url_without_password_is_fine_on_the_command_line(started, tmp_path):
    result = invoke(serve, ["--static-only", "--database-url", f"sqlite:///{tmp_path / 'service.db'}"])
    assert result.exit_code == 0, result.stderr
    assert started == ["serve"]


@pytest.mark.parametrize("command", [serve, worker])
def test_connector_code_without_namespaces_is_refused_unless_overridden(started, tmp_path, command):
    unisolated = {"CERTIFIER_SANDBOX_NAMESPACES": "0", "CERTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    result = invoke(command, [], env=unisolated)
    assert result.exit_code == 2 and started == []
    assert "without namespace isolation" in result.stderr
    assert "bubblewrap" in result.stderr and "--allow-unisolated" in result.stderr and "--static-only" in result.stderr

    for args, env in ((["--allow-unisolated"], {}), ([], {containment.ALLOW_ENV: "1"}), (["--static-only"], {})):
        started.clear()
        result = invoke(command, args, env={**unisolated, **env})
        assert result.exit_code == 0, result.stderr
        assert started == [command.name]
        assert ("static-only" in result.stderr) if "--static-only" in args else \
            ("isolation: " in result.stderr and "WITHOUT namespaces" in result.stderr)


def test_with_namespaces_the_startup_log_states_the_isolation_level(started, tmp_path):
    from certifier.sandbox.isolation import isolation_level

    if isolation_level() != "namespaces":
        pytest.skip("bubblewrap namespaces do not work on this machine")
    result = invoke(serve, ["--database-url", f"sqlite:///{tmp_path / 's.db'}"])
    assert result.exit_code == 0 and started == ["serve"]
    assert "connector code isolation: namespaces (bubblewrap" in result.stderr


def test_a_worker_refuses_runs_when_unisolated(monkeypatch):
    """A worker started with `celery -A` (no startup check) still ends such a run in `error`."""
    from certifier.service.config import ServiceConfig
    from certifier.service.execute import _certify

    monkeypatch.setenv("CERTIFIER_SANDBOX_NAMESPACES", "0")
    monkeypatch.delenv(containment.ALLOW_ENV, raising=False)
    completion = _certify(ServiceConfig(static_only=False, runner="no.such:runner"), None, None)
    assert completion.status == "error" and "without namespace isolation" in completion.error
    assert containment.refusal(ServiceConfig(static_only=True)) is None
