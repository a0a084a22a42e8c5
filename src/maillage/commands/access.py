"""``maillage access``: accessibility (APL, E2SFCA) computed from plain files, no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import numpy as np

from maillage.engine import parameters
from maillage.engine.accessibility import METHOD_ROOTS, fca, traveltimes
from maillage.engine.accessibility import decay as decays
from maillage.engine.accessibility import demand as demands
from maillage.engine.parameters import ParameterError
from maillage.engine.sources.errors import SourceError
from maillage.engine.vocabulary import GP

from .apl_files import read_population, read_supply, write_apl


@click.group(name="access", help="Accessibilité potentielle localisée (APL) et variantes 2SFCA.")
def group() -> None:
    """Accessibility commands."""


def _fail(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def _file_option(flag: str, dest: str, help_text: str, **extra):
    """A ``--flag PATH`` option naming one file (not a folder), given as a ``Path``."""
    return click.option(
        flag, dest, type=click.Path(dir_okay=False, path_type=Path), help=help_text, **extra
    )


@group.command("apl")
@_file_option(
    "--supply",
    "supply_path",
    "Offre par commune : CSV « code,offre » (actes par an, ou ETP avec --unite-offre etp). "
    "Les lignes d'un même code sont additionnées.",
)
@_file_option(
    "--population",
    "population_path",
    "Population par commune : CSV « code,population », ou « code » et une colonne par "
    "tranche d'âge avec --profil.",
)
@_file_option(
    "--profil",
    "profile_path",
    "Profil de consommation par tranche d'âge : CSV « tranche,consommation » ; la "
    "population est alors standardisée (référence : l'ensemble des communes du fichier).",
)
@_file_option(
    "--travel-times",
    "travel_path",
    "Temps de trajet : CSV ou Parquet « origine,destination,minutes ». Les couples "
    "absents sont hors de portée ; t_ii = 0 est ajouté s'il manque.",
)
@_file_option(
    "--crow-fly",
    "points_path",
    "Approximation à vol d'oiseau depuis les centroïdes : CSV « code,latitude,longitude » "
    "(ou code_insee). Approximation, pas un temps routier.",
)
@click.option(
    "--weights",
    "weights_text",
    default=None,
    help="Paliers « borne:poids » en minutes, bornes incluses (t <= borne), par exemple "
    "« 10:1,15:0.6667,20:0.3333 ». Défaut : paramètre daté apl.decay.steps.",
)
@click.option(
    "--unite-offre",
    "supply_unit",
    type=click.Choice(["actes", "etp"]),
    default="actes",
    show_default=True,
    help="Unité de la colonne offre ; etp est converti en actes (paramètre "
    "apl.supply.acts_per_fte, ou --actes-par-etp).",
)
@click.option(
    "--actes-par-etp",
    "acts_per_fte",
    type=float,
    default=None,
    help="Actes par an pour un ETP (défaut : paramètre daté, 5 400).",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date des paramètres méthodologiques (AAAA-MM-JJ, défaut : aujourd'hui).",
)
@click.option(
    "--backend",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local : calcul en mémoire ; dask : calcul réparti sur un cluster Dask.",
)
@click.option(
    "--scheduler",
    default=None,
    help="Adresse du planificateur Dask (tcp://hôte:8786) ; sans elle, un cluster "
    "local de 2 workers est démarré.",
)
@_file_option(
    "--output",
    "output_path",
    "Fichier CSV « code,apl » (défaut : sortie standard).",
    default=None,
)
@click.option(
    "--depuis-base",
    "from_database",
    is_flag=True,
    help="Calcule depuis le référentiel (populations, professionnels) et enregistre l'APL "
    "comme indicateur, avec le zonage simulé (au lieu de --supply / --population).",
)
@click.option(
    "--profession",
    default=GP,
    show_default=True,
    help="Avec --depuis-base : medecin_generaliste, masseur_kinesitherapeute ou infirmier.",
)
@click.option("--annee", type=int, default=None, help="Avec --depuis-base : année de l'APL.")
@click.option("--departement", default=None, help="Avec --depuis-base : code du département.")
@click.option("--region", default=None, help="Avec --depuis-base : code de la région.")
@click.option("--dry-run", is_flag=True, help="Avec --depuis-base : calcule sans rien enregistrer.")
def apl_command(
    supply_path,
    population_path,
    profile_path,
    travel_path,
    points_path,
    weights_text,
    supply_unit,
    acts_per_fte,
    on,
    backend,
    scheduler,
    output_path,
    from_database,
    profession,
    annee,
    departement,
    region,
    dry_run,
):
    """Calcule l'APL (E2SFCA, mêmes poids aux deux étapes) de chaque commune.

    Résultat en actes par an et par habitant (standardisé si --profil), 0 pour une commune
    sans offre à portée. Avec --depuis-base, calcul sur le référentiel et enregistrement.
    """
    if from_database:
        if supply_path or population_path or points_path or profile_path or weights_text:
            raise click.UsageError(
                "--depuis-base lit l'offre, la population et les centres dans la base : "
                "--supply, --population, --crow-fly, --profil et --weights sont exclus"
            )
        if annee is None:
            raise click.UsageError("--depuis-base demande --annee")
        _apl_from_database(
            profession,
            annee,
            departement,
            region,
            travel_path,
            on,
            backend,
            scheduler,
            output_path,
            dry_run,
        )
        return
    if supply_path is None or population_path is None:
        raise click.UsageError("indiquez --supply et --population (ou --depuis-base)")
    if (travel_path is None) == (points_path is None):
        raise click.UsageError("indiquez soit --travel-times, soit --crow-fly (un seul des deux)")
    on = on.date() if on else dt.date.today()
    try:
        decay = decays.parse_bands(weights_text) if weights_text else decays.apl_decay(on)
        codes, demand = read_population(population_path, profile_path)
        supply_codes, supply_values = read_supply(supply_path)
        if supply_unit == "etp":
            supply_values = demands.acts_from_fte(supply_values, acts_per_fte, on)
        extra = np.array(sorted(set(supply_codes.tolist()) - set(codes.tolist())), dtype=object)
        if len(extra):
            click.echo(
                f"Attention : {len(extra)} code(s) de l'offre absents du fichier de population "
                f"(par exemple {extra[0]}) : comptés avec une population nulle.",
                err=True,
            )
        universe = np.concatenate([codes, extra])
        n = universe.size
        supply = np.zeros(n)
        supply[traveltimes.code_positions(universe, supply_codes)] = supply_values
        demand_all = np.concatenate([demand, np.zeros(len(extra))])
        if travel_path is not None:
            table = traveltimes.read_travel_times(travel_path)
            origins, destinations, minutes, dropped = traveltimes.index_pairs(universe, table)
            del table  # its millions of code positions are no longer needed
            if dropped:
                click.echo(
                    f"{dropped} couple(s) de {travel_path} hors des communes étudiées ignorés.",
                    err=True,
                )
        else:
            point_codes, lat, lon, missing = traveltimes.read_points(points_path, True)
            if missing:
                click.echo(
                    f"Attention : {len(missing)} commune(s) sans coordonnées dans {points_path} "
                    f"(lignes {', '.join(map(str, missing[:10]))}) : sans voisines.",
                    err=True,
                )
            position = traveltimes.code_positions(universe, point_codes)
            known = position >= 0
            o, d, minutes = traveltimes.crow_fly_times(
                lat[known], lon[known], decays.max_minutes_of(decay), on=on
            )
            origins, destinations = position[known][o], position[known][d]
        origins, destinations, minutes = traveltimes.add_self_pairs(
            origins, destinations, minutes, n
        )
        weights = fca.weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
        result = _run(weights, demand_all, supply, backend, scheduler)
    except (SourceError, ParameterError, ValueError) as exc:
        raise _fail(exc) from exc
    write_apl(codes, result[: codes.size], output_path)


def _apl_from_database(
    profession,
    annee,
    departement,
    region,
    travel_path,
    on,
    backend,
    scheduler,
    output_path,
    dry_run,
):
    from maillage.cli import setup_django

    setup_django()
    from maillage.web.access import services

    on = on.date() if on else None
    try:
        if backend == "dask":
            with _dask_client(scheduler) as client:
                _, report, inputs, result = services.compute_and_store(
                    profession,
                    annee,
                    departement,
                    region,
                    travel_path,
                    "dask",
                    client,
                    on,
                    dry_run,
                )
        else:
            _, report, inputs, result = services.compute_and_store(
                profession, annee, departement, region, travel_path, on=on, dry_run=dry_run
            )
    except (SourceError, ParameterError, ValueError) as exc:
        raise _fail(exc) from exc
    for line in report.lines():
        click.echo(line, err=True)
    mask = inputs.in_scope
    click.echo(
        f"  indicateur {services.indicator_code(profession)} ({inputs.method.unit}) ; "
        f"zonage SIMULÉ enregistré (pas le zonage officiel)",
        err=True,
    )
    if output_path is not None:
        write_apl(inputs.codes[mask], result[mask], output_path)


class _dask_client:
    """Client on the given scheduler, or on a small local cluster (2 workers)."""

    def __init__(self, scheduler):
        self.scheduler = scheduler

    def __enter__(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.cluster = None
            self.client = Client(self.scheduler)
        else:
            # Dashboard on a free port: the default 8787 clashes with any other cluster here.
            self.cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
            )
            self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _run(weights, demand, supply, backend, scheduler):
    if backend == "local":
        return fca.e2sfca(weights, demand, supply)
    if scheduler:
        return fca.e2sfca(weights, demand, supply, backend="dask", client=scheduler)
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        return fca.e2sfca(weights, demand, supply, backend="dask", client=client)


@group.command("parametres")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date d'effet (AAAA-MM-JJ, défaut : aujourd'hui).",
)
def parameters_command(on):
    """Affiche les paramètres méthodologiques en vigueur, leur source et leur statut."""
    on = on.date() if on else dt.date.today()
    for parameter in parameters.load_parameters():
        if parameter.name.split(".", 1)[0] not in METHOD_ROOTS:
            continue
        try:
            value = parameter.at(on)
        except ParameterError:
            continue
        status = "vérifié" if value.verifie else "NON VÉRIFIÉ"
        click.echo(
            f"{parameter.name} = {value.value!r} [{parameter.unite}] ({status}, depuis "
            f"{value.start.isoformat()})"
        )
        click.echo(
            f"    source : {value.reference.titre}"
            + (f" <{value.reference.url}>" if value.reference.url else "")
        )
