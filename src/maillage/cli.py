"""The ``maillage`` command: imports, computations, demo and server.

Commands that touch the database configure Django lazily, so that ``maillage access`` or
``maillage aci`` work on plain files without any database. Command modules are imported only
when their command runs (:class:`LazyGroup`): ``maillage --help`` and the rules commands start
without numpy, pandas, pyarrow or scipy (``tests/test_cli_startup.py`` checks it).
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import time
from pathlib import Path

import click

from maillage.engine.sources.errors import SourceError

# Top-level commands defined in their own module, imported only when the command runs:
# name → (where it is defined, the one-line help `maillage --help` shows without importing it).
# A source is "module:attribute" (a click command) or "module" (a module whose
# ``register(main, import_group)`` adds it); a command may be completed by several modules.
# tests/test_cli_startup.py checks this table against the commands themselves.
LAZY_COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "access": (
        ("maillage.commands.access:group",),
        "Accessibilité potentielle localisée (APL) et variantes 2SFCA.",
    ),
    "aci": (
        ("maillage.commands.aci:group", "maillage.commands.coordination"),
        "Accords conventionnels interprofessionnels (CPTS, MSP).",
    ),
    "aides": (
        ("maillage.commands.aides:command",),
        "Aides à l'installation et au maintien auxquelles un professionnel peut prétendre.",
    ),
    "opendata": (
        ("maillage.commands.opendata:group",),
        "Télécharge et importe les données ouvertes officielles.",
    ),
    "demo": (
        ("maillage.commands.demo:demo",),
        "Prépare la base de démonstration (données fictives) et lance l'application.",
    ),
    "serve": (
        ("maillage.commands.demo:serve",),
        "Lance l'application sur http://127.0.0.1:PORT (serveur de développement).",
    ),
    "zonages": (
        ("maillage.commands.territories",),
        "Zonages d'étude chargés et leurs zones (référence à passer à --zone).",
    ),
    "indicateurs": (("maillage.commands.supply",), "Registre des indicateurs de santé."),
    "etablissement": (("maillage.commands.supply",), "Fiche d'un établissement FINESS."),
    "diagnostic": (
        ("maillage.commands.diagnostics",),
        "Diagnostic territorial (secret statistique appliqué) d'un ensemble de communes.",
    ),
    "zonage": (
        ("maillage.commands.zoning",),
        "Zonage simulé à partir de l'APL (toujours marqué « simulation ») et exports.",
    ),
    "outreach": (
        ("maillage.commands.outreach",),
        "Accompagnement des professionnels : conservation des données, installations.",
    ),
    "rapport": (
        ("maillage.commands.reporting",),
        "Chiffres clés « Accompagner les professionnels de santé » et « exercice coordonné ».",
    ),
    "journal": (
        ("maillage.commands.journal",),
        "Journal des accès aux données personnelles et historique des modifications.",
    ),
    "sauvegarde": (
        ("maillage.commands.backup",),
        "Sauvegarde la base (SQLite ou PostgreSQL) et les documents déposés dans une archive "
        ".tar.gz avec un manifeste (version, migrations, comptes, sommes de contrôle).",
    ),
    "restaurer": (
        ("maillage.commands.backup",),
        "Remplace TOUTE la base et les documents par le contenu d'une archive de "
        "« maillage sauvegarde » (arrêtez le serveur avant).",
    ),
}
# Modules of the web apps that add commands with ``register(main, import_group)``: imports go
# under ``maillage import``, other commands at the top level (declared in LAZY_COMMANDS too).
REGISTERING_MODULES = (
    "maillage.commands.referential",
    "maillage.commands.territories",
    "maillage.commands.supply",
    "maillage.commands.diagnostics",
    "maillage.commands.zoning",
    "maillage.commands.coordination",
    "maillage.commands.outreach",
    "maillage.commands.reporting",
    "maillage.commands.journal",
    "maillage.commands.backup",
)


def setup_django() -> None:
    from maillage.web import setup

    setup()


class Progress:
    """Line counter on stderr for long imports (a live counter on a terminal)."""

    def __init__(self, label: str):
        self.label = label
        self.count = 0
        self.started = time.monotonic()
        self.live = sys.stderr.isatty()

    def __call__(self, increment: int) -> None:
        self.count += increment
        if self.live:
            click.echo(
                f"\r{self.label} : {self.count:,} enregistrements lus".replace(",", " "),
                err=True,
                nl=False,
            )

    def done(self) -> None:
        if self.live and self.count:
            click.echo("", err=True)


def run_import(label: str, function, *args, as_json: bool = False, **kwargs) -> None:
    """Run an import with progress and its report; ``function`` may be named
    ``"module:attribute"`` so that it is imported only once Django is configured."""
    setup_django()
    if isinstance(function, str):
        module_name, attribute = function.split(":")
        function = getattr(importlib.import_module(module_name), attribute)
    progress = Progress(label)
    started = time.monotonic()
    try:
        report = function(*args, progress=progress, **kwargs)
    except SourceError as error:
        progress.done()
        raise click.ClickException(str(error)) from error
    progress.done()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(f"  durée : {time.monotonic() - started:.1f} s")


_registered: set[str] = set()


def _load(source: str) -> None:
    """Import one source of LAZY_COMMANDS / REGISTERING_MODULES and add its commands."""
    module_name, _, attribute = source.partition(":")
    if attribute:
        command = getattr(importlib.import_module(module_name), attribute)
        if command.name not in main.commands:
            main.add_command(command)
    elif module_name not in _registered:
        _registered.add(module_name)
        importlib.import_module(module_name).register(main, import_group)


class LazyGroup(click.Group):
    """Top-level group whose commands of LAZY_COMMANDS are imported on first use only.

    ``maillage --help`` lists them with their declared one-line help, so that printing the
    list imports no command module (nor numpy, pandas, pyarrow, scipy or yaml behind them).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            for source in LAZY_COMMANDS[name][0]:
                _load(source)
            # What is imported so far lives as long as the process: the garbage collector
            # need not scan it again each time a command creates many objects.
            gc.freeze()
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, short_help(LAZY_COMMANDS[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def short_help(text: str, limit: int) -> str:
    """The one-line help click shows for a command whose help is ``text``."""
    return click.Command(None, help=text).get_short_help_str(limit)


class ImportGroup(click.Group):
    """``maillage import``: its subcommands come from cli.py and from every registering module,
    loaded when the group itself is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        _load_registering_modules()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            _load_registering_modules()
        return super().get_command(ctx, name)


def _load_registering_modules() -> None:
    for module_name in REGISTERING_MODULES:
        if module_name not in _registered and _optional_module(module_name) is not None:
            _load(module_name)


def load_all_commands() -> None:
    """Import every command module (tests, documentation of the whole command tree)."""
    for sources, _help in LAZY_COMMANDS.values():
        for source in sources:
            _load(source)
    _load_registering_modules()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="maillage")
@click.pass_context
def main(ctx: click.Context) -> None:
    """maillage — territoires, offre de soins et exercice coordonné."""
    ctx.obj = {"bumps": _data_version_bumps()}


def _data_version_bumps() -> int:
    tracking = sys.modules.get("maillage.web.dataversion.tracking")
    return tracking.bump_count() if tracking else 0


@main.result_callback()
@click.pass_context
def _after_command(ctx: click.Context, result, **kwargs) -> None:
    """A command that changed the reference data (import, recomputation, demo, migrate…)
    builds the diagnosis snapshot of the new version before it exits, once, rather than the
    first web request or diagnosis after it."""
    if _data_version_bumps() == (ctx.obj or {}).get("bumps", 0):
        return
    from maillage.web.diagnostics import services, snapshot_cache

    services.snapshot()
    if sys.stderr.isatty() and snapshot_cache.stats.source == "base":
        seconds = snapshot_cache.stats.seconds
        click.echo(f"Instantané du diagnostic reconstruit ({seconds:.1f} s)", err=True)


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Analyse le fichier et affiche les comptes sans rien écrire."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Compte rendu en JSON.")
existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@main.group(name="import", cls=ImportGroup)
def import_group() -> None:
    """Importe des fichiers officiels (atomique, idempotent, --dry-run)."""


@main.command("commune")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def commune(code, as_json):
    """Fiche d'une commune du référentiel."""
    setup_django()
    from maillage.web.territories.models import Commune
    from maillage.web.territories.services import commune_summary

    found = Commune.objects.filter(code=code).first()
    if found is None:
        raise click.ClickException(f"commune {code} absente du référentiel")
    from maillage.web.supply.services import commune_offer

    summary = commune_summary(found)
    summary["offre"] = commune_offer(found)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for key, value in summary.items():
        click.echo(f"{key:>17} : {value}")


@main.command("parametres")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date de vigueur (défaut : aujourd'hui).",
)
@click.option(
    "--non-verifies",
    is_flag=True,
    help="Seulement les valeurs non vérifiées ou dont la référence n'a pas d'URL.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (historique complet).")
def parametres(on, non_verifies, as_json):
    """Paramètres datés (textes, conventions, méthodes) et leur statut de vérification."""
    import datetime as dt

    from maillage.engine.rules.listing import all_parameters

    day = on.date() if on else dt.date.today()
    rows = all_parameters()
    if as_json:
        click.echo(
            json.dumps(
                [
                    row.__dict__ | {"historique": [p.__dict__ for p in row.historique]}
                    for row in rows
                ],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    for row in rows:
        period = row.en_vigueur(day)
        if period is None or (non_verifies and period.verifie and period.url):
            continue
        status = "vérifié" if period.verifie else "NON VÉRIFIÉ"
        click.echo(f"{row.nom} = {period.valeur} {row.unite} (depuis {period.debut}, {status})")
        source = f"<{period.url}>" if period.url else "référence sans URL"
        click.echo(f"    {period.reference} — {source} — {row.verification}")


@main.command("manage", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx):
    """Commandes d'administration Django (migrate, createsuperuser, check…)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["maillage manage", *ctx.args])


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None  # module of a feature not installed in this version
        raise


if __name__ == "__main__":
    main()
