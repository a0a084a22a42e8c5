"""Stored APL and zonings (official and simulated) for the maps, the commune card and aids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from maillage.engine import vocabulary
from maillage.engine.accessibility import zoning as zoning_engine
from maillage.engine.rules.aids import Project, simulate_aids
from maillage.web.secrecy import policy as secrecy_policy
from maillage.web.territories.models import Commune

from ..models import AplCommune, OfficialZone, SimulatedZone
from .methods import METHODS, ZONE_CLASSES, Scope

# --- Reading ---------------------------------------------------------------------------------


def latest_year(profession: str) -> int | None:
    return (
        AplCommune.objects.filter(profession=profession)
        .order_by("-annee")
        .values_list("annee", flat=True)
        .first()
    )


def official_zones(profession: str, codes: list[str], on: dt.date | None = None) -> dict:
    """Zone of each commune in the latest arrêté on or before ``on`` (commune → row)."""
    on = on or dt.date.today()
    rows = OfficialZone.objects.filter(
        profession=profession, commune_id__in=codes, arrete_date__lte=on
    ).order_by("arrete_date")
    return {row.commune_id: row for row in rows}


def simulated_zones(profession: str, codes: list[str], annee: int | None = None) -> dict:
    annee = annee or latest_year(profession)
    if annee is None:
        return {}
    rows = SimulatedZone.objects.filter(profession=profession, annee=annee, commune_id__in=codes)
    return {row.commune_id: row for row in rows}


def zone_label(zone: str | None) -> str:
    return vocabulary.zone_label(zone)


def zoning_map(profession: str, scope: Scope, on: dt.date | None = None) -> dict:
    """Features of the perimeter with both zonings (never merged) and APL."""
    communes = list(
        scope.communes()
        .order_by("code")
        .only("code", "nom", "population", "contour", "departement_id")
    )
    codes = [c.code for c in communes]
    official = official_zones(profession, codes, on)
    annee = latest_year(profession)
    simulated = simulated_zones(profession, codes, annee)
    apl = dict(
        AplCommune.objects.filter(
            profession=profession, annee=annee, commune_id__in=codes
        ).values_list("commune_id", "apl")
    )
    features, rows = [], []
    for c in communes:
        o, s = official.get(c.code), simulated.get(c.code)
        properties = {
            "code": c.code,
            "nom": c.nom,
            "population": c.population,
            "apl": apl.get(c.code),
            "officiel": o.zone if o else None,
            "officiel_classe": ZONE_CLASSES.get(o.zone, "inconnu") if o else "inconnu",
            "officiel_libelle": zone_label(o.zone) if o else "non importé",
            "simulation": s.zone if s else None,
            "simulation_classe": ZONE_CLASSES.get(s.zone, "inconnu") if s else "inconnu",
            "simulation_libelle": zone_label(s.zone) if s else "non calculé",
        }
        rows.append(properties)
        if c.contour:
            features.append({"type": "Feature", "geometry": c.contour, "properties": properties})
    arretes = sorted({(o.arrete_date, o.arrete_reference) for o in official.values()})
    return {
        "profession": profession,
        "perimetre": scope.key,
        "annee_apl": annee,
        "arretes": [{"date": d.isoformat(), "reference": r} for d, r in arretes],
        "unite": METHODS[profession].unit,
        "communes": rows,
        "geojson": {"type": "FeatureCollection", "features": features},
    }


def commune_card(commune: Commune, profession: str, on: dt.date | None = None) -> dict:
    """Zone (official and simulated, with sources), APL, supply and demand of a commune."""
    on = on or dt.date.today()
    official = official_zones(profession, [commune.code], on).get(commune.code)
    annee = latest_year(profession)
    simulated = simulated_zones(profession, [commune.code], annee).get(commune.code)
    row = AplCommune.objects.filter(
        profession=profession, annee=annee, commune_id=commune.code
    ).first()
    method = METHODS[profession]
    return {
        "code": commune.code,
        "nom": commune.nom,
        "profession": profession,
        "population": commune.population,
        "zonage_officiel": None
        if official is None
        else {
            "zone": official.zone,
            "libelle": zone_label(official.zone),
            "niveau": official.niveau,
            "territoire": official.territoire,
            "arrete_date": official.arrete_date.isoformat(),
            "arrete_reference": official.arrete_reference,
        },
        "zonage_simule": None
        if simulated is None
        else {
            "nature": "simulation",
            "zone": simulated.zone,
            "libelle": zone_label(simulated.zone),
            "territoire": simulated.territoire,
            "apl_territoire": simulated.apl_territoire,
            "annee_apl": simulated.annee,
            "date_regles": simulated.date_regles.isoformat(),
            "parametres": simulated.parametres,
        },
        "apl": None
        if row is None
        else {
            "annee": row.annee,
            "valeur": row.apl,
            "unite": method.unit,
            # A commune with between 1 and seuil − 1 practitioners: its supply is a stand-in,
            # never shown as if it were the commune's.
            "secret": row.secret,
            "seuil_secret": secrecy_policy().seuil,
            "offre": None if row.secret else row.offre,
            "unite_offre": "ETP" if method.supply_in_fte else "actes/an",
            "praticiens": None if row.secret else row.praticiens,
            "etp": None if row.secret else row.etp,
            "demande": row.demande,
            "population": row.population,
        },
    }


# --- Aids ------------------------------------------------------------------------------------


@dataclass
class ResolvedZone:
    zone: str  # zone given to the aid simulator
    nature: str  # officiel | simulation
    detail: str


def resolve_zone(commune_code: str, profession: str, on: dt.date) -> ResolvedZone:
    """The official zone of the commune if imported, else the simulated one (said so)."""
    official = official_zones(profession, [commune_code], on).get(commune_code)
    if official is not None:
        return ResolvedZone(
            official.zone,
            "officiel",
            f"zonage officiel, arrêté du {official.arrete_date:%d/%m/%Y}"
            + (f" ({official.arrete_reference})" if official.arrete_reference else ""),
        )
    simulated = simulated_zones(profession, [commune_code]).get(commune_code)
    if simulated is None:
        raise ValueError(
            f"commune {commune_code} : ni zonage officiel importé ni zonage simulé pour "
            f"{profession} (importez le zonage ou lancez « maillage access apl --depuis-base »)"
        )
    zone = zoning_engine.aid_zone(profession, simulated.zone)
    detail = (
        f"simulation à partir de l'APL {simulated.annee} (règles au "
        f"{simulated.date_regles:%d/%m/%Y}), pas le zonage officiel de l'ARS"
    )
    if zone != simulated.zone:
        detail += f" ; zone simulée « {zone_label(simulated.zone)} » comptée comme {zone}"
    return ResolvedZone(zone, "simulation", detail)


def aids_for_commune(
    commune_code: str, profession: str, on: dt.date, project: Project
) -> tuple[ResolvedZone, Any]:
    resolved = resolve_zone(commune_code, profession, on)
    return resolved, simulate_aids(profession, resolved.zone, on, project)
