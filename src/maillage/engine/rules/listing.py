"""The registry of dated parameters as users read it: one row per parameter, its history.

Shared by the public page and API (:mod:`maillage.web.parameters`) and ``maillage parametres``,
which thus lists the registry without configuring Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .loader import list_parameters


@dataclass
class ParameterPeriod:
    debut: str
    fin: str | None
    valeur: object
    reference: str
    url: str | None
    verifie: bool
    note: str | None


NEVER_CHECKED = "jamais vérifié"


@dataclass
class ParameterRow:
    nom: str
    domaine: str
    description: str
    unite: str
    historique: list[ParameterPeriod]
    # Day someone last read the source and found the last value still valid (None: never).
    derniere_verification: str | None = None

    @property
    def verification(self) -> str:
        """« vérifié le 02/03/2026 » or « jamais vérifié » (no check recorded)."""
        if self.derniere_verification is None:
            return NEVER_CHECKED
        day = dt.date.fromisoformat(self.derniere_verification)
        return f"source relue le {day:%d/%m/%Y}"

    def en_vigueur(self, on: dt.date) -> ParameterPeriod | None:
        current = None
        for period in self.historique:
            if dt.date.fromisoformat(period.debut) <= on and (
                period.fin is None or on < dt.date.fromisoformat(period.fin)
            ):
                current = period
        return current


def _verified(statut: str | dict[str, str]) -> bool:
    """A value whose keys have their own status is verified only if every key is."""
    statuses = statut.values() if isinstance(statut, dict) else [statut]
    return all(s == "verifie" for s in statuses)


def all_parameters() -> list[ParameterRow]:
    """Every parameter of the registry with its full history, sorted by name."""
    return [
        ParameterRow(
            nom=item["nom"],
            domaine=item["nom"].split(".")[0],
            description=item["description"],
            unite=item["unite"],
            derniere_verification=item["derniere_verification"],
            historique=[
                ParameterPeriod(
                    debut=h["debut"],
                    fin=h["fin"],
                    valeur=h["valeur"],
                    reference=h["reference"]["titre"],
                    url=h["reference"]["url"],
                    verifie=_verified(h["statut"]),
                    note=h["note"],
                )
                for h in item["historique"]
            ],
        )
        for item in list_parameters()
    ]
