"""`esim`: operator commands (migrations, accounts). Each command is a thin wrapper over services."""

from __future__ import annotations

import sys

import typer

from services import logs
from services.settings import load_or_exit

app = typer.Typer(help="eSIM marketplace operator commands.", no_args_is_help=True)


@app.callback()
def _startup() -> None:
    logs.configure(load_or_exit().log_level)


@app.command()
def migrate() -> None:
    """Apply database migrations up to the newest revision."""
    from services import migrations

    migrations.upgrade()
    typer.echo("database is at the newest revision")


@app.command("create-admin")
def create_admin(
    email: str,
    name: str = typer.Option("", help="Display name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Create an administrator account (asks for the password unless --password-stdin)."""
    from services import auth
    from services.errors import ServiceError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        admin_id = auth.create_admin(email, password, name=name)
    except ServiceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"admin {admin_id} created")


@app.command("sync-packages")
def sync_packages() -> None:
    """Fetch every enabled provider's catalogue and update packages (simulators stand in without credentials)."""
    import contextlib

    from providers.registry import CREDENTIAL_FIELDS, build_registry
    from providers.sandbox.server import run_simulators
    from services.catalog import run_sync_packages

    settings = load_or_exit()
    simulated = [
        p for p in settings.esim_providers
        if not settings.is_production and not all(getattr(settings, f) for f in CREDENTIAL_FIELDS[p])
    ]
    with run_simulators(simulated) if simulated else contextlib.nullcontext() as sandbox:
        registry = build_registry(settings, sandbox_urls=sandbox.urls if sandbox else None)
        report = run_sync_packages(registry)
    for p in report.providers:
        status = "ok" if p.ok else f"FAILED: {p.error}"
        typer.echo(f"{p.provider_id}: {p.fetched} listed, {p.inserted} new, {p.updated} changed, "
                   f"{p.vanished} vanished, {p.skipped} skipped ({status})")
    typer.echo(f"{report.enabled_offers} offers on sale in {report.groups} groups; "
               f"{report.duration_seconds:.1f} s (job run {report.job_run_id})")
    if report.errors:
        raise typer.Exit(1)
