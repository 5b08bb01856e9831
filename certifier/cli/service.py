"""Click commands of the marketplace service: `serve`, `worker` and the `tokens` group.

Registered in certifier.cli.main (`cli.add_command(serve)`, `cli.add_command(worker)`, `cli.add_command(tokens)`).
Options override the CERTIFIER_* environment (see certifier.service.config)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DB_OPTION = click.option("--database-url", envvar="CERTIFIER_DATABASE_URL",
                         help="SQLAlchemy URL (default: SQLite under ~/.local/share/certifier; "
                              "postgresql://user@host/db for PostgreSQL).")


def _config(**options):
    from certifier.service.config import ServiceConfig, parse_profiles, read_secret_file

    profiles = options.pop("profile", None)
    if profiles:
        options["profiles"] = {stage: _absolute(ref) for stage, ref in parse_profiles(profiles).items()}
    secret_file = options.pop("callback_secret_file", None)
    if secret_file:
        options["callback_secret"] = read_secret_file(Path(secret_file))
    return ServiceConfig.from_env(**{k: v for k, v in options.items() if v not in (None, False, ())})


def _absolute(ref: str) -> str:
    return str(Path(ref).resolve()) if "/" in ref or ref.endswith((".yaml", ".yml")) else ref


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@DB_OPTION
@click.option("--dispatch", type=click.Choice(["embedded", "celery"]), envvar="CERTIFIER_DISPATCH",
              help="embedded (default): an in-process worker pool; celery: workers started with `certifier worker`.")
@click.option("--broker-url", envvar="CERTIFIER_BROKER_URL", help="Celery broker, e.g. redis://host:6379/0.")
@click.option("--workers", type=click.IntRange(1, 64), help="Embedded pool size (default 2).")
@click.option("--static-only", is_flag=True, help="Run only the static stages (no connector code runs).")
@click.option("--profile", multiple=True, metavar="STAGE=PROFILE", help="Decision profile for a stage (repeatable).")
@click.option("--allow-local-sources", is_flag=True, help="Accept file:// URLs and local paths (tests, development).")
@click.option("--allow-loopback-http-callbacks", is_flag=True, help="Accept http:// callbacks to loopback (tests).")
@click.option("--callback-secret-file", type=click.Path(dir_okay=False), help="File holding the callback signing "
              "secret (else CERTIFIER_CALLBACK_SECRET).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve(host, port, log_level, **options) -> None:
    """Serve the HTTP API (FastAPI on uvicorn). See docs/service.md."""
    import uvicorn

    from certifier.service.app import create_app

    config = _config(**options)
    if not config.callback_secret:
        click.echo("certifier serve: no callback secret configured; submissions with a callbackUrl are refused",
                   err=True)
    uvicorn.run(create_app(config), host=host, port=port, log_level=log_level, proxy_headers=False)


@click.command()
@DB_OPTION
@click.option("--broker-url", envvar="CERTIFIER_BROKER_URL")
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True)
@click.option("--static-only", is_flag=True)
@click.option("--profile", multiple=True, metavar="STAGE=PROFILE")
@click.option("--allow-local-sources", is_flag=True)
@click.option("--hostname", help="Celery node name (default celery@<host>).")
def worker(concurrency, pool, hostname, **options) -> None:
    """Run a Celery worker that executes queued runs (settings as for `serve`)."""
    from certifier.service.dispatch.celery_factory import make_celery

    config = _config(**options)
    argv = ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--queues={config.celery_queue}",
            "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    make_celery(config).worker_main(argv)


@click.group()
def tokens() -> None:
    """Manage API tokens (roles: marketplace submits, reviewer reviews, reader reads)."""


def _db(database_url):
    from certifier.service.config import default_database_url
    from certifier.service.store.db import Database

    db = Database(database_url or default_database_url())
    db.migrate()
    return db


@tokens.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["marketplace", "reviewer", "reader"]))
@DB_OPTION
def tokens_create(name, role, database_url) -> None:
    """Create a token called NAME; it is printed once and stored only as a hash."""
    from certifier.service.store.tokens import create_token

    click.echo(create_token(_db(database_url), name, role))


@tokens.command("list")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def tokens_list(database_url, fmt) -> None:
    """List tokens (names, roles, dates; never the tokens)."""
    from certifier.service.store.tokens import list_tokens

    rows = list_tokens(_db(database_url))
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
def tokens_revoke(name, database_url) -> None:
    """Revoke the token called NAME (it stops working at once)."""
    from certifier.service.store.tokens import revoke_token

    if not revoke_token(_db(database_url), name):
        click.echo(f"no active token named {name!r}", err=True)
        sys.exit(1)
    click.echo(f"revoked {name}")
