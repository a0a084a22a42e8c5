"""How the APL of each profession is expressed, and the perimeter of a computation."""

from __future__ import annotations

from dataclasses import dataclass

from maillage.engine import vocabulary
from maillage.web.territories.models import AGE_BAND_FIELDS, Commune

from ..models import Profession

AGE_FIELDS = [name for name, _ in AGE_BAND_FIELDS.values()]
AGE_BANDS = list(AGE_BAND_FIELDS)
ZONE_LABELS_ALL = vocabulary.ZONE_LABELS
# Colour class of each zone on the maps (CSS / JS share these names).
ZONE_CLASSES = vocabulary.ZONE_TIERS


@dataclass(frozen=True)
class Method:
    """How the APL of a profession is expressed (documented in docs/zonage.md)."""

    unit: str
    supply_in_fte: bool  # False: yearly acts (doctors); True: FTE (APL per 100 000 inhabitants)
    age_cap: bool
    factor: float
    label: str


METHODS = {
    Profession.MEDECIN: Method(
        "consultations/an/hab.", False, True, 1.0, "APL aux médecins généralistes (65 ans ou moins)"
    ),
    Profession.KINE: Method(
        "ETP pour 100 000 hab.", True, False, 1e5, "APL aux masseurs-kinésithérapeutes"
    ),
    Profession.INFIRMIER: Method("ETP pour 100 000 hab.", True, False, 1e5, "APL aux infirmiers"),
}


def check_profession(profession: str) -> str:
    if profession not in METHODS:
        raise ValueError(
            f"profession « {profession} » non prise en charge (attendu : {', '.join(METHODS)})"
        )
    return str(profession)


def indicator_code(profession: str) -> str:
    return f"apl_{profession}"


# --- Perimeter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A département, a région or France."""

    kind: str  # departement | region | france
    code: str = ""

    @classmethod
    def of(cls, departement: str | None = None, region: str | None = None) -> Scope:
        if departement and region:
            raise ValueError("indiquez un département ou une région, pas les deux")
        if departement:
            return cls("departement", departement)
        if region:
            return cls("region", region)
        return cls("france")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}" if self.code else self.kind

    @property
    def label(self) -> str:
        if self.kind == "departement":
            return f"département {self.code}"
        if self.kind == "region":
            return f"région {self.code}"
        return "France"

    def communes(self):
        base = Commune.objects.filter(statut=Commune.Statut.ACTUELLE).exclude(
            nature=Commune.Nature.ARRONDISSEMENT
        )
        if self.kind == "departement":
            return base.filter(departement_id=self.code)
        if self.kind == "region":
            return base.filter(region_id=self.code)
        return base
