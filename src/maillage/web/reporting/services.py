"""Key figures of the activity report, per département and year, derived at request time.

Every figure is the count (or sum) of one *drill-down queryset* (:func:`records`), so the
list behind a figure is, by construction, exactly the records it counts. Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from maillage.engine import formatting
from maillage.engine.sources.professions import load_profession_table
from maillage.engine.vocabulary import GP, NURSE
from maillage.web.outreach.models import (
    Channel,
    Contact,
    Contract,
    Installation,
    Payment,
    Webinar,
)
from maillage.web.supply.models import Professional, SupplyImport
from maillage.web.territories.models import Commune, Departement

COORDINATION_MISSING = "module exercice coordonné non chargé"
DETAIL_KINDS = ("contacts", "webinaires", "installations", "contrats", "versements", "offre")


# --- Drill-down querysets: one per kind of record, filtered by the figure's parameters -----


def records(kind: str, code: str, year: int, filters: dict | None = None) -> QuerySet:
    """The records behind a figure (``filters`` as in the figure's drill-down link)."""
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if kind == "contacts":
        qs = Contact.objects.filter(departement_id=code, date__year=year)
        if f.get("canal"):
            qs = qs.filter(canal=f["canal"])
        elif f.get("individuel"):
            qs = qs.exclude(canal=Channel.WEBINAIRE)
        if f.get("categorie"):
            qs = qs.filter(professional__categorie=f["categorie"])
        return qs.select_related("professional", "campagne", "webinaire")
    if kind == "webinaires":
        return Webinar.objects.filter(departement_id=code, date__year=year).annotate(
            identifies=Count("contacts")
        )
    if kind == "installations":
        qs = Installation.objects.filter(departement_id=code, date_installation__year=year)
        if f.get("categorie"):
            qs = qs.filter(professional__categorie=f["categorie"])
        if f.get("accompagne"):
            qs = qs.filter(jalons__realise_le__isnull=False).distinct()
        if f.get("controle"):
            qs = qs.exclude(controle_resultat="")
        return qs.select_related("professional")
    if kind == "contrats":
        qs = Contract.objects.filter(departement_id=code, date_signature__year=year)
        if f.get("type"):
            qs = qs.filter(kind=f["type"])
        return qs.select_related("professional")
    if kind == "versements":
        qs = Payment.objects.filter(contrat__departement_id=code, date__year=year)
        if f.get("type"):
            qs = qs.filter(contrat__kind=f["type"])
        return qs.select_related("contrat__professional")
    if kind == "offre":
        qs = supply_present(code, int(f.get("annee") or year))
        if f.get("categorie"):
            qs = qs.filter(categorie=f["categorie"])
        return qs
    raise ValueError(kind)


def reference_import(year: int) -> SupplyImport | None:
    """The RPPS import that describes the supply of ``year``: the latest one dated in or
    before that year (data date, else import date)."""
    day = dt.date(year, 12, 31)
    candidates = SupplyImport.objects.filter(kind=SupplyImport.Kind.RPPS).filter(
        Q(date_donnees__lte=day) | Q(date_donnees__isnull=True, date_import__date__lte=day)
    )
    return max(candidates, key=lambda imp: imp.data_day, default=None)


def supply_present(code: str, year: int) -> QuerySet:
    """Professionals practising in the département in the RPPS import of reference of
    ``year``: first seen in or before it and still present in it (active in the latest
    import, or last seen in or after it). Empty when no import covers the year."""
    reference = reference_import(year)
    if reference is None:
        return Professional.objects.none()
    day = reference.data_day
    first = Q(premier_import__date_donnees__lte=day) | Q(
        premier_import__date_donnees__isnull=True, premier_import__date_import__date__lte=day
    )
    still = (
        Q(actif=True)
        | Q(dernier_import__date_donnees__gte=day)
        | Q(dernier_import__date_donnees__isnull=True, dernier_import__date_import__date__gte=day)
    )
    return Professional.objects.filter(
        pk__in=Professional.objects.filter(activites__commune__departement_id=code).values("pk")
    ).filter(first & still)


# --- Figures ------------------------------------------------------------------------------


def _link(code: str, year: int, kind: str, **filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v not in (None, ""))
    url = reverse("reporting:detail", args=[code, year, kind])
    return url + (f"?{query}" if query else "")


def _figure(value, code, year, kind, **filters) -> dict:
    return {"valeur": value, "detail": _link(code, year, kind, **filters)}


def _pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def outreach_figures(code: str, year: int) -> dict:
    labels = load_profession_table().labels
    individual = records("contacts", code, year, {"individuel": 1})
    total = individual.count()
    by_channel = dict(individual.values_list("canal").annotate(n=Count("id")))
    by_profession = dict(individual.values_list("professional__categorie").annotate(n=Count("id")))
    gp = by_profession.get(GP, 0)
    webinars = records("webinaires", code, year)
    webinar_count = webinars.count()
    identified = records("contacts", code, year, {"canal": Channel.WEBINAIRE}).count()
    anonymous = webinars.aggregate(n=Sum("participants_non_identifies"))["n"] or 0
    installations = {}
    for key, categorie in (("nouveaux", None), ("infirmiers", NURSE)):
        base = {"categorie": categorie}
        installations[key] = {
            "installes": _figure(
                records("installations", code, year, base).count(),
                code,
                year,
                "installations",
                **base,
            ),
            "accompagnes": _figure(
                records("installations", code, year, base | {"accompagne": 1}).count(),
                code,
                year,
                "installations",
                accompagne=1,
                **base,
            ),
            "controles": _figure(
                records("installations", code, year, base | {"controle": 1}).count(),
                code,
                year,
                "installations",
                controle=1,
                **base,
            ),
        }
    contracts = records("contrats", code, year)
    contract_rows = {
        row["kind"]: row
        for row in contracts.values("kind").annotate(n=Count("id"), montant=Sum("montant_total"))
    }
    payments = dict(
        records("versements", code, year).values_list("contrat__kind").annotate(s=Sum("montant"))
    )
    kinds = [k for k in Contract.Kind if k.value in contract_rows or k.value in payments]
    return {
        "accompagnements": _figure(total, code, year, "contacts", individuel=1),
        "par_canal": [
            {
                "canal": c.value,
                "libelle": c.label,
                **_figure(by_channel.get(c.value, 0), code, year, "contacts", canal=c.value),
            }
            for c in Channel
            if c != Channel.WEBINAIRE
        ],
        "par_profession": [
            {
                "categorie": cat,
                "libelle": labels.get(cat, cat),
                **_figure(n, code, year, "contacts", individuel=1, categorie=cat),
            }
            for cat, n in sorted(by_profession.items(), key=lambda item: -item[1])
        ],
        "part_medecins_generalistes": {
            "valeur": _pct(gp, total),
            "numerateur": gp,
            "denominateur": total,
            "detail": _link(code, year, "contacts", individuel=1, categorie=GP),
        },
        "webinaires": _figure(webinar_count, code, year, "webinaires"),
        "participants_webinaires": {
            "valeur": identified + anonymous,
            "identifies": identified,
            "non_identifies": anonymous,
            "detail": _link(code, year, "contacts", canal=Channel.WEBINAIRE),
        },
        "installations": installations,
        "contrats": [
            {
                "type": k.value,
                "libelle": k.label,
                "nombre": contract_rows.get(k.value, {}).get("n", 0),
                "montant_prevu": float(contract_rows.get(k.value, {}).get("montant") or 0),
                "verse_dans_annee": float(payments.get(k.value) or 0),
                "detail": _link(code, year, "contrats", type=k.value),
                "detail_versements": _link(code, year, "versements", type=k.value),
            }
            for k in kinds
        ],
        "contrats_total": _figure(contracts.count(), code, year, "contrats"),
        "montant_contrats": float(contracts.aggregate(s=Sum("montant_total"))["s"] or Decimal(0)),
        "versements_total": _figure(
            float(records("versements", code, year).aggregate(s=Sum("montant"))["s"] or 0),
            code,
            year,
            "versements",
        ),
    }


def coordination_figures(code: str, year: int) -> dict:
    """The coordinated-care figures from the coordination module, when it is installed."""
    try:
        module = importlib.import_module("maillage.web.coordination.services")
    except ModuleNotFoundError as error:
        if error.name not in ("maillage.web.coordination.services", "maillage.web.coordination"):
            raise
        return {"disponible": False, "message": COORDINATION_MISSING}
    function = getattr(module, "coordinated_care_figures", None)
    if function is None:
        return {"disponible": False, "message": COORDINATION_MISSING}
    figures = function(code, year)
    return {
        "disponible": True,
        "message": "",
        "chiffres": figures,
        "lignes": coordination_rows(figures),
    }


COORDINATION_LABELS = {
    "cpts_signees": ("CPTS signataires de l'ACI", "nombre"),
    "population_departement": ("Population du département", "nombre"),
    "population_couverte": ("Population couverte par une CPTS", "nombre"),
    "part_population_couverte": ("Part de la population couverte", "part"),
    "chevauchements": ("Communes couvertes par plusieurs CPTS", "nombre"),
    "msp_aci": ("MSP sous ACI", "nombre"),
    "participants_par_profession": ("Professionnels participants, par profession", "profession"),
    "montants_dus": ("Montants dus (€)", "montant"),
    "montants_verses": ("Montants versés (€)", "montant"),
}


def coordination_rows(figures: dict) -> list[dict]:
    """Display rows of the coordination figures (known keys labelled, others kept as is)."""
    labels = load_profession_table().labels
    rows = []
    for key, value in figures.items():
        if key in ("departement", "annee"):
            continue
        label, kind = COORDINATION_LABELS.get(key, (key, ""))
        if value is None:
            text = "—"
        elif kind == "nombre":
            text = formatting.number(value, 0)
        elif kind == "part":
            text = formatting.percent(value, 1, ratio=True)
        elif kind == "montant":
            text = formatting.number(value, 2)
        elif kind == "profession" and isinstance(value, dict):
            text = ", ".join(f"{labels.get(k, k)} : {v}" for k, v in value.items()) or "—"
        else:
            text = str(value)
        rows.append({"cle": key, "libelle": label, "valeur": text})
    return rows


def supply_figures(code: str, year: int) -> dict:
    """Professionals and density per 100 000 inhabitants, year on year (Ardèche table)."""
    labels = load_profession_table().labels
    population = (
        Commune.objects.filter(departement_id=code, statut=Commune.Statut.ACTUELLE).aggregate(
            p=Sum("population")
        )["p"]
        or 0
    )
    counts, references = {}, {}
    for y in (year - 1, year):
        reference = reference_import(y)
        references[y] = reference
        counts[y] = (
            dict(supply_present(code, y).values_list("categorie").annotate(n=Count("id")))
            if reference
            else {}
        )
    categories = sorted(set(counts[year - 1]) | set(counts[year]), key=lambda c: labels.get(c, c))

    def density(n):
        return round(100000 * n / population, 1) if population and n is not None else None

    def count(y, cat):
        return counts[y].get(cat, 0) if references[y] else None

    rows = []
    for cat in categories:
        before, now = count(year - 1, cat), count(year, cat)
        rows.append(
            {
                "categorie": cat,
                "libelle": labels.get(cat, cat),
                "nombre_precedent": before,
                "densite_precedente": density(before),
                "nombre": now,
                "densite": density(now),
                "detail_precedent": _link(code, year, "offre", annee=year - 1, categorie=cat),
                "detail": _link(code, year, "offre", annee=year, categorie=cat),
            }
        )
    return {
        "annees": [year - 1, year],
        "population": population,
        "imports": {
            str(y): ({"fichier": r.fichier, "date": r.data_day.isoformat()} if r else None)
            for y, r in references.items()
        },
        "note": "professionnels présents dans l'import RPPS de référence de chaque année (le "
        "dernier daté de l'année ou avant) ; « — » : aucun import pour l'année ; densité pour "
        "100 000 habitants, population municipale la plus récente chargée (la même pour les "
        "deux années)",
        "lignes": rows,
    }


def key_figures(code: str, year: int) -> dict:
    departement = Departement.objects.get(code=code)
    now = dt.datetime.now()
    return {
        "departement": {"code": departement.code, "nom": departement.nom},
        "annee": year,
        "calcule_le": now.isoformat(timespec="seconds"),
        "calcule_le_texte": f"{now:%d/%m/%Y à %H:%M}",
        "accompagnement": outreach_figures(code, year),
        "exercice_coordonne": coordination_figures(code, year),
        "offre": supply_figures(code, year),
    }
