"""Staff pages of the supply referential: overview, per-commune lists, CPTS drawing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from maillage.web import request_params as bounds
from maillage.web.accounts.audit import log_access, record_change
from maillage.web.accounts.permissions import staff_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.scope import can_see_departement, visible_departements
from maillage.web.imports import ImportReport
from maillage.web.territories.models import Commune, Departement
from maillage.web.territories.services import search_communes

from . import services
from .forms import CptsForm
from .importers import set_perimeter
from .models import Establishment, Structure

PAGE_SIZE = 200


@staff_required
def index(request):
    scope = visible_departements(request.user)
    query = bounds.SEARCH.get(request.GET, "q", "")
    results = search_communes(query) if query else []
    cpts = Structure.objects.filter(kind=Structure.Kind.CPTS).annotate(nb=Count("perimetre"))
    if scope is not None:
        cpts = cpts.filter(commune__departement_id__in=scope)
    return render(
        request,
        "supply/index.html",
        {
            "counts": services.departement_counts(scope),
            "query": query,
            "results": results,
            "cpts": cpts.order_by("nom"),
            "imports": services.latest_rpps_imports(5),
        },
    )


@staff_required
@personal_data
def commune(request, code: str):
    commune = get_object_or_404(
        Commune.objects.select_related("departement").defer("contour"), code=code
    )
    codes = services.commune_codes(commune)
    nominative = can_see_departement(request.user, commune.departement_id)
    page = None
    if nominative:
        # Paris counts tens of thousands of professionals: the list is paginated.
        paginator = Paginator(
            services.professionals_in(codes).prefetch_related("activites"), PAGE_SIZE
        )
        page = paginator.get_page(bounds.PAGE.get(request.GET, "page", 1))
        page.object_list = list(page.object_list)  # logged, then shown: one query
        log_access(
            request,
            "professionnels-commune",
            code,
            f"liste de l'offre, page {page.number}",
            rpps=[p.identifiant_national for p in page.object_list],
        )
    return render(
        request,
        "supply/commune.html",
        {
            "commune": commune,
            "offer": services.commune_offer(commune, exact=nominative),
            "nominative": nominative,
            "page": page,
            "establishments": Establishment.objects.filter(commune_id__in=codes).order_by(
                "classe", "nom"
            ),
        },
    )


@staff_required
def cpts_edit(request, pk: int | None = None):
    scope = visible_departements(request.user)
    instance = None
    if pk is not None:
        instance = get_object_or_404(Structure, pk=pk, kind=Structure.Kind.CPTS)
        departements = set(instance.communes.values_list("departement_id", flat=True))
        if scope is not None and not departements <= scope:
            raise PermissionDenied("Cette CPTS sort de vos départements.")
    # One département at a time: the whole country would be 35 000 options and outlines.
    choices = Departement.objects.filter(communes__isnull=False).distinct().order_by("code")
    if scope is not None:
        choices = choices.filter(code__in=scope)
    choices = list(choices)
    wanted = bounds.DEPARTEMENT.get(request.GET, "departement")
    if instance is not None and not wanted:
        wanted = instance.communes.order_by("code").values_list("departement_id", flat=True).first()
    codes = [d.code for d in choices]
    departement = wanted if wanted in codes else (codes[0] if codes else None)
    shown = Q(departement_id=departement)
    if instance is not None:  # a CPTS across départements keeps its other communes
        shown |= Q(code__in=instance.perimetre.values("commune_id"))
    communes = (
        Commune.objects.filter(shown, statut=Commune.Statut.ACTUELLE)
        .exclude(nature=Commune.Nature.ARRONDISSEMENT)
        .defer("contour")
        .order_by("nom")
    )
    initial = {}
    if instance is not None:
        initial = {
            "nom": instance.nom,
            "identifiant": instance.identifiant,
            "communes": list(instance.communes.values_list("code", flat=True)),
        }
    form = CptsForm(request.POST or None, communes=communes, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = sorted(form.cleaned_data["communes"], key=lambda c: c.code)
        with transaction.atomic():
            before = _cpts_state(instance) if instance else None
            structure = instance or Structure(kind=Structure.Kind.CPTS)
            structure.nom = form.cleaned_data["nom"]
            structure.identifiant = form.cleaned_data["identifiant"]
            structure.source = Structure.Source.SAISIE
            if structure.commune_id not in {c.code for c in chosen}:
                structure.commune = chosen[0]
            structure.save()
            set_perimeter(structure, [c.code for c in chosen], ImportReport("saisie"))
            record_change(
                request.user,
                structure,
                "modification" if instance else "création",
                before,
                _cpts_state(structure),
            )
        messages.success(request, f"CPTS « {structure.nom} » enregistrée ({len(chosen)} communes).")
        return redirect("supply:index")
    features = [
        {
            "type": "Feature",
            "geometry": c.contour,
            "properties": {"code": c.code, "nom": c.nom},
        }
        for c in communes.only("code", "nom", "contour")
        if c.contour
    ]
    taken = dict(
        Structure.objects.filter(kind=Structure.Kind.CPTS)
        .exclude(pk=getattr(instance, "pk", None))
        .filter(perimetre__commune__departement_id=departement)
        .values_list("perimetre__commune_id", "nom")
    )
    return render(
        request,
        "supply/cpts_form.html",
        {
            "form": form,
            "instance": instance,
            "departements": choices,
            "departement": departement,
            "map_data": {"type": "FeatureCollection", "features": features, "taken": taken},
        },
    )


def _cpts_state(structure: Structure) -> dict:
    return {
        "nom": structure.nom,
        "identifiant": structure.identifiant,
        "communes": sorted(structure.perimetre.values_list("commune_id", flat=True)),
    }
