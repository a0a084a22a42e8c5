"""Codes shared by the engines and the interface — professions and zones — with French labels.

One place for each code: the rules, the accessibility engine, the indicators and the web pages
import them from here instead of spelling ``"medecin_generaliste"`` or ``"tres_sous_dotee"``
again. Which zones exist for a profession at a date is a dated parameter
(:data:`ZONING_PARAMETERS`), not a list in code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maillage.engine.rules.values import ParameterSet

# --- Professions (product categories, see engine/sources/professions.yaml) -------------------

GP = "medecin_generaliste"
PHYSIOTHERAPIST = "masseur_kinesitherapeute"
NURSE = "infirmier"

#: Professions with a zoning and installation aids, and their French label.
PROFESSION_LABELS = {
    GP: "médecin généraliste",
    PHYSIOTHERAPIST: "masseur-kinésithérapeute",
    NURSE: "infirmier",
}
#: Short names users type on the command line.
PROFESSION_ALIASES = {
    "medecin": GP,
    "kinesitherapeute": PHYSIOTHERAPIST,
    "kine": PHYSIOTHERAPIST,
    "infirmiere": NURSE,
}


def normalize_profession(profession: str) -> str:
    """Code of ``profession`` (aliases accepted); ``ValueError`` in French otherwise."""
    code = PROFESSION_ALIASES.get(profession, profession)
    if code not in PROFESSION_LABELS:
        raise ValueError(
            f"profession « {profession} » inconnue (attendu : {', '.join(PROFESSION_LABELS)})"
        )
    return code


# --- Zones -----------------------------------------------------------------------------------

# Doctors (arrêté of 13 November 2017).
ZIP = "ZIP"
ZAC = "ZAC"
OUTSIDE = "hors_zonage"
#: Simulation only: territories from which the ARS picks extra ZIP or ZAC.
VIVIER = "vivier"
# Physiotherapists and nurses.
VERY_UNDERSERVED = "tres_sous_dotee"
UNDERSERVED = "sous_dotee"
INTERMEDIATE = "intermediaire"
NOT_PRIORITY = "non_prioritaire"
WELL_SERVED = "tres_dotee"
OVERSERVED = "sur_dotee"

ZONE_LABELS = {
    ZIP: "zone d'intervention prioritaire (ZIP)",
    ZAC: "zone d'action complémentaire (ZAC)",
    OUTSIDE: "hors zonage",
    VIVIER: "vivier (ZAC possible)",
    VERY_UNDERSERVED: "zone très sous-dotée",
    UNDERSERVED: "zone sous-dotée",
    INTERMEDIATE: "zone intermédiaire",
    NOT_PRIORITY: "zone non prioritaire",
    WELL_SERVED: "zone très dotée",
    OVERSERVED: "zone sur-dotée",
}

#: Priority tier of each zone, from the most to the least prioritised; the maps colour zones
#: by tier so that a doctor's ZIP and a nurse's « très sous-dotée » look alike.
TIERS = ("zip", "zac", "vivier", "hors")
ZONE_TIERS = {
    ZIP: "zip",
    ZAC: "zac",
    VIVIER: "vivier",
    OUTSIDE: "hors",
    VERY_UNDERSERVED: "zip",
    UNDERSERVED: "zac",
    INTERMEDIATE: "vivier",
    NOT_PRIORITY: "hors",
    WELL_SERVED: "hors",
    OVERSERVED: "hors",
}
UNKNOWN_TIER = "inconnu"

#: The dated parameter listing the zones of each profession's zoning.
ZONING_PARAMETERS = {
    GP: "zonage.medecins.zones",
    PHYSIOTHERAPIST: "zonage.masseurs_kinesitherapeutes.zones",
    NURSE: "zonage.infirmiers.zones",
}


def zone_label(zone: str | None) -> str:
    return ZONE_LABELS.get(zone, zone or "non renseignée")


def zones_of(profession: str, at: dt.date, params: ParameterSet | None = None) -> list[str]:
    """Zones of the zoning of ``profession`` in force at ``at`` (raises ``NoValueAtDate``)."""
    if params is None:
        from maillage.engine.rules.loader import load_parameters

        params = load_parameters()
    return list(params.get(ZONING_PARAMETERS[normalize_profession(profession)], at).value)


def tier_legend(profession: str) -> list[tuple[str, str]]:
    """Legend of a zoning map: each tier with the labels of the zones it holds for
    ``profession`` (every zone the profession's zonings have used), then « non renseigné »."""
    if profession == GP:
        zones = [ZIP, ZAC, VIVIER, OUTSIDE]
    else:
        zones = [z for z, tier in ZONE_TIERS.items() if z not in (ZIP, ZAC, VIVIER, OUTSIDE)]
    rows = [
        (tier, ", ".join(ZONE_LABELS[z] for z in zones if ZONE_TIERS[z] == tier)) for tier in TIERS
    ]
    return [*rows, (UNKNOWN_TIER, "non renseigné")]


def normalise_zone(text: str) -> str:
    """« Très sous-dotée » → ``tres_sous_dotee``; « zip » → ``ZIP``; « hors zonage » →
    ``hors_zonage`` (ARS files and users spell zones in many ways)."""
    plain = unicodedata.normalize("NFKD", text.strip()).encode("ascii", "ignore").decode()
    plain = re.sub(r"[\s\-']+", "_", plain.lower()).strip("_")
    plain = re.sub(r"^zones?_", "", plain)
    plain = re.sub(r"(sous_dotee|tres_dotee|sur_dotee|intermediaire)s$", r"\1", plain)
    return plain.upper() if plain in ("zip", "zac") else plain


# --- Installation aids (codes of engine/rules/aids) -------------------------------------------

#: French name of each aid code, for the pages that list the aids that do not apply.
AID_LABELS = {
    "aide_premiere_installation": "aide à la première installation (convention médicale 2024)",
    "aide_exercice_secondaire": "aide à l'exercice en cabinet secondaire",
    "majoration_forfait_medecin_traitant": "majoration du forfait médecin traitant",
    "majoration_forfait_medecin_traitant_installation": (
        "majoration du forfait médecin traitant après une première installation"
    ),
    "caim": "contrat d'aide à l'installation des médecins (CAIM)",
    "coscom": "contrat de stabilisation et de coordination (COSCOM)",
    "cotram": "contrat de transition (COTRAM)",
    "cstm": "contrat de solidarité territoriale médecin (CSTM)",
    "contrat_debut_exercice": "contrat de début d'exercice (État / ARS)",
    "exoneration_pdsa": "exonération d'impôt des gardes de permanence des soins",
    "exoneration_zfu_te": "exonération d'impôt sur les bénéfices en ZFU-TE",
    "aide_installation_creation_reprise": (
        "aide à l'installation des masseurs-kinésithérapeutes (création ou reprise)"
    ),
    "aide_installation_adhesion_cabinet": (
        "aide à l'installation des masseurs-kinésithérapeutes (adhésion à un cabinet)"
    ),
    "aide_installation_premiere_installation": "aide à la première installation des infirmiers",
    "aide_installation_autre_installation": "aide à l'installation des infirmiers",
}


def profession_label(code: str) -> str:
    """« médecin généraliste » for ``medecin_generaliste``; other codes read as words."""
    return PROFESSION_LABELS.get(code, code.replace("_", " "))
