"""Click commands of the marketplace service: `serve`, `worker` and the `tokens` group.

Registered in certifier.cli.main (`cli.add_command(serve)`, `cli.add_command(worker)`, `cli.add_command(tokens)`).
Options override the CERTIFIER_* environment (see certifier.service.config)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

def _no_password_in_argv(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A URL with a password is refused on the command line: every local user reads /proc/PID/cmdline."""
    from certifier.core.outbound import has_password

    if value and has_password(value) and \
            ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
        variable = "CERTIFIER_" + param.name.upper()
        raise click.BadParameter(
            f"the URL carries a password, and a command line is visible to every local user (/proc/PID/cmdline). "
            f"Give it in the environment ({variable}) or in a file: {param.opts[0]}-file PATH "
            f"(or {variable}_FILE).", ctx=ctx, param=param)
    return value


DB_OPTION = click.option("--database-url", envvar="CERTIFIER_DATABASE_URL", callback=_no_password_in_argv,
                         help="SQLAlchemy URL (default: SQLite under ~/.local/share/certifier; "
                              "postgresql://user@host/db for PostgreSQL). A URL with a password only in "
                              "CERTIFIER_DATABASE_URL or --database-url-file.")
DB_FILE_OPTION = click.option("--database-url-file", type=click.Path(dir_okay=False),
                              help="File holding the database URL (for a URL with a password).")
BROKER_OPTION = click.option("--broker-url", envvar="CERTIFIER_BROKER_URL", callback=_no_password_in_argv,
                             help="Celery broker, e.g. redis://host:6379/0. A URL with a password only in "
                                  "CERTIFIER_BROKER_URL or --broker-url-file.")
BROKER_FILE_OPTION = click.option("--broker-url-file", type=click.Path(dir_okay=False),
                                  help="File holding the broker URL (for a URL with a password).")
ISOLATION_OPTION = click.option(
    "--allow-unisolated", is_flag=True,
    help="Development only: run connector code even where bubblewrap namespaces are not available "
         "(also CERTIFIER_ALLOW_UNISOLATED=1).")
DEPLOYMENTS_OPTION = click.option(
    "--allow-loopback-deployments", is_flag=True,
    help="Development only: accept http:// and loopback URLs in Deployment descriptors (remote preview).")


def _config(**options):
    from certifier.service.config import ServiceConfig, parse_profiles, read_secret_file, read_url_file

    profiles = options.pop("profile", None)
    if profiles:
        options["profiles"] = {stage: _absolute(ref) for stage, ref in parse_profiles(profiles).items()}
    secret_file = options.pop("callback_secret_file", None)
    if secret_file:
        options["callback_secret"] = read_secret_file(Path(secret_file))
    for name in ("database_url", "broker_url"):
        url_file = options.pop(f"{name}_file", None)
        if url_file and not options.get(name):
            options[name] = read_url_file(Path(url_file), name)
    return ServiceConfig.from_env(**{k: v for k, v in options.items() if v not in (None, False, ())})


def _absolute(ref: str) -> str:
    return str(Path(ref).resolve()) if "/" in ref or ref.endswith((".yaml", ".yml")) else ref


def _startup(command: str, config, *, allow_unisolated: bool, allow_loopback_deployments: bool) -> None:
    """Refuse to run connector code without namespaces (unless told so), and say how runs are contained.
    Development switches reach the runs (and Celery's pool processes) through the environment."""
    from certifier.collect.preview.remote import LOOPBACK_SWITCH
    from certifier.core.outbound import without_password
    from certifier.service import containment

    if allow_loopback_deployments:
        os.environ[LOOPBACK_SWITCH] = "1"
    if allow_unisolated:
        os.environ[containment.ALLOW_ENV] = "1"
    refused = containment.refusal(config)
    if refused:
        raise click.UsageError(refused)
    uses_broker = config.dispatch == "celery" or command == "worker"
    broker = f", broker {without_password(config.broker_url)}" if uses_broker else ""
    click.echo(f"certifier {command}: store {without_password(config.database_url)}, dispatch {config.dispatch}"
               f"{broker}; {containment.describe(config)}", err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@DB_OPTION
@DB_FILE_OPTION
@click.option("--dispatch", type=click.Choice(["embedded", "celery"]), envvar="CERTIFIER_DISPATCH",
              help="embedded (default): an in-process worker pool; celery: workers started with `certifier worker`.")
@BROKER_OPTION
@BROKER_FILE_OPTION
@click.option("--workers", type=click.IntRange(1, 64), help="Embedded pool size (default 2).")
@click.option("--static-only", is_flag=True, help="Run only the static stages (no connector code runs).")
@click.option("--profile", multiple=True, metavar="STAGE=PROFILE", help="Decision profile for a stage (repeatable).")
@click.option("--allow-local-sources", is_flag=True, help="Accept file:// URLs and local paths (tests, development).")
@click.option("--allow-loopback-http-callbacks", is_flag=True, help="Accept http:// callbacks to loopback (tests).")
@DEPLOYMENTS_OPTION
@ISOLATION_OPTION
@click.option("--callback-secret-file", type=click.Path(dir_okay=False), help="File holding the callback signing "
              "secret (else CERTIFIER_CALLBACK_SECRET).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve(host, port, log_level, allow_unisolated, allow_loopback_deployments, **options) -> None:
    """Serve the HTTP API (FastAPI on uvicorn). See docs/service.md."""
    config = _config(**options)
    _startup("serve", config, allow_unisolated=allow_unisolated, allow_loopback_deployments=allow_loopback_deployments)
    import uvicorn

    from certifier.service.app import create_app

    if not config.callback_secret:
        click.echo("certifier serve: no callback secret configured; submissions with a callbackUrl are refused",
                   err=True)
    uvicorn.run(create_app(config), host=host, port=port, log_level=log_level, proxy_headers=False)


@click.command()
@DB_OPTION
@DB_FILE_OPTION
@BROKER_OPTION
@BROKER_FILE_OPTION
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True)
@click.option("--static-only", is_flag=True)
@click.option("--profile", multiple=True, metavar="STAGE=PROFILE")
@click.option("--allow-local-sources", is_flag=True)
@DEPLOYMENTS_OPTION
@ISOLATION_OPTION
@click.option("--hostname", help="Celery node name (default celery@<host>).")
def worker(concurrency, pool, hostname, allow_unisolated, allow_loopback_deployments, **options) -> None:
    """Run a Celery worker that executes queued runs (settings as for `serve`)."""
    config = _config(**options)
    _startup("worker", config, allow_unisolated=allow_unisolated, allow_loopback_deployments=allow_loopback_deployments)
    from certifier.service.dispatch.celery_factory import make_celery

    argv = ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--queues={config.celery_queue}",
            "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    make_celery(config).worker_main(argv)


@click.group()
def tokens() -> None:
    """Manage API tokens (roles: marketplace submits, reviewer reviews, reader reads)."""


def _db(database_url, database_url_file=None):
    from certifier.service.config import ServiceConfig, read_url_file
    from certifier.service.store.db import Database

    if database_url_file and not database_url:
        database_url = read_url_file(Path(database_url_file), "database_url")
    db = Database(database_url or ServiceConfig.from_env().database_url)
    db.migrate()
    return db


@tokens.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["marketplace", "reviewer", "reader"]))
@DB_OPTION
@DB_FILE_OPTION
def tokens_create(name, role, database_url, database_url_file) -> None:
    """Create a token called NAME; it is printed once and stored only as a hash."""
    from certifier.service.store.tokens import create_token

    click.echo(create_token(_db(database_url, database_url_file), name, role))


@tokens.command("list")
@DB_OPTION
@DB_FILE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def tokens_list(database_url, database_url_file, fmt) -> None:
    """List tokens (names, roles, dates; never the tokens)."""
    from certifier.service.store.tokens import list_tokens

    rows = list_tokens(_db(database_url, database_url_file))
    if fmt == "json":
        click.echo(json.dumps([{"name": r.name, "role": r.role, "createdAt": r.created_at.isoformat(),
                                "revokedAt": r.revoked_at.isoformat() if r.revoked_at else None} for r in rows],
                              indent=2))
        return
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
        click.echo(f"{r.name:<32} {r.role:<12} created {r.created_at:%Y-%m-%d %H:%M}  {state}")


@tokens.command("revoke")
@click.argument("name")
@DB_OPTION
@DB_FILE_OPTION
def tokens_revoke(name, database_url, database_url_file) -> None:
    """Revoke the token called NAME (it stops working at once)."""
    from certifier.service.store.tokens import revoke_token

    if not revoke_token(_db(database_url, database_url_file), name):
        click.echo(f"no active token named {name!r}", err=True)
        sys.exit(1)
    click.echo(f"revoked {name}")
