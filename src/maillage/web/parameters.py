"""Public list of every dated parameter from laws, conventions and methods.

Users see each value with its period, its reference and whether it was verified in an
official text. Two registries exist: the legal rules (``engine/rules/parameters``) and the
accessibility method (``engine/accessibility/parameters.yaml``); both are shown in one
shape here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.shortcuts import render
from ninja import Router, Schema

from maillage.engine.accessibility.parameters import load_parameters as load_method_parameters
from maillage.engine.rules import list_parameters as list_rule_parameters


@dataclass
class ParameterPeriod:
    debut: str
    fin: str | None
    valeur: object
    reference: str
    url: str | None
    verifie: bool
    note: str | None = None


@dataclass
class ParameterRow:
    nom: str
    domaine: str
    description: str
    unite: str
    historique: list[ParameterPeriod] = field(default_factory=list)

    def en_vigueur(self, on: dt.date) -> ParameterPeriod | None:
        current = None
        for period in self.historique:
            if dt.date.fromisoformat(period.debut) <= on and (
                period.fin is None or on < dt.date.fromisoformat(period.fin)
            ):
                current = period
        return current


def all_parameters() -> list[ParameterRow]:
    rows = []
    for item in list_rule_parameters():
        rows.append(
            ParameterRow(
                nom=item["nom"],
                domaine=item["nom"].split(".")[0],
                description=item["description"],
                unite=item.get("unite") or "",
                historique=[
                    ParameterPeriod(
                        debut=str(h["debut"]),
                        fin=str(h["fin"]) if h.get("fin") else None,
                        valeur=h["valeur"],
                        reference=(h.get("reference") or {}).get("titre", ""),
                        url=(h.get("reference") or {}).get("url"),
                        verifie=h["statut"] == "verifie",
                        note=h.get("note"),
                    )
                    for h in item["historique"]
                ],
            )
        )
    for name, parameter in load_method_parameters().items():
        values = list(parameter.values)
        rows.append(
            ParameterRow(
                nom=name,
                domaine="accessibilite",
                description=parameter.description,
                unite=parameter.unit,
                historique=[
                    ParameterPeriod(
                        debut=value.start.isoformat(),
                        fin=values[k + 1].start.isoformat() if k + 1 < len(values) else None,
                        valeur=value.value,
                        reference=value.reference_title,
                        url=value.reference_url,
                        verifie=value.verified,
                        note=value.note,
                    )
                    for k, value in enumerate(values)
                ],
            )
        )
    return sorted(rows, key=lambda row: row.nom)


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
            "total": len(rows),
        },
    )


router = Router(tags=["Paramètres"])


class PeriodOut(Schema):
    debut: str
    fin: str | None
    valeur: object
    reference: str
    url: str | None
    verifie: bool
    note: str | None


class ParameterOut(Schema):
    nom: str
    domaine: str
    description: str
    unite: str
    historique: list[PeriodOut]


@router.get(
    "/parametres",
    response=list[ParameterOut],
    summary="Paramètres datés",
    description="Toutes les valeurs issues des textes et méthodes, avec leur période, "
    "leur référence et leur statut (vérifié ou non).",
)
def api_parameters(request):
    return [
        row.__dict__ | {"historique": [p.__dict__ for p in row.historique]}
        for row in all_parameters()
    ]
