"""The list of followed structures and a structure's file (events, members, contracts).

A form with errors re-renders the structure page with the typed values and the error next to
its field (status 422); a valid one saves in one transaction and goes back to the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import role_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.scope import visible_departements
from maillage.web.supply.models import Structure
from maillage.web.territories.models import Departement

from .. import forms, services
from ..history import dossier_history, with_fields
from ..models import Document, Dossier, Event, Stage
from .common import STAFF, VIEWERS, dossier_for, save_form

INVALID = 422  # the page is shown again with the errors next to their fields


@role_required(*VIEWERS)
def index(request):
    dossiers = (
        services.visible_dossiers(request.user)
        .prefetch_related("evenements")
        .order_by("structure__kind", "structure__nom")
    )
    structures_sans_dossier = Structure.objects.none()
    departements = Departement.objects.none()
    if services.is_staff(request.user):
        scope = visible_departements(request.user)
        structures_sans_dossier = Structure.objects.filter(dossier__isnull=True).select_related(
            "commune"
        )
        departements = Departement.objects.filter(communes__isnull=False).distinct()
        if scope is not None:
            structures_sans_dossier = structures_sans_dossier.filter(commune__departement__in=scope)
            departements = departements.filter(code__in=scope)
    rows = [(d, Stage(services.current_stage(d)).label) for d in dossiers]
    return render(
        request,
        "coordination/index.html",
        {
            "rows": rows,
            "sans_dossier": structures_sans_dossier[:200],
            "departements": departements,
            "is_staff": services.is_staff(request.user),
        },
    )


def _structure_page(request, dossier: Dossier, status: int = 200, **bound):
    """The structure page; ``bound`` replaces an empty form by the one the user sent."""
    s = dossier.structure
    members = list(dossier.membres.select_related("professional"))
    log_access(
        request,
        "membres-structure",
        str(dossier.pk),
        "membres d'une structure d'exercice coordonné",
        rpps=[m.professional.identifiant_national for m in members if m.professional],
    )
    context = {
        "dossier": dossier,
        "structure": s,
        "stage": Stage(services.current_stage(dossier)).label,
        "evenements": dossier.evenements.prefetch_related("documents"),
        "membres": [(m, services.profession_label(m.categorie)) for m in members],
        "historique": with_fields(dossier_history(dossier)[:100]),
        "perimetre": s.perimetre.select_related("commune").order_by("commune__nom"),
        "contrats": dossier.contrats.all(),
        "population": services.perimeter_population(s),
        "population_couverte": services.covered_population(dossier),
        "territoire": services.territory_figures(s),
        "is_staff": services.is_staff(request.user),
        "event_form": forms.EventForm(prefix="ev"),
        "member_form": forms.MemberForm(prefix="mb"),
        "dossier_form": forms.DossierForm(instance=dossier, prefix="do"),
        "contract_form": forms.ContractForm(
            initial={"kind": "msp" if s.kind in ("MSP", "CDS") else "cpts"}, prefix="ct"
        ),
    }
    context.update(bound)
    return render(request, "coordination/structure.html", context, status=status)


@role_required(*VIEWERS)
@personal_data
def structure(request, pk: int):
    return _structure_page(request, dossier_for(request, pk))


@personal_data
@require_POST
@role_required(*STAFF)
def event_add(request, pk: int):
    dossier = dossier_for(request, pk)
    form = forms.EventForm(request.POST, request.FILES, prefix="ev")
    if not form.is_valid():
        return _structure_page(request, dossier, INVALID, event_form=form)
    with transaction.atomic():
        event = save_form(form, dossier=dossier, created_by=request.user)
        upload = form.cleaned_data.get("document")
        if upload:
            Document.objects.create(
                evenement=event,
                titre=form.cleaned_data.get("titre_document") or upload.name,
                fichier=upload,
                ajoute_par=request.user,
            )
    messages.success(request, f"Événement enregistré : {event}.")
    return redirect("coordination:structure", pk=pk)


@role_required(*VIEWERS)
@personal_data
def document(request, pk: int):
    """A document of a structure's file (letters, minutes: they may name people)."""
    doc = get_object_or_404(Document.objects.select_related("evenement__dossier"), pk=pk)
    if not services.can_view(request.user, doc.evenement.dossier):
        raise PermissionDenied
    log_access(request, "document-structure", str(pk), "téléchargement d'un document")
    return FileResponse(
        doc.fichier.open("rb"), as_attachment=True, filename=doc.fichier.name.split("/")[-1]
    )


@personal_data
@require_POST
@role_required(*VIEWERS)
def member_add(request, pk: int):
    dossier = dossier_for(request, pk)
    form = forms.MemberForm(request.POST, prefix="mb", dossier=dossier)
    if not form.is_valid():
        return _structure_page(request, dossier, INVALID, member_form=form)
    with transaction.atomic():
        save_form(form, dossier=dossier)
    messages.success(request, "Membre ajouté.")
    return redirect("coordination:structure", pk=pk)


@personal_data
@require_POST
@role_required(*STAFF)
def dossier_edit(request, pk: int):
    dossier = dossier_for(request, pk)
    form = forms.DossierForm(request.POST, instance=dossier, prefix="do")
    if not form.is_valid():
        # The page shows the stored dossier; only the form keeps what was typed.
        return _structure_page(
            request, Dossier.objects.get(pk=dossier.pk), INVALID, dossier_form=form
        )
    with transaction.atomic():
        form.save()
    messages.success(request, "Dossier mis à jour.")
    return redirect("coordination:structure", pk=pk)


@personal_data
@require_POST
@role_required(*STAFF)
def contract_add(request, pk: int):
    from ..models import Contract

    dossier = dossier_for(request, pk)
    form = forms.ContractForm(request.POST, instance=Contract(dossier=dossier), prefix="ct")
    if not form.is_valid():
        return _structure_page(request, dossier, INVALID, contract_form=form)
    with transaction.atomic():
        contract = save_form(form)
        if not dossier.evenements.filter(
            kind=Event.Kind.ACI_SIGNE, date=contract.date_signature
        ).exists():
            Event.objects.create(
                dossier=dossier,
                kind=Event.Kind.ACI_SIGNE,
                date=contract.date_signature,
                created_by=request.user,
            )
    messages.success(request, "Contrat enregistré.")
    return redirect("coordination:contrat", pk=contract.pk)
