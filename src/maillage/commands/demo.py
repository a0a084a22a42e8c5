"""``maillage demo`` and ``maillage serve``."""

from __future__ import annotations

import click


def _django():
    from maillage.web import setup

    setup()


@click.command("demo")
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Lance le serveur après le chargement.",
)
@click.option("--port", default=8000, show_default=True)
def demo(serve: bool, port: int) -> None:
    """Prépare la base de démonstration (données fictives) et lance l'application."""
    _django()
    from django.core.management import call_command

    from maillage.web.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo

    click.echo("Création ou mise à jour de la base…")
    call_command("migrate", interactive=False, verbosity=0)
    for report in load_demo():
        for line in report.lines():
            click.echo(line)
    from maillage.web.diagnostics import services

    services.snapshot()  # built now rather than by the first page that needs it
    accounts = DEMO_ACCOUNTS
    click.echo("")
    click.echo("Comptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :")
    for account in accounts:
        click.echo(f"  {account.username:<14} {account.description}")
    click.echo("")
    if serve:
        _serve(port)


@click.command("serve")
@click.option("--port", default=8000, show_default=True)
def serve(port: int) -> None:
    """Lance l'application sur http://127.0.0.1:PORT (serveur de développement)."""
    _django()
    _serve(port)


def _serve(port: int) -> None:
    from django.core.management import call_command

    click.echo(f"maillage est servi sur http://127.0.0.1:{port}/ (Ctrl+C pour arrêter)")
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
