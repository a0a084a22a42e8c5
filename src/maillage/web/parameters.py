"""Public list of every dated parameter from laws, conventions and methods.

Users see each value with its period, its reference and whether it was verified in an
official text. There is one registry, the YAML tree ``engine/rules/parameters`` (legal rules
and the accessibility method alike, see docs/regles.md), read as rows by
:mod:`maillage.engine.rules.listing`; this module serves them on the page and the API.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from ninja import Router

from maillage.engine import formatting
from maillage.engine.rules.listing import ParameterRow, all_parameters

__all__ = ["ParameterRow", "all_parameters", "api_parameters", "parameters_page", "router"]


def readable_value(value) -> str:
    """A parameter value in French: ``1 : 15 000 ; 2 : 17 500`` for a table by size,
    ``31/12/2021`` for a date, ``oui`` for true — never a Python repr on the page."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {readable_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(readable_value(item) for item in value)
    if formatting.is_number(value):
        return formatting.number(value)
    if isinstance(value, str) and len(value) == 10 and formatting.as_date(value) is not None:
        return formatting.date(value)
    return "" if value is None else str(value)


def parameters_page(request):
    on = dt.date.today()
    rows = all_parameters()
    current = [
        (row, period, readable_value(period.valeur) if period else "")
        for row in rows
        for period in [row.en_vigueur(on)]
    ]
    unverified = sum(1 for _, period, _text in current if period and not period.verifie)
    return render(
        request,
        "parameters.html",
        {
            "rows": current,
            "on": on,
            "unverified": unverified,
            "never_checked": sum(1 for row in rows if row.derniere_verification is None),
            "without_url": sum(1 for _, period, _text in current if period and not period.url),
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
