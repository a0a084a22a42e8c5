"""Import commands of the territory referential: parse first, then write atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from maillage.engine.sources import cog, etalab, points, populations, zonages
from maillage.web.imports import (
    ImportReport,
    PlannedWrites,
    Progress,
    atomic_import,
    examples,
    insert_statement,
    plan_sync,
    update_statement,
)

from .models import (
    AGE_BAND_FIELDS,
    Commune,
    Departement,
    Epci,
    PopulationLegale,
    Region,
    Zonage,
    Zone,
    ZoneCommune,
)
from .outlines import import_geojson  # noqa: F401 - its home is .outlines; callers use both

# Legal populations shipped with @etalab/decoupage-administratif 6.0.0 (COG 2026) are those in
# force on 1 January 2026. Overridable with --annee-population.
DEFAULT_ETALAB_POPULATION_YEAR = 2023


def _tick(progress: Progress | None, items: Iterable):
    for number, item in enumerate(items, start=1):
        if progress and number % 2000 == 0:
            progress(2000)
        yield item


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
    communes = list(_tick(progress, etalab.read_communes(paths["communes"])))
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
    records = list(_tick(progress, cog.read_cog_communes(Path(path))))
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


def import_legal_populations(
    path: Path, year: int, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Legal populations of ``year``: stored in the history (every vintage is kept) and, unless
    a newer vintage is already current, as the commune's population."""
    records = list(_tick(progress, populations.read_legal_populations(Path(path))))
    values = {r.code: r.population_municipale for r in records}
    newer = set(
        Commune.objects.filter(code__in=list(values), population_annee__gt=year).values_list(
            "code", flat=True
        )
    )
    rows = {
        code: {"population": value, "population_annee": year}
        for code, value in values.items()
        if code not in newer
    }
    report = ImportReport(f"Import des populations légales {year} ({path})", dry_run)
    communes = plan_sync(Commune, rows, label="communes", create=False)
    known = set(Commune.objects.filter(code__in=list(values)).values_list("code", flat=True))
    history = plan_population_history(values, year, known=known)
    with atomic_import(report):
        missing = communes.apply(report)
        history.apply(report)
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    if newer:
        report.warn(
            f"{len(newer)} communes gardent leur population d'un millésime plus récent "
            f"(le millésime {year} est conservé dans l'historique)"
        )
    return report


def plan_population_history(
    values: dict[str, int],
    year: int,
    *,
    known: set[str] | None = None,
    label: str = "populations (historique)",
) -> PlannedWrites:
    """Writes of the history rows of ``year`` for the ``known`` communes of ``values``
    (default: those in the database), diff-based: rows of other vintages and of communes
    absent from ``values`` are kept."""
    if known is None:
        known = set(Commune.objects.filter(code__in=list(values)).values_list("code", flat=True))
    existing = {
        commune: (pk, population)
        for pk, commune, population in PopulationLegale.objects.filter(
            annee=year, commune_id__in=list(known)
        ).values_list("pk", "commune_id", "population")
    }
    to_create = [
        PopulationLegale(commune_id=code, annee=year, population=value)
        for code, value in values.items()
        if code in known and code not in existing
    ]
    changed = [
        PopulationLegale(pk=existing[code][0], commune_id=code, annee=year, population=value)
        for code, value in values.items()
        if code in existing and existing[code][1] != value
    ]
    plan = PlannedWrites(label, created=len(to_create), updated=len(changed))
    plan.unchanged = len(existing) - len(changed)
    if to_create:
        plan.statements.append(insert_statement(PopulationLegale, to_create))
    if changed:
        plan.statements.append(update_statement(PopulationLegale, changed, ["population"]))
    return plan


def sync_population_history(
    values: dict[str, int], year: int, report: ImportReport, **options
) -> None:
    """:func:`plan_population_history` applied at once (inside :func:`atomic_import`)."""
    plan_population_history(values, year, **options).apply(report)


def import_age_populations(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    year, records = populations.read_age_populations(Path(path))
    rows = {}
    for record in _tick(progress, records):
        values = {AGE_BAND_FIELDS[band][0]: round(value, 4) for band, value in record.bands.items()}
        values["pop_ages_annee"] = year
        rows[record.code] = values
    report = ImportReport(f"Import des populations par âge {year} ({path})", dry_run)
    plan = plan_sync(Commune, rows, label="communes", create=False)
    with atomic_import(report):
        missing = plan.apply(report)
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    return report


def import_points(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    records = list(_tick(progress, points.read_points(Path(path))))
    report = ImportReport(f"Import des centres des communes ({path})", dry_run)
    without = [r.code for r in records if r.lon is None]
    rows = {
        r.code: {"centre_lon": r.lon, "centre_lat": r.lat} for r in records if r.lon is not None
    }
    _add_plm_centres(rows)
    _add_merged_centres(rows)
    plan = plan_sync(Commune, rows, label="communes", create=False)
    with atomic_import(report):
        missing = plan.apply(report)
    if without:
        report.warn(f"{len(without)} lignes sans coordonnées ignorées : {examples(without)}")
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    return report


def _add_plm_centres(rows: dict[str, dict]) -> None:
    """Give Paris, Lyon and Marseille the population-weighted centre of their arrondissements.

    Files of points often list only the arrondissements (no 75056 / 69123 / 13055 row).
    """
    weights = dict(
        Commune.objects.filter(code__in=populations.PARENT_OF_ARRONDISSEMENT).values_list(
            "code", "population"
        )
    )
    for parent, arrondissements in populations.PLM_ARRONDISSEMENTS.items():
        if parent in rows:
            continue
        known = [(rows[a], weights.get(a) or 1) for a in arrondissements if a in rows]
        if not known:
            continue
        total = sum(w for _, w in known)
        rows[parent] = {
            "centre_lon": round(sum(r["centre_lon"] * w for r, w in known) / total, 6),
            "centre_lat": round(sum(r["centre_lat"] * w for r, w in known) / total, 6),
        }


def _add_merged_centres(rows: dict[str, dict]) -> None:
    """A commune created by a merger after the file's vintage gets the mean of the points of
    the communes it absorbed (they are in the file under their old codes)."""
    absorbed: dict[str, list[dict]] = {}
    for old, new in Commune.objects.filter(
        statut=Commune.Statut.FUSIONNEE, fusionnee_dans__isnull=False
    ).values_list("code", "fusionnee_dans"):
        if old in rows and new not in rows:
            absorbed.setdefault(new, []).append(rows[old])
    for new, parts in absorbed.items():
        rows[new] = {
            "centre_lon": round(sum(p["centre_lon"] for p in parts) / len(parts), 6),
            "centre_lat": round(sum(p["centre_lat"] for p in parts) / len(parts), 6),
        }


def import_zoning(
    path: Path,
    *,
    type: str,
    millesime: int,
    code: str | None = None,
    libelle: str | None = None,
    source: str = "",
    fictif: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """A study zoning from ``code_insee;code_zone;libelle_zone``: the whole membership of
    (code, millésime) is replaced — zones and memberships absent from the file are deleted."""
    if type not in Zonage.Type.values:
        raise ValueError(f"type de zonage inconnu : {type}")
    memberships = list(_tick(progress, zonages.read_zoning(Path(path))))
    code = code or type
    libelle = libelle or f"{Zonage.Type(type).label.capitalize()} {millesime}"
    known = set(
        Commune.objects.filter(code__in=[m.commune for m in memberships]).values_list(
            "code", flat=True
        )
    )
    unknown = [f"{m.commune} (ligne {m.line})" for m in memberships if m.commune not in known]
    kept = [m for m in memberships if m.commune in known]
    report = ImportReport(f"Import du zonage « {libelle} » ({path})", dry_run)
    with atomic_import(report):
        write_zoning(
            {
                "code": code,
                "type": type,
                "millesime": millesime,
                "libelle": libelle,
                "source": source or str(Path(path).name),
                "fictif": fictif,
            },
            [(m.commune, m.zone, m.libelle) for m in kept],
            report,
        )
    if unknown:
        report.warn(
            f"{len(unknown)} communes absentes du référentiel ignorées : {examples(unknown)}"
        )
    return report


def write_zoning(
    definition: dict, memberships: list[tuple[str, str, str]], report: ImportReport
) -> Zonage:
    """Diff-based write of one zoning: ``memberships`` = (commune, zone code, zone name).
    Must run inside :func:`atomic_import`."""
    zonage = Zonage.objects.filter(
        code=definition["code"], millesime=definition["millesime"]
    ).first()
    fields = {k: v for k, v in definition.items() if k not in ("code", "millesime")}
    if zonage is None:
        zonage = Zonage.objects.create(
            code=definition["code"], millesime=definition["millesime"], **fields
        )
        report.add("zonages", created=1)
    elif any(getattr(zonage, k) != v for k, v in fields.items()):
        for k, v in fields.items():
            setattr(zonage, k, v)
        zonage.save()
        report.add("zonages", updated=1)
    else:
        report.add("zonages", unchanged=1)

    names = {zone: nom for _commune, zone, nom in memberships}
    existing = {z.code: z for z in Zone.objects.filter(zonage=zonage)}
    new_zones = [Zone(zonage=zonage, code=c, nom=n) for c, n in names.items() if c not in existing]
    renamed = [z for c, z in existing.items() if c in names and z.nom != names[c]]
    for z in renamed:
        z.nom = names[z.code]
    gone = [z.pk for c, z in existing.items() if c not in names]
    Zone.objects.bulk_create(new_zones)
    Zone.objects.bulk_update(renamed, ["nom"])
    zone_ids = dict(Zone.objects.filter(zonage=zonage).values_list("code", "pk"))

    current = dict(ZoneCommune.objects.filter(zonage=zonage).values_list("commune_id", "zone_id"))
    wanted = {commune: zone_ids[zone] for commune, zone, _nom in memberships}
    create = [
        ZoneCommune(zonage=zonage, zone_id=z, commune_id=c)
        for c, z in wanted.items()
        if c not in current
    ]
    moved = {c: z for c, z in wanted.items() if c in current and current[c] != z}
    removed = [c for c in current if c not in wanted]
    ZoneCommune.objects.filter(zonage=zonage, commune_id__in=removed + list(moved)).delete()
    ZoneCommune.objects.bulk_create(
        create + [ZoneCommune(zonage=zonage, zone_id=z, commune_id=c) for c, z in moved.items()],
        batch_size=2000,
    )
    Zone.objects.filter(pk__in=gone).delete()
    report.add(
        "zones",
        created=len(new_zones),
        updated=len(renamed),
        unchanged=len(existing) - len(renamed) - len(gone),
        deleted=len(gone),
    )
    report.add(
        "communes des zones",
        created=len(create),
        updated=len(moved),
        unchanged=len(wanted) - len(create) - len(moved),
        deleted=len(removed),
    )
    return zonage
