"""The target list of a campaign: filter, sort, pages and CSV/XLSX export (issue 13, item 7).

The view reads the query string through :func:`read_options`, pages the queryset of
:func:`targets` and exports it with :func:`table`; every nominative read is logged by the view.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.http import urlencode

from maillage.web import request_params as bounds
from maillage.web.exports import Column, Table
from maillage.web.supply.models import Activity

from . import services
from .models import Campaign

PAGE_SIZE = 50
# Sort key → (label, ordering of the queryset); the first one is the default.
SORTS = {
    "nom": ("nom", ("professional__nom", "professional__prenom", "pk")),
    "profession": (
        "profession",
        ("professional__libelle_profession", "professional__categorie", "professional__nom", "pk"),
    ),
    "commune": ("commune d'exercice", ("commune_nom", "professional__nom", "pk")),
    "contacte": ("contacté", ("contacte", "professional__nom", "pk")),
}
SORT = bounds.Choice("tri", {key: label for key, (label, _) in SORTS.items()})
ORDER = bounds.Choice("ordre", {"asc": "croissant", "desc": "décroissant"})
CONTACTED = bounds.Choice("contacté", {"": "tous", "oui": "oui", "non": "non"})
PROFESSION = bounds.Text("profession", 100)


@dataclass(frozen=True)
class Options:
    q: str = ""
    profession: str = ""
    contacte: str = ""
    tri: str = "nom"
    ordre: str = "asc"

    def query(self, **changes) -> str:
        """The query string of these options with ``changes`` (sort links, pages, exports)."""
        values = {
            "q": self.q,
            "profession": self.profession,
            "contacte": self.contacte,
            "tri": self.tri,
            "ordre": self.ordre,
        } | changes
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})

    def sort_query(self, key: str) -> str:
        """Sorting by ``key``: ascending first, descending when already sorted by it."""
        ordre = "desc" if self.tri == key and self.ordre == "asc" else "asc"
        return self.query(tri=key, ordre=ordre)

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.profession or self.contacte)


def headers(options: Options) -> list[dict]:
    """Sortable column headers: label, link and ``aria-sort`` of the sorted one."""
    result = []
    for key, (label, _) in SORTS.items():
        sorted_here = key == options.tri
        result.append(
            {
                "label": label[0].upper() + label[1:],
                "query": options.sort_query(key),
                "aria_sort": ("descending" if options.ordre == "desc" else "ascending")
                if sorted_here
                else "",
                "arrow": ("▼" if options.ordre == "desc" else "▲") if sorted_here else "",
                "key": key,
            }
        )
    return result


def read_options(params) -> Options:
    return Options(
        q=bounds.SEARCH.get(params, "q", ""),
        profession=PROFESSION.get(params, "profession", ""),
        contacte=CONTACTED.get(params, "contacte", ""),
        tri=SORT.get(params, "tri", "nom"),
        ordre=ORDER.get(params, "ordre", "asc"),
    )


def targets(campaign: Campaign, options: Options) -> QuerySet:
    """The campaign's targets with their contact status and place of practice, filtered and
    sorted by ``options`` (in the database: a national campaign has thousands of rows)."""
    first_activity = Activity.objects.filter(professional_id=OuterRef("professional_id")).order_by(
        "pk"
    )
    rows = services.targets_with_status(campaign).annotate(
        commune_nom=Subquery(first_activity.values("commune__nom")[:1]),
        code_postal=Subquery(first_activity.values("code_postal")[:1]),
        lieu=Subquery(first_activity.values("raison_sociale")[:1]),
    )
    if options.q:
        for word in options.q.split():
            rows = rows.filter(
                Q(professional__nom__icontains=word)
                | Q(professional__prenom__icontains=word)
                | Q(professional__identifiant_national=word)
                | Q(commune_nom__icontains=word)
            )
    if options.profession:
        rows = rows.filter(
            Q(professional__libelle_profession=options.profession)
            | Q(professional__categorie=options.profession)
        )
    if options.contacte:
        rows = rows.filter(contacte=options.contacte == "oui")
    ordering = SORTS[options.tri][1]
    if options.ordre == "desc":
        ordering = ("-" + ordering[0], *ordering[1:])
    return rows.order_by(*ordering)


def professions(campaign: Campaign) -> list[str]:
    """The professions present among the targets, for the filter."""
    labels = campaign.cibles.values_list(
        "professional__libelle_profession", "professional__categorie"
    ).distinct()
    return sorted({label or category for label, category in labels})


COLUMNS = [
    Column("Identification nationale (RPPS)"),
    Column("Nom"),
    Column("Prénom"),
    Column("Profession"),
    Column("Lieu d'exercice"),
    Column("Code postal"),
    Column("Commune d'exercice"),
    Column("Contacté"),
]


def table(campaign: Campaign, rows) -> Table:
    """The (filtered) target list as an export table for the shared export module."""
    export = Table("Cibles de la campagne", COLUMNS, preamble=[("Campagne", campaign.theme)])
    for row in rows:
        professional = row.professional
        export.add(
            professional.identifiant_national,
            professional.nom,
            professional.prenom,
            professional.libelle_profession or professional.categorie,
            row.lieu or "",
            row.code_postal or "",
            row.commune_nom or "",
            "oui" if row.contacte else "non",
        )
    return export
