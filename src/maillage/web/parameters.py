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

from maillage.engine.rules.listing import ParameterRow, all_parameters

__all__ = ["ParameterRow", "all_parameters", "api_parameters", "parameters_page", "router"]


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
