"""`esim`: operator commands (migrations, accounts). Each command is a thin wrapper over services."""

from __future__ import annotations

import sys

import typer

from services.core import logs
from services.core.settings import Settings, load_for_serving, load_or_exit

app = typer.Typer(help="eSIM marketplace operator commands.", no_args_is_help=True)


@app.callback()
def _startup() -> None:
    logs.configure(load_or_exit().log_level)


@app.command()
def migrate() -> None:
    """Apply database migrations up to the newest revision."""
    from services.core import migrations
    migrations.upgrade()
    typer.echo("database is at the newest revision")


@app.command("create-admin")
def create_admin(
    email: str,
    name: str = typer.Option("", help="Display name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Create a staff owner account (asks for the password unless --password-stdin); TOTP is enrolled at
    its first sign-in."""
    from services.accounts import passwords
    from services.core.errors import ServiceError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        admin_id = passwords.create_admin(email, password, name=name)
    except ServiceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"admin {admin_id} created (owner; enrols two-factor sign-in at /admin/login)")


@app.command("create-enterprise")
def create_enterprise(
    company: str = typer.Option(..., "--company", help="The company's name."),
    email: str = typer.Option(..., "--email", help="The contact, who becomes the company's first admin."),
    credit_limit: str = typer.Option("0", "--credit-limit", help="Credit for orders on account, in USD (e.g. 5000)."),
) -> None:
    """Create a company and email its contact an invitation to set a password (valid 72 hours)."""
    from services.core.errors import ServiceError
    from services.core.money import parse_money
    from services.enterprise import companies

    limit = parse_money(credit_limit, "USD")
    try:
        created = companies.create_company(company, email, credit_limit_cents=-1 if limit is None else limit)
    except ServiceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"company {created.company_id} created; invitation emailed to {created.email}")


@app.command("sync-packages")
def sync_packages() -> None:
    """Fetch every enabled provider's catalogue and update packages (simulators stand in without credentials)."""
    from services.catalog.sync import run_sync_packages
    from services.sandbox import tooling as sandbox

    with sandbox.command_registry(load_or_exit()) as registry:
        report = run_sync_packages(registry)
    for p in report.providers:
        status = "ok" if p.ok else f"FAILED: {p.error}"
        typer.echo(f"{p.provider_id}: {p.fetched} listed, {p.inserted} new, {p.updated} changed, "
                   f"{p.vanished} vanished, {p.skipped} skipped ({status})")
    typer.echo(f"{report.enabled_offers} offers on sale in {report.groups} groups; "
               f"{report.duration_seconds:.1f} s (job run {report.job_run_id})")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def serve(
    workers: int = typer.Option(1, "--workers", min=1, max=32,
                                help="Web worker processes; more than 1 needs REDIS_URL (Reflex keeps page state there)."),
) -> None:
    """What `make run` does: migrate, fill an empty catalogue, start sandbox payments, serve the app."""
    import os
    import subprocess

    import sqlalchemy as sa

    from services.catalog.sync import run_sync_packages
    from services.core import db, migrations
    from services.core.models import Package
    from services.sandbox import tooling as sandbox

    _check_workers(load_or_exit(), workers)
    settings = _serving_settings()
    migrations.upgrade()
    with db.session() as s:
        empty = s.exec(sa.select(sa.func.count()).select_from(Package)).one()[0] == 0
    if empty:
        with sandbox.command_registry(settings) as registry:
            report = run_sync_packages(registry)
        typer.echo(f"catalogue: {report.enabled_offers} offers on sale")
    env = dict(os.environ) | _workers_env(settings, workers)
    if not settings.stripe_secret_key and not settings.is_production:
        env |= sandbox.stripe_env(settings, state_file=os.path.join(settings.data_dir, "localstripe.pickle"))
        typer.echo(f"payments: Stripe emulator on {env['STRIPE_API_BASE']} (test card 4242 4242 4242 4242)")
    port = str(settings.app_port)
    typer.echo(f"serving on http://{settings.bind_host}:{port} with {workers} worker(s) once built "
               "(BIND_HOST sets the address)")
    # `reflex run` through esim_app.server, whose Granian respawns a worker that dies instead of stopping all.
    raise typer.Exit(subprocess.call([sys.executable, "-m", "esim_app.server", "run", "--env", "prod",
                                      "--frontend-port", port, "--backend-port", port,
                                      "--backend-host", settings.bind_host], env=env))


def _check_workers(settings: Settings, workers: int) -> None:
    """Refuse several web workers without a Redis that answers, before anything is built: each browser
    tab's state must be reachable from every worker (Reflex's Redis state manager)."""
    if workers == 1:
        return
    if not settings.redis_url:
        typer.echo(f"error: --workers {workers} needs REDIS_URL (every worker must reach each page's state "
                   "in Redis); set it, or serve with --workers 1", err=True)
        raise typer.Exit(2)
    import redis

    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=3, socket_connect_timeout=3).ping()
    except (redis.RedisError, ValueError) as exc:
        typer.echo(f"error: --workers {workers}: REDIS_URL does not answer ({exc})", err=True)
        raise typer.Exit(2) from None


def _workers_env(settings: Settings, workers: int) -> dict[str, str]:
    """Environment for Reflex's server: exactly `workers` Granian workers; with several, page state in
    Redis and (sandbox) one simulators process that every worker shares."""
    from services.sandbox import simulators

    env = {"GRANIAN_WORKERS": str(workers)}
    if workers > 1:
        env["REFLEX_REDIS_URL"] = settings.redis_url
    if not settings.simulated_providers or (workers == 1 and not settings.simulators_url):
        return env  # the app serves the simulators itself
    env |= simulators.shared_webhook_tokens(settings)
    if not settings.simulators_url:
        env["SIMULATORS_URL"] = simulators.ensure_running(settings)
        typer.echo(f"providers: simulators on {env['SIMULATORS_URL']} (shared by every worker; "
                   "give `esim jobs` the same SIMULATORS_URL)")
    return env


@app.command()
def simulators(port: int | None = typer.Option(None, "--port", min=1, max=65535, help="Port on 127.0.0.1 (default 8421).")) -> None:
    """Serve the sandbox provider simulators as their own process (what SIMULATORS_URL points at), so
    several web workers and job processes share one simulated world."""
    from services.sandbox import simulators as sims

    settings = load_or_exit()
    problem = sims.problem(settings)
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)
    port = port or sims.PORT
    typer.echo(f"simulators of {', '.join(settings.simulated_providers)} on {sims.base_url(port)}"
               "/_sandbox/providers/<id> (set SIMULATORS_URL to that origin for every web and job process)")
    sims.serve(settings, port)


def _serving_settings() -> Settings:
    """Settings for a long-running process: the start-up checks, then the provider registry built
    once, so a misconfiguration stops the start (one line per problem) rather than a paid order."""
    from services.core.provider_runtime import check_registry

    settings = load_for_serving()
    problem = check_registry(settings)
    if problem:
        typer.echo(f"configuration error: {problem}", err=True)
        raise typer.Exit(2)
    return settings


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt stored activation material with the first of ENCRYPTION_KEYS (see README: key rotation)."""
    from services.core import crypto, db

    try:
        with db.get_engine().begin() as conn:
            rows = crypto.rotate_stored(conn)
    except crypto.EncryptionKeyError as exc:
        typer.echo(f"error: {exc} (nothing was changed)", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{rows} rows re-encrypted with the newest key; older keys may now be removed")


@app.command()
def jobs() -> None:
    """Run the background jobs in the foreground until SIGINT/SIGTERM (safe to run several at once)."""
    import asyncio

    from services.jobs.scheduler import run_forever

    _serving_settings()
    asyncio.run(run_forever())
