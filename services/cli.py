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
