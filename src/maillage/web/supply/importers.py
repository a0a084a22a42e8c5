"""Import commands of the health-care supply: parse the whole file first, then write atomically.

The RPPS import lives in :mod:`.rpps_import` (national scale, bulk SQL); the others go
through :func:`maillage.web.imports.sync` or the same diff logic on natural keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from maillage.engine.sources import finess, indicators, rpps, structures
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    PlannedWrites,
    Progress,
    atomic_import,
    examples,
    insert_statement,
    plan_sync,
    sync,
    update_statement,
)
from maillage.web.limits import archive_limits
from maillage.web.territories.models import Commune, Departement

from .models import (
    DepartementIndicatorValue,
    Establishment,
    IndicatorDefinition,
    IndicatorValue,
    Professional,
    Structure,
    StructureCommune,
    SupplyImport,
)
from .rpps_import import import_rpps  # noqa: F401 - re-exported for the commands

REGISTRY = Path(__file__).with_name("indicateurs.yaml")
APL_INDICATOR = "apl_mg"
AMELI_SOURCE = "data.ameli démographie"
#: FINESS classes that are coordinated-care structures.
STRUCTURE_CLASSES = {"maison_sante": Structure.Kind.MSP, "centre_sante": Structure.Kind.CDS}


def _tick(progress: Progress | None, items: Iterable):
    for number, item in enumerate(items, start=1):
        if progress and number % 2000 == 0:
            progress(2000)
        yield item


def _record(kind: str, path: Path, report: ImportReport) -> None:
    SupplyImport.objects.create(kind=kind, fichier=str(path), comptes=report.counts)


def _current_commune(codes: set[str]) -> dict[str, str]:
    """Referential row of each code: itself when current, the absorbing commune when merged."""
    found: dict[str, str] = {}
    for code, statut, merged in Commune.objects.filter(code__in=codes).values_list(
        "code", "statut", "fusionnee_dans_id"
    ):
        found[code] = merged if statut == Commune.Statut.FUSIONNEE and merged else code
    return found


# --------------------------------------------------------------------------- CPAM activity


def import_professional_activity(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Year of birth, acts and FTE of professionals (the latest year of each is kept)."""
    path = Path(path)
    latest: dict[str, rpps.ProfessionalActivity] = {}
    for record in _tick(progress, rpps.iter_professional_activity(path)):
        known = latest.get(record.identifiant_national)
        if known is None or record.annee > known.annee:
            latest[record.identifiant_national] = record
    if not latest:
        raise SourceError(path, "aucune ligne de données après l'en-tête", line=2, character=1)
    report = ImportReport(f"Import de l'activité des professionnels ({path.name})", dry_run)
    # The diff is computed before the write transaction, which only runs the update.
    existing = Professional.objects.in_bulk(list(latest), field_name="identifiant_national")
    changed = []
    for key, record in latest.items():
        professional = existing.get(key)
        if professional is None:
            continue
        values = {
            "annee_naissance": record.annee_naissance
            if record.annee_naissance is not None
            else professional.annee_naissance,
            "actes_annuels": record.actes,
            "etp": record.etp,
            "activite_annee": record.annee,
        }
        if any(getattr(professional, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(professional, name, value)
            changed.append(professional)
    plan = PlannedWrites("professionnels", updated=len(changed))
    plan.unchanged = len(existing) - len(changed)
    if changed:
        fields = ["annee_naissance", "actes_annuels", "etp", "activite_annee"]
        plan.statements.append(update_statement(Professional, changed, fields))
    missing = sorted(set(latest) - set(existing))
    if missing:
        report.warn(
            f"{len(missing)} identifiants absents du référentiel RPPS ignorés : {examples(missing)}"
        )
    with atomic_import(report):
        plan.apply(report)
        _record(SupplyImport.Kind.ACTIVITE, path, report)
    return report


# --------------------------------------------------------------------------- FINESS


def import_finess(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Establishments of any FINESS layout; MSP and centres de santé become structures."""
    path = Path(path)
    parse = finess.FinessReport()
    records = list(_tick(progress, finess.iter_establishments(path, report=parse)))
    if not records:
        raise SourceError(path, "aucun établissement dans le fichier", line=2, character=1)
    labels = finess.load_category_table().labels
    communes = _current_commune({r.code_insee for r in records if r.code_insee})
    rows = {}
    for r in records:
        rows[r.finess] = {
            "finess_ej": r.finess_ej,
            "nom": r.nom[:200],
            "nom_long": r.nom_long[:300],
            "categorie": r.categorie,
            "categorie_libelle": r.categorie_libelle[:200] or labels.get(r.classe, ""),
            "classe": r.classe,
            "commune_id": communes.get(r.code_insee),
            "code_insee": r.code_insee,
            "adresse": _address(r)[:300],
            "lon": None if r.lon is None else round(r.lon, 6),
            "lat": None if r.lat is None else round(r.lat, 6),
            "geocodage_commune": r.geocodage_commune,
            "siret": r.siret,
            "date_ouverture": r.date_ouverture,
            "date_maj": r.date_maj,
        }
    report = ImportReport(
        f"Import FINESS ({path.name}, disposition {parse.layout}, {parse.encoding})", dry_run
    )
    for warning in parse.warnings[:20]:
        report.warn(str(warning))
    if len(parse.warnings) > 20:
        report.warn(f"… et {len(parse.warnings) - 20} autres avertissements")
    outside = sorted({r.code_insee for r in records if r.code_insee not in communes})
    if outside:
        report.warn(
            f"{len(outside)} codes INSEE absents du référentiel (commune laissée vide) : "
            f"{examples(outside)}"
        )
    structure_rows = {
        (STRUCTURE_CLASSES[r.classe], r.finess): {
            "nom": r.nom[:200],
            "commune_id": communes.get(r.code_insee),
            "etablissement_id": r.finess,
            "source": Structure.Source.FINESS,
        }
        for r in records
        if r.classe in STRUCTURE_CLASSES
    }
    establishments = plan_sync(Establishment, rows, label="établissements")
    with atomic_import(report):
        establishments.apply(report)
        sync_structures(structure_rows, report, "structures (MSP, centres de santé)")
        _record(SupplyImport.Kind.FINESS, path, report)
    return report


def _address(r: finess.Establishment) -> str:
    street = " ".join(p for p in (r.numero_voie, r.type_voie, r.voie) if p)
    parts = [street, r.lieu_dit_bp, r.ligne_acheminement]
    return ", ".join(p for p in parts if p)


def sync_structures(
    rows: Mapping[tuple[str, str], Mapping[str, object]], report: ImportReport, label: str
) -> dict[tuple[str, str], Structure]:
    """``sync`` on the natural key (kind, identifiant); returns the structures by key."""
    existing = {
        (s.kind, s.identifiant): s
        for s in Structure.objects.filter(identifiant__in={key[1] for key in rows})
    }
    to_create, to_update, fields, unchanged = [], [], set(), 0
    for key, values in rows.items():
        structure = existing.get(key)
        if structure is None:
            to_create.append(Structure(kind=key[0], identifiant=key[1], **values))
            continue
        changed = [name for name, value in values.items() if getattr(structure, name) != value]
        if changed:
            for name in changed:
                setattr(structure, name, values[name])
            fields.update(changed)
            to_update.append(structure)
        else:
            unchanged += 1
    Structure.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Structure.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    report.add(label, created=len(to_create), updated=len(to_update), unchanged=unchanged)
    return {
        (s.kind, s.identifiant): s
        for s in Structure.objects.filter(identifiant__in={key[1] for key in rows})
        if (s.kind, s.identifiant) in rows
    }


# --------------------------------------------------------------------------- CPTS


def cpts_conflicts(members: Mapping[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Communes claimed by several CPTS, between ``members`` and the CPTS of the database.

    ``members`` maps a CPTS identifier to its communes; CPTS of the database with the same
    identifier are replaced by ``members`` and do not conflict with it.
    """
    owners: dict[str, list[str]] = {}
    for cpts_id, communes in members.items():
        for code in communes:
            owners.setdefault(code, []).append(cpts_id)
    stored = (
        StructureCommune.objects.filter(
            structure__kind=Structure.Kind.CPTS, commune_id__in=list(owners)
        )
        .exclude(structure__identifiant__in=list(members))
        .values_list("commune_id", "structure__identifiant")
    )
    for code, cpts_id in stored:
        owners[code].append(cpts_id)
    return sorted((code, ids) for code, ids in owners.items() if len(ids) > 1)


def import_cpts(
    path: Path,
    *,
    dry_run: bool = False,
    accept_overlaps: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """CPTS and their perimeters; a commune in two CPTS refuses the import unless accepted."""
    path = Path(path)
    parsed = structures.read_cpts(path)
    codes = {code for cpts in parsed.cpts.values() for code in cpts.communes}
    current = _current_commune(codes)
    unknown = sorted(codes - set(current))
    if unknown:
        raise SourceError(
            path,
            f"{len(unknown)} communes absentes du référentiel : {examples(unknown)}",
            column="code_insee",
            expected="des codes INSEE du référentiel (importez d'abord les communes)",
        )
    members = {
        cpts_id: list(dict.fromkeys(current[c] for c in cpts.communes))
        for cpts_id, cpts in parsed.cpts.items()
    }
    conflicts = cpts_conflicts(members)
    report = ImportReport(f"Import des CPTS ({path.name})", dry_run)
    if conflicts:
        described = "; ".join(f"{code} : {', '.join(ids)}" for code, ids in conflicts[:10])
        if not accept_overlaps:
            raise SourceError(
                path,
                f"{len(conflicts)} commune(s) rattachée(s) à plusieurs CPTS ({described}) ; "
                "corrigez le fichier ou relancez avec --accepter-chevauchements",
                column="code_insee",
            )
        report.warn(f"{len(conflicts)} chevauchements acceptés : {described}")
    rows = {
        (Structure.Kind.CPTS, cpts_id): {
            "nom": parsed.cpts[cpts_id].nom[:200],
            "commune_id": communes[0] if communes else None,
            "source": Structure.Source.IMPORT,
        }
        for cpts_id, communes in members.items()
    }
    with atomic_import(report):
        saved = sync_structures(rows, report, "CPTS")
        for cpts_id, communes in members.items():
            set_perimeter(saved[(Structure.Kind.CPTS, cpts_id)], communes, report)
        _record(SupplyImport.Kind.CPTS, path, report)
    return report


def set_perimeter(structure: Structure, communes: list[str], report: ImportReport) -> None:
    current = set(structure.perimetre.values_list("commune_id", flat=True))
    wanted = set(communes)
    removed = current - wanted
    if removed:
        structure.perimetre.filter(commune_id__in=removed).delete()
    StructureCommune.objects.bulk_create(
        [
            StructureCommune(structure=structure, commune_id=code)
            for code in sorted(wanted - current)
        ]
    )
    report.add(
        "communes des périmètres",
        created=len(wanted - current),
        unchanged=len(wanted & current),
        deleted=len(removed),
    )


# --------------------------------------------------------------------------- indicators


REGISTRY_KEYS = {
    "code",
    "libelle",
    "unite",
    "facteur",
    "numerateur",
    "denominateur",
    "source",
    "millesime",
    "agregation",
    "secret",
    "numerateur_public",
    "denominateur_public",
}
#: Keys of the former registry, with what replaces them (the error says it).
REPLACED_KEYS = {
    "ponderation": "agregation: moyenne_ponderee",
    "secret_seuil": "secret: patients | professionnels (seuils datés)",
}


def load_registry(path: Path = REGISTRY) -> dict[str, dict]:
    """Indicator definitions of ``indicateurs.yaml``, checked strictly."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(path, f"fichier YAML illisible : {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("indicateurs"), list):
        raise SourceError(path, "le registre doit contenir une liste « indicateurs »")
    definitions: dict[str, dict] = {}
    families = set(IndicatorDefinition.Secret.values)
    aggregations = set(IndicatorDefinition.Aggregation.values)
    for position, entry in enumerate(document["indicateurs"], start=1):
        where = f"indicateurs[{position}]"
        if not isinstance(entry, dict):
            raise SourceError(path, "entrée invalide", column=where, expected=str(REGISTRY_KEYS))
        for key in set(entry) - REGISTRY_KEYS:
            replaced = REPLACED_KEYS.get(key)
            raise SourceError(
                path,
                f"clé inconnue « {key} »"
                + (f" (remplacée par « {replaced} »)" if replaced else ""),
                column=where,
                expected=", ".join(sorted(REGISTRY_KEYS)),
            )
        for key in ("code", "libelle", "unite", "numerateur", "source"):
            if not str(entry.get(key) or "").strip():
                raise SourceError(path, f"clé « {key} » manquante ou vide", column=where)
        code = str(entry["code"])
        if code in definitions:
            raise SourceError(path, f"indicateur en double « {code} »", column=where)
        denominator = str(entry.get("denominateur") or "")
        aggregation = _choice(
            path, where, entry, "agregation", aggregations, "ratio" if denominator else "somme"
        )
        if aggregation != "somme" and not denominator:
            raise SourceError(path, f"agrégation « {aggregation} » sans dénominateur", column=where)
        family = _choice(
            path, where, entry, "secret", families, IndicatorDefinition.Secret.PATIENTS
        )
        definitions[code] = {
            "libelle": str(entry["libelle"]),
            "unite": str(entry["unite"]),
            "facteur": float(entry.get("facteur", 1.0)),
            "numerateur": str(entry["numerateur"]),
            "denominateur": denominator,
            "source": str(entry["source"]),
            "millesime": str(entry.get("millesime") or ""),
            "agregation": aggregation,
            "secret": family,
            "numerateur_public": str(entry.get("numerateur_public") or ""),
            "denominateur_public": str(entry.get("denominateur_public") or ""),
        }
    return definitions


def _choice(path, where: str, entry: dict, key: str, allowed: set[str], default: str) -> str:
    value = entry.get(key, default)
    if value not in allowed:
        raise SourceError(
            path,
            f"valeur inconnue pour « {key} »",
            column=where,
            expected=", ".join(sorted(allowed)),
            found=str(value),
        )
    return str(value)


def sync_registry(report: ImportReport | None = None, path: Path = REGISTRY) -> ImportReport:
    """Write the registry into IndicatorDefinition (never deletes a definition)."""
    report = report or ImportReport(f"Registre des indicateurs ({Path(path).name})")
    definitions = load_registry(path)
    with atomic_import(report):
        sync(IndicatorDefinition, definitions, report, label="définitions d'indicateurs")
    return report


def _plan_values(
    values: dict[tuple[str, str, int], tuple[float, float | None]],
) -> PlannedWrites:
    """Writes of IndicatorValue rows keyed by (indicator, commune, year), computed before the
    write transaction."""
    indicators_ = {key[0] for key in values}
    years = {key[2] for key in values}
    existing = {
        (v.indicator_id, v.commune_id, v.annee): v
        for v in IndicatorValue.objects.filter(indicator_id__in=indicators_, annee__in=years)
    }
    to_create, to_update, unchanged = [], [], 0
    for key, (numerator, denominator) in values.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                IndicatorValue(
                    indicator_id=key[0],
                    commune_id=key[1],
                    annee=key[2],
                    numerateur=numerator,
                    denominateur=denominator,
                )
            )
        elif _close(row.numerateur, numerator) and _close(row.denominateur, denominator):
            unchanged += 1
        else:
            row.numerateur, row.denominateur = numerator, denominator
            to_update.append(row)
    plan = PlannedWrites("valeurs d'indicateurs", created=len(to_create), updated=len(to_update))
    plan.unchanged = unchanged
    if to_create:
        plan.statements.append(insert_statement(IndicatorValue, to_create))
    if to_update:
        plan.statements.append(
            update_statement(IndicatorValue, to_update, ["numerateur", "denominateur"])
        )
    return plan


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def import_indicators(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Values ``indicateur;code_insee;annee;numerateur;denominateur`` of registry indicators."""
    path = Path(path)
    records = list(_tick(progress, indicators.iter_indicator_values(path)))
    report = ImportReport(f"Import d'indicateurs ({path.name})", dry_run)
    known = set(load_registry()) | set(IndicatorDefinition.objects.values_list("code", flat=True))
    for record in records:
        if record.indicateur not in known:
            raise SourceError(
                path,
                "indicateur inconnu du registre",
                line=record.line,
                column="indicateur",
                expected="un code de supply/indicateurs.yaml ou de l'administration",
                found=record.indicateur,
            )
    communes = _current_commune({r.code_insee for r in records})
    for record in records:
        if record.code_insee not in communes:
            raise SourceError(
                path,
                "commune absente du référentiel",
                line=record.line,
                column="code_insee",
                found=record.code_insee,
            )
    values: dict[tuple[str, str, int], tuple[float, float | None]] = {}
    for r in records:
        key = (r.indicateur, communes[r.code_insee], r.annee)
        if key in values:  # two merged communes of the file: their values add up
            numerator, denominator = values[key]
            values[key] = (
                numerator + r.numerateur,
                None
                if denominator is None or r.denominateur is None
                else denominator + r.denominateur,
            )
        else:
            values[key] = (r.numerateur, r.denominateur)
    plan = _plan_values(values)
    with atomic_import(report):
        sync_registry(report)
        plan.apply(report)
        _record(SupplyImport.Kind.INDICATEURS, path, report)
    return report


def import_apl(
    path: Path,
    *,
    dry_run: bool = False,
    indicator: str = APL_INDICATOR,
    apl_column: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """DREES APL: numerator = APL × population, denominator = population (weighted mean)."""
    path = Path(path)
    values = indicators.iter_apl_values(path, apl_column=apl_column, limits=archive_limits())
    records = list(_tick(progress, values))
    populations = dict(
        Commune.objects.filter(code__in={r.code_insee for r in records}).values_list(
            "code", "population"
        )
    )
    report = ImportReport(f"Import de l'APL DREES ({path.name})", dry_run)
    values, empty, outside = {}, 0, []
    for r in records:
        population = populations.get(r.code_insee)
        if r.apl is None:
            empty += 1
        elif not population:
            outside.append(r.code_insee)
        else:
            values[(indicator, r.code_insee, r.annee)] = (r.apl * population, float(population))
    if empty:
        report.warn(f"{empty} cellules APL vides ou « NA » ignorées")
    if outside:
        report.warn(
            f"{len(outside)} communes absentes du référentiel ou sans population ignorées : "
            f"{examples(sorted(outside))}"
        )
    if indicator not in load_registry() and not (
        IndicatorDefinition.objects.filter(code=indicator).exists()
    ):
        raise SourceError(path, "indicateur inconnu du registre", found=indicator)
    plan = _plan_values(values)
    with atomic_import(report):
        sync_registry(report)
        plan.apply(report)
        _record(SupplyImport.Kind.APL, path, report)
    return report


def import_ameli(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """data.ameli demography (totals per département and profession): NS / NC stay NULL."""
    path = Path(path)
    records = list(_tick(progress, indicators.iter_ameli_demography(path, rows="totals")))
    known = set(Departement.objects.values_list("code", flat=True))
    rows: dict[tuple, float | None] = {}
    outside = set()
    for r in records:
        if r.departement not in known:
            outside.add(r.departement)
            continue
        for name, value in (("effectif", r.effectif), ("densite", r.densite)):
            key = (AMELI_SOURCE, name, r.departement, r.annee, r.profession_sante[:120])
            rows[key] = None if value is None else float(value)
    report = ImportReport(f"Import data.ameli ({path.name})", dry_run)
    if outside:
        report.warn(
            f"{len(outside)} départements hors référentiel ignorés : {examples(sorted(outside))}"
        )
    existing = {
        (v.source, v.indicateur, v.departement_id, v.annee, v.profession): v
        for v in DepartementIndicatorValue.objects.filter(source=AMELI_SOURCE)
    }
    create, update, unchanged = [], [], 0
    for key, value in rows.items():
        row = existing.get(key)
        if row is None:
            create.append(
                DepartementIndicatorValue(
                    source=key[0],
                    indicateur=key[1],
                    departement_id=key[2],
                    annee=key[3],
                    profession=key[4],
                    valeur=value,
                )
            )
        elif _close(row.valeur, value):
            unchanged += 1
        else:
            row.valeur = value
            update.append(row)
    plan = PlannedWrites("valeurs départementales", created=len(create), updated=len(update))
    plan.unchanged = unchanged
    if create:
        plan.statements.append(insert_statement(DepartementIndicatorValue, create))
    if update:
        plan.statements.append(update_statement(DepartementIndicatorValue, update, ["valeur"]))
    with atomic_import(report):
        plan.apply(report)
        _record(SupplyImport.Kind.AMELI, path, report)
    return report
