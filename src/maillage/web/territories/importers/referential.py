"""The referential itself: régions, départements, EPCI, communes (Etalab découpage, COG)."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import cog, etalab
from maillage.web.imports import (
    ImportReport,
    Progress,
    atomic_import,
    examples,
    plan_sync,
    tick,
)

from ..models import (
    Commune,
    Departement,
    Epci,
    Region,
)
from .legal_populations import plan_population_history

# Legal populations shipped with @etalab/decoupage-administratif 6.0.0 (COG 2026) are those in
# force on 1 January 2026. Overridable with --annee-population.
DEFAULT_ETALAB_POPULATION_YEAR = 2023


def import_etalab(
    directory: Path,
    *,
    dry_run: bool = False,
    departement: str | None = None,
    population_year: int = DEFAULT_ETALAB_POPULATION_YEAR,
    progress: Progress | None = None,
) -> ImportReport:
    paths = etalab.check_directory(Path(directory))
    regions = list(etalab.read_regions(paths["regions"]))
    departements = list(etalab.read_departements(paths["departements"]))
    epcis = list(etalab.read_epci(paths["epci"]))
    communes = list(tick(progress, etalab.read_communes(paths["communes"])))
    if not communes:  # an import would otherwise « succeed » with an empty referential
        raise etalab.SourceError(
            paths["communes"],
            "aucune commune dans le fichier",
            column="[0]",
            expected="un tableau JSON de communes non vide",
        )
    if departement:
        communes = [c for c in communes if c.departement == departement]
        if not communes:
            raise etalab.SourceError(
                paths["communes"],
                "aucune commune pour ce département",
                expected="un code de département existant",
                found=departement,
            )

    epci_of: dict[str, str] = {}
    for epci in epcis:
        for member in epci.membres:
            epci_of[member] = epci.siren
    kept_codes = {c.code for c in communes}
    kept_epcis = {epci_of[code] for code in kept_codes if code in epci_of}

    rows: dict[str, dict] = {}
    names: dict[str, str] = {}
    for commune in communes:
        if commune.type in ("COM", "ARM"):
            names[commune.code] = commune.nom
            rows[commune.code] = {
                "nom": commune.nom,
                "nature": commune.type,
                "statut": Commune.Statut.ACTUELLE,
                "commune_parente_id": commune.parent if commune.type == "ARM" else None,
                "fusionnee_dans_id": None,
                "departement_id": commune.departement,
                "region_id": commune.region,
                "epci_id": epci_of.get(commune.code),
                "codes_postaux": list(commune.codes_postaux),
                "population": commune.population,
                "population_annee": population_year if commune.population is not None else None,
            }
    for commune in communes:
        # A delegated commune often keeps the code of the new commune (its chef-lieu): that
        # code already stands for the current commune.
        if commune.type in ("COMD", "COMA") and commune.code not in rows:
            rows[commune.code] = _merged(
                commune.code, commune.nom, commune.type, commune.parent, commune
            )
    for commune in communes:
        for old in commune.anciens_codes:
            if old not in rows:
                rows[old] = _merged(
                    old, f"Ancienne commune ({commune.nom})", "ANC", commune.code, commune
                )

    report = ImportReport(f"Import du découpage administratif ({Path(directory)})", dry_run)
    # Every write is computed before the write transaction, which only runs them.
    plans = [
        plan_sync(Region, {r.code: {"nom": r.nom} for r in regions}, label="régions"),
        plan_sync(
            Departement,
            {
                d.code: {"nom": d.nom, "region_id": d.region, "chef_lieu": d.chef_lieu or ""}
                for d in departements
            },
            label="départements",
        ),
        plan_sync(
            Epci,
            {
                e.siren: {"nom": e.nom, "nature": e.nature}
                for e in epcis
                if not departement or e.siren in kept_epcis
            },
            label="EPCI",
        ),
        plan_sync(Commune, rows, label="communes"),
        plan_population_history(
            {code: r["population"] for code, r in rows.items() if r["population"] is not None},
            population_year,
            known=set(rows),
        ),
    ]
    with atomic_import(report):
        for plan in plans:
            plan.apply(report)
    return report


def _merged(code: str, nom: str, nature: str, parent: str | None, source) -> dict:
    return {
        "nom": nom,
        "nature": nature,
        "statut": Commune.Statut.FUSIONNEE,
        "commune_parente_id": None,
        "fusionnee_dans_id": parent,
        "departement_id": source.departement,
        "region_id": source.region,
        "epci_id": None,
        "codes_postaux": [],
        "population": None,
        "population_annee": None,
    }


def import_cog(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    records = list(tick(progress, cog.read_cog_communes(Path(path))))
    report = ImportReport(f"Import du COG ({path})", dry_run)
    known_departements = set(Departement.objects.values_list("code", flat=True))
    known_regions = set(Region.objects.values_list("code", flat=True))
    current = {r.code for r in records if r.type in ("COM", "ARM")}
    rows: dict[str, dict] = {}
    for record in records:
        if record.type in ("COMD", "COMA") and record.code in current:
            continue
        merged = record.type in ("COMD", "COMA")
        rows.setdefault(
            record.code,
            {
                "nom": record.nom,
                "nature": record.type,
                "statut": Commune.Statut.FUSIONNEE if merged else Commune.Statut.ACTUELLE,
                "commune_parente_id": record.parent if record.type == "ARM" else None,
                "fusionnee_dans_id": record.parent if merged else None,
                "departement_id": record.departement
                if record.departement in known_departements
                else None,
                "region_id": record.region if record.region in known_regions else None,
            },
        )
    unknown_deps = sorted(
        {
            r.departement
            for r in records
            if r.departement and r.departement not in known_departements
        }
    )
    if unknown_deps:
        report.warn(
            "départements absents du référentiel (importez d'abord le découpage "
            f"administratif) : {examples(unknown_deps)}"
        )
    plan = plan_sync(Commune, rows, label="communes")
    with atomic_import(report):
        plan.apply(report)
    return report
