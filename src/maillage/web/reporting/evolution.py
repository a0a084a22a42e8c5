"""Evolution of the key figures over the last years, drawn as small server-side SVG charts on
the page and in the PDF (issue 13, item 8)."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.safestring import mark_safe

from maillage.web.diagnostics.svg import evolution_chart

from .services import records

YEARS = 5
# (key, French label, unit, how the yearly value is computed from ``records``)
SERIES = (
    ("accompagnements", "Accompagnements (hors webinaires)", "", "contacts"),
    ("webinaires", "Webinaires", "", "webinaires"),
    ("contrats", "Contrats signés", "", "contrats"),
    ("versements", "Versements de l'année", "€", "versements"),
)


def _value(kind: str, code: str, year: int) -> float:
    if kind == "contacts":
        return records("contacts", code, year, {"individuel": 1}).count()
    if kind == "versements":
        return float(records("versements", code, year).aggregate(s=Sum("montant"))["s"] or 0)
    return records(kind, code, year).count()


def series(code: str, year: int) -> list[dict]:
    """Each key figure for the ``YEARS`` years up to ``year``: [{cle, libelle, unite, points}]."""
    years = range(year - YEARS + 1, year + 1)
    return [
        {
            "cle": key,
            "libelle": label,
            "unite": unit,
            "points": [(y, _value(kind, code, y)) for y in years],
        }
        for key, label, unit, kind in SERIES
    ]


def charts(evolution: list[dict]) -> list[dict]:
    """The SVG chart of each series that changed at least once over the years."""
    drawn = []
    for row in evolution:
        values = {value for _year, value in row["points"]}
        if len(values) < 2:
            continue
        markup = evolution_chart(
            row["libelle"], row["points"], row["unite"], chart_id=f"evolution-{row['cle']}"
        )
        drawn.append({"libelle": row["libelle"], "svg": mark_safe(markup)})  # noqa: S308
    return drawn
