"""Public pages: zoning map, commune card, aid simulator, « what if » scenarios.

All public (no account): nothing is stored, scenarios are computed on each request.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from maillage.engine import vocabulary
from maillage.engine.rules.aids import Project
from maillage.engine.rules.common import format_money
from maillage.web import request_params as bounds
from maillage.web.supply.models import Structure
from maillage.web.territories.models import Commune, Departement

from . import services
from .forms import AidForm, ScenarioForm, ScopeForm
from .models import AplCommune, Profession

PROFESSION = bounds.Choice("profession", dict(Profession.choices))


def _default_departement() -> str | None:
    code = (
        AplCommune.objects.values_list("commune__departement_id", flat=True)
        .order_by("commune__departement_id")
        .first()
    )
    if code:
        return code
    first = Departement.objects.annotate(nb=Count("communes")).filter(nb__gt=0).first()
    return first.code if first else None


def index(request):
    data = request.GET.copy()
    data.setdefault("profession", Profession.MEDECIN)
    if not data.get("departement") and not data.get("region"):
        data["departement"] = _default_departement() or ""
    data.setdefault("source", "officiel")
    form = ScopeForm(data)
    context = {"form": form}
    if form.is_valid() and (form.cleaned_data["departement"] or form.cleaned_data["region"]):
        profession = form.cleaned_data["profession"]
        source = form.cleaned_data["source"] or "officiel"
        try:
            scope = services.Scope.of(
                form.cleaned_data["departement"] or None, form.cleaned_data["region"] or None
            )
            zoning = services.zoning_map(profession, scope)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            has_official = any(r["officiel"] for r in zoning["communes"])
            has_simulation = any(r["simulation"] for r in zoning["communes"])
            context |= {
                "zoning": zoning,
                "source": source,
                "profession": profession,
                "profession_label": Profession(profession).label,
                "has_official": has_official,
                "has_simulation": has_simulation,
                "legend": vocabulary.tier_legend(profession),
                "map_data": {"source": source, "profession": profession, **zoning["geojson"]},
            }
    return render(request, "access/index.html", context)


def commune(request, code: str):
    commune = get_object_or_404(Commune.objects.select_related("departement"), code=code)
    profession = PROFESSION.get(request.GET, "profession", Profession.MEDECIN)
    card = services.commune_card(commune, profession)
    return render(
        request,
        "access/commune.html",
        {
            "commune": commune,
            "card": card,
            "profession": profession,
            "professions": Profession.choices,
            "map_data": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": commune.contour,
                        "properties": {
                            "code": commune.code,
                            "nom": commune.nom,
                            "officiel_classe": services.ZONE_CLASSES.get(
                                (card["zonage_officiel"] or {}).get("zone"), "inconnu"
                            ),
                            "simulation_classe": services.ZONE_CLASSES.get(
                                (card["zonage_simule"] or {}).get("zone"), "inconnu"
                            ),
                        },
                    }
                ]
                if commune.contour
                else [],
                "source": "officiel" if card["zonage_officiel"] else "simulation",
            },
        },
    )


def project_from(data: dict) -> Project:
    return Project(
        first_installation=bool(data.get("premiere_installation")),
        installation=not data.get("deja_installe"),
        days_per_week=data.get("jours_par_semaine"),
        secondary_practice=bool(data.get("cabinet_secondaire")),
        group_practice=bool(data.get("exercice_groupe")),
        joins_existing_practice=bool(data.get("rejoint_cabinet")),
        age=data.get("age"),
        hosts_student=bool(data.get("accueil_stagiaire")),
        hospital_proximity=bool(data.get("hopital_proximite")),
        qpv=bool(data.get("qpv")),
        zfu_te=bool(data.get("zfu_te")),
    )


def aids(request):
    form = AidForm(request.GET or None, initial={"date": dt.date.today()})
    context = {"form": form}
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            if data["commune"]:
                if not Commune.objects.filter(code=data["commune"]).exists():
                    raise ValueError(f"commune {data['commune']} absente du référentiel")
                resolved, result = services.aids_for_commune(
                    data["commune"], data["profession"], data["date"], project_from(data)
                )
            else:
                resolved = None
                result = services.simulate_aids(
                    data["profession"], data["zone"], data["date"], project_from(data)
                )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            context |= {
                "resolved": resolved,
                "result": result,
                "aids": [
                    {
                        "aid": aid,
                        "amount": format_money(aid.amount) if aid.amount is not None else None,
                        "payments": [(p.label, format_money(p.amount)) for p in aid.payments],
                    }
                    for aid in result.aids
                ],
                "zone_label": services.zone_label(result.zone),
            }
    return render(request, "access/aides.html", context)


def scenario(request):
    data = request.GET.copy()
    if not data.get("departement"):
        data["departement"] = _default_departement() or ""
    data.setdefault("profession", Profession.MEDECIN)
    form = ScenarioForm(data)
    try:
        departement = bounds.DEPARTEMENT.get(data, "departement")
    except bounds.ParameterError:
        departement = None  # the form shows the error next to the field
    msps = services.structures_msp(departement) if departement else []
    form.fields["msp"].widget.choices = [("", "—")] + [(s.pk, str(s)) for s in msps]
    context = {"form": form, "submitted": "commune" in request.GET or "msp" in request.GET}
    if departement:
        try:
            context["candidates"] = services.candidates(departement)
        except ValueError:
            context["candidates"] = None
    if context["submitted"] and form.is_valid():
        cleaned = form.cleaned_data
        try:
            code, etp = _scenario_change(cleaned)
            result = services.scenario(cleaned["profession"], cleaned["departement"], {code: etp})
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            changed = {row["code"]: row for row in result["communes"]}
            features = [
                {
                    "type": "Feature",
                    "geometry": c.contour,
                    "properties": {
                        "code": c.code,
                        "nom": c.nom,
                        "variation": changed[c.code]["variation"] if c.code in changed else 0.0,
                        "modifiee": c.code == code,
                    },
                }
                for c in Commune.objects.filter(departement_id=cleaned["departement"])
                .exclude(contour=None)
                .only("code", "nom", "contour")
            ]
            context |= {
                "result": result,
                "labels": {k: services.zone_label(k) for k in services.ZONE_LABELS_ALL},
                "map_data": {"type": "FeatureCollection", "features": features},
            }
    return render(request, "access/scenario.html", context)


def _scenario_change(cleaned: dict) -> tuple[str, float]:
    if cleaned.get("msp"):
        structure = get_object_or_404(Structure, pk=cleaned["msp"], kind=Structure.Kind.MSP)
        if structure.commune_id is None:
            raise ValueError("cette MSP n'a pas de commune de siège")
        etp = cleaned.get("etp") or 0.0
        if cleaned.get("retirer_msp"):
            etp = -services.msp_fte(structure, cleaned["profession"])
            if etp == 0:
                raise ValueError("aucun praticien de cette profession rattaché à la MSP")
        return structure.commune_id, etp
    return cleaned["commune"], cleaned.get("etp") or 0.0
