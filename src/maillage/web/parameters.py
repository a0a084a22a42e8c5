"""Public list of every dated parameter from laws, conventions and methods.

Users see each value with its period, its reference and whether it was verified in an
official text. There is one registry, the YAML tree ``engine/rules/parameters`` (legal rules
and the accessibility method alike, see docs/regles.md); this module only shapes it for the
page, the API and ``maillage parametres``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import render
from ninja import Router

from maillage.engine.rules import list_parameters


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
NO_URL = "référence sans URL"


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


def parameters_page(request):
    on = dt.date.today()
    rows = all_parameters()
    current = [(row, row.en_vigueur(on)) for row in rows]
    unverified = sum(1 for _, period in current if period and not period.verifie)
    return render(
        request,
        "parameters.html",
        {
            "rows": current,
            "on": on,
            "unverified": unverified,
            "never_checked": sum(1 for row in rows if row.derniere_verification is None),
            "without_url": sum(1 for _, period in current if period and not period.url),
            "total": len(rows),
        },
    )


router = Router(tags=["Paramètres"])


@router.get(
    "/parametres",
    response=list[ParameterRow],  # the dataclasses are the response schema
    summary="Paramètres datés",
    description="Toutes les valeurs issues des textes et méthodes, avec leur période, "
    "leur référence et leur statut (vérifié ou non).",
)
def api_parameters(request):
    return all_parameters()
