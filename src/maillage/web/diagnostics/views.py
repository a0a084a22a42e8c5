"""Public diagnosis pages (no account needed), exports, and saved territories (owner only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from maillage.web import exports
from maillage.web import request_params as bounds
from maillage.web.territories.models import Commune, Departement
from maillage.web.territories.services import zonings_summary

from . import exports as diagnosis_exports
from . import presentation, services, svg, trends
from .models import SavedTerritory

SELECTION_KEYS = ("communes", "epci", "cpts", "zone", "autour", "km", "minutes", "territoire")


def selection_from(params, user=None) -> tuple[list[str], str]:
    """Resolve a selection from query parameters (page, API, exports share it)."""
    saved = bounds.PK.get(params, "territoire")
    if saved:
        if not (user and user.is_authenticated):
            raise Http404("Territoire enregistré introuvable : connectez-vous pour l'ouvrir.")
        territory = get_object_or_404(SavedTerritory, pk=saved, owner=user)
        return services.resolve(communes=territory.communes)[0], territory.nom
    return services.resolve(
        communes=bounds.commune_codes(params.get("communes")),
        epci=bounds.SIREN.get(params, "epci"),
        cpts=bounds.CPTS.get(params, "cpts"),
        zone=bounds.ZONE.get(params, "zone"),
        autour=bounds.COMMUNE.get(params, "autour"),
        km=bounds.KM.get(params, "km"),
        minutes=bounds.MINUTES.get(params, "minutes"),
    )


# A selection given to the form page (links such as « Diagnostic du territoire de la CPTS »,
# ``/diagnostic/?cpts=N``) runs the diagnosis instead of opening an empty form.
DIRECT_SELECTION_KEYS = ("communes", "epci", "cpts", "zone", "autour", "territoire")


def index(request):
    if any(request.GET.get(key) for key in DIRECT_SELECTION_KEYS):
        return redirect(reverse("diagnostics:territory") + "?" + request.GET.urlencode())
    departements = Departement.objects.filter(communes__isnull=False).distinct().order_by("code")
    chosen = bounds.DEPARTEMENT.get(
        request.GET, "departement", departements[0].code if departements else ""
    )
    saved = (
        SavedTerritory.objects.filter(owner=request.user) if request.user.is_authenticated else []
    )
    return render(
        request,
        "diagnostics/index.html",
        {
            "departements": departements,
            "chosen": chosen,
            "saved": saved,
            "zonings": zonings_summary(chosen) if chosen else [],
            "epcis": services.epci_choices(chosen) if chosen else [],
            "cpts_list": services.cpts_choices(chosen) if chosen else [],
        },
    )


def map_data(request, departement: str):
    """GeoJSON of the communes of a département, for the selection map (public data)."""
    rows = Commune.objects.filter(
        departement_id=departement, statut=Commune.Statut.ACTUELLE, nature=Commune.Nature.COMMUNE
    ).values_list("code", "nom", "population", "centre_lon", "centre_lat", "contour")
    features = [
        {
            "type": "Feature",
            "geometry": contour,
            "properties": {"code": code, "nom": nom, "population": pop, "centre": [lon, lat]},
        }
        for code, nom, pop, lon, lat, contour in rows
        if contour
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _context(request, codes, label):
    result = services.diagnose(codes, label=label)
    zone = request.GET.get("zone")
    # A zone keeps its reference in the export links so that the reports name it.
    query = urlencode(
        {"zone": zone} if zone else {"communes": ",".join(result["territoire"]["communes"])}
    )
    return {
        "result": result,
        "t": result["territoire"],
        "view": presentation.present(result),
        "map_svg": mark_safe(svg.territory_map(result["territoire"]["communes"])),  # noqa: S308
        "population_chart": trends.population_chart(result["territoire"]["communes"]),
        "query": query,
    }


def territory(request):
    try:
        codes, label = selection_from(request.GET, request.user)
    except (services.TerritoryError, bounds.ParameterError) as error:
        messages.error(request, str(error))
        return redirect("diagnostics:index")
    return _territory_page(request, codes, label)


def _territory_page(request, codes, label, status=200, **extra):
    context = _context(request, codes, label)
    context["view"]["age_chart"] = mark_safe(context["view"]["age_chart"])  # noqa: S308
    context["view"]["supply_chart"] = mark_safe(context["view"]["supply_chart"])  # noqa: S308
    context.update(extra)
    return render(request, "diagnostics/territory.html", context, status=status)


def export(request, fmt: str):
    try:
        codes, label = selection_from(request.GET, request.user)
    except (services.TerritoryError, bounds.ParameterError) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if fmt not in ("pdf", "csv", "xlsx", "json"):
        raise Http404
    if fmt == "pdf":
        return exports.download(render_pdf(codes, label), "diagnostic.pdf")
    result = services.diagnose(codes, label=label)
    if fmt == "csv":
        return exports.download(diagnosis_exports.to_csv(result), "diagnostic.csv")
    if fmt == "xlsx":
        return exports.download(diagnosis_exports.to_xlsx(result), "diagnostic.xlsx")
    return exports.download(exports.json_bytes(result), "diagnostic.json")


def pdf_html(codes: list[str], label: str = "", result: dict | None = None) -> str:
    """The HTML handed to WeasyPrint (tests read it to check that no secret value leaks)."""
    result = result or services.diagnose(codes, label=label)
    view = presentation.present(result)
    view["age_chart"] = mark_safe(view["age_chart"])  # noqa: S308
    view["supply_chart"] = mark_safe(view["supply_chart"])  # noqa: S308
    return render_to_string(
        "diagnostics/pdf.html",
        {
            "result": result,
            "t": result["territoire"],
            "view": view,
            "map_svg": mark_safe(svg.territory_map(result["territoire"]["communes"])),  # noqa: S308
            "population_chart": trends.population_chart(result["territoire"]["communes"]),
        },
    )


def render_pdf(codes: list[str], label: str = "", result: dict | None = None) -> bytes:
    return exports.pdf_bytes(pdf_html(codes, label, result))


# ---------------------------------------------------------------------------------------------
# Saved territories: any logged-in user, each sees only their own.


@login_required
def saved_list(request):
    return render(
        request,
        "diagnostics/saved.html",
        {"saved": SavedTerritory.objects.filter(owner=request.user)},
    )


@login_required
@require_POST
def save(request):
    try:
        codes, label = selection_from(request.POST, request.user)
    except (services.TerritoryError, bounds.ParameterError) as error:
        messages.error(request, str(error))
        return redirect("diagnostics:index")
    typed = str(request.POST.get("nom", ""))
    try:
        nom = bounds.NAME.get(request.POST, "nom", "")
        problem = None if nom else "Donnez un nom au territoire."
    except bounds.ParameterError:
        nom, problem = (
            "",
            f"Nom illisible ou trop long : {bounds.NAME.max_length} caractères au plus.",
        )
    if problem:
        # The diagnosis again, with the name as typed and the error next to the field.
        return _territory_page(
            request, codes, label, 422, save_error=problem, save_name=typed[:500]
        )
    SavedTerritory.objects.update_or_create(
        owner=request.user, nom=nom, defaults={"communes": codes}
    )
    messages.success(request, f"Territoire « {nom} » enregistré.")
    return redirect("diagnostics:saved")


@login_required
@require_POST
def delete(request, pk: int):
    territory = get_object_or_404(SavedTerritory, pk=pk, owner=request.user)
    territory.delete()
    messages.success(request, f"Territoire « {territory.nom} » supprimé.")
    return redirect("diagnostics:saved")
