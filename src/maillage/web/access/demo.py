"""Demo content: APL of the demo département, a fictitious official zoning and the simulation.

Runs after the supply demo; without demo professionals it does nothing (returns None).
"""

from __future__ import annotations

import datetime as dt

from maillage.engine.demo.territory import DEPARTEMENT
from maillage.web.imports import ImportReport, atomic_import, sync
from maillage.web.supply.models import Activity

from . import services
from .models import OfficialZone, Profession

DEMO_ARRETE_DATE = dt.date(2025, 1, 1)
DEMO_ARRETE_REFERENCE = "Arrêté FICTIF de démonstration — données fictives, pas un zonage réel"


def load_demo() -> ImportReport | None:
    code = DEPARTEMENT[0]
    gps = Activity.objects.filter(
        commune__departement_id=code, professional__categorie=Profession.MEDECIN
    )
    if not gps.exists():
        return None
    annee = dt.date.today().year - 1
    _, report, inputs, apl = services.compute_and_store(Profession.MEDECIN, annee, departement=code)
    report.label = f"Accessibilité de démonstration ({annee}) — données fictives"
    # A fictitious « official » zoning: the simulation's ZIP, the lower half of the vivier as
    # ZAC (under the middle of the two thresholds), the rest outside — plausible,
    # deterministic and labelled as fictitious.
    mask = inputs.in_scope
    codes, values = inputs.codes[mask].tolist(), apl[mask].tolist()
    simulation = services.simulate(
        Profession.MEDECIN, inputs.codes[mask], apl[mask], inputs.population[mask], inputs.on
    )
    thresholds = {p["nom"]: float(p["valeur"]) for p in simulation.used if "seuil" in p["nom"]}
    middle = sum(thresholds.values()) / len(thresholds)
    prefix = f"{Profession.MEDECIN}:{DEMO_ARRETE_DATE.isoformat()}:"
    rows = {}
    for commune, value, zone in zip(codes, values, simulation.zones.tolist(), strict=True):
        official = "ZIP" if zone == "ZIP" else ("ZAC" if value < middle else "hors_zonage")
        rows[prefix + commune] = {
            "profession": Profession.MEDECIN,
            "commune_id": commune,
            "zone": official,
            "niveau": OfficialZone.Level.COMMUNE,
            "territoire": commune,
            "arrete_date": DEMO_ARRETE_DATE,
            "arrete_reference": DEMO_ARRETE_REFERENCE,
            "fichier": "démonstration",
        }
    with atomic_import(report):
        sync(OfficialZone, rows, report, label="zonage officiel FICTIF")
    return report
