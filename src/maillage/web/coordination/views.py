"""Pages of the coordinated-care steering (deny by default; scope checked on every object).

Changes are recorded by the model history (django-simple-history, user from the request);
validations are explicit audit events; the contract and structure pages read both through
``coordination.history``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.engine.rules.contract import ContractError
from maillage.web import request_params as bounds
from maillage.web.accounts.audit import log_access, record_change
from maillage.web.accounts.models import AuditEntry
from maillage.web.accounts.permissions import role_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.roles import Role
from maillage.web.accounts.scope import can_see_departement, visible_departements
from maillage.web.exports import csv_bytes, download
from maillage.web.supply.models import Structure
from maillage.web.territories.models import Departement, Region

from . import exports as contract_exports
from . import forms, services
from .history import contract_history, dossier_history
from .models import (
    Contract,
    Dialogue,
    Document,
    Dossier,
    Event,
    Indicator,
    Mission,
    Payment,
    Result,
)

VIEWERS = (Role.COORDINATEUR, Role.AGENT_CPAM, Role.ADMINISTRATEUR)
STAFF = (Role.AGENT_CPAM, Role.ADMINISTRATEUR)


def _dossier_for(request, structure_pk: int) -> Dossier:
    structure = get_object_or_404(Structure, pk=structure_pk)
    dossier = Dossier.objects.filter(structure=structure).first()
    if dossier is None:
        # Staff open a follow-up file on first visit; others never see a structure without one.
        dep = structure.commune.departement_id if structure.commune else None
        if not (services.is_staff(request.user) and dep and can_see_departement(request.user, dep)):
            raise PermissionDenied
        dossier = services.ensure_dossier(structure)
    if not services.can_view(request.user, dossier):
        raise PermissionDenied
    return dossier


def _contract_for(request, pk: int, staff: bool = False) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("dossier__structure"), pk=pk)
    if not services.can_view(request.user, contract.dossier):
        raise PermissionDenied
    if staff and not services.is_staff(request.user):
        raise PermissionDenied
    return contract


def _audited_save(request, form, contract: Contract | None, **extra):
    """Save a form's instance; the model history records the change and its author."""
    obj = form.save(commit=False)
    for key, value in extra.items():
        setattr(obj, key, value)
    obj.save()
    form.save_m2m()
    return obj


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


# ---------------------------------------------------------------------------------------------


@role_required(*VIEWERS)
def index(request):
    dossiers = services.visible_dossiers(request.user).order_by("structure__kind", "structure__nom")
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
    from .models import Stage

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


@role_required(*VIEWERS)
@personal_data
def structure(request, pk: int):
    dossier = _dossier_for(request, pk)
    staff = services.is_staff(request.user)
    s = dossier.structure
    from .models import Stage

    stage = Stage(services.current_stage(dossier)).label
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
        "stage": stage,
        "evenements": dossier.evenements.prefetch_related("documents"),
        "membres": [(m, services.profession_label(m.categorie)) for m in members],
        "historique": dossier_history(dossier)[:100],
        "perimetre": s.perimetre.select_related("commune").order_by("commune__nom"),
        "contrats": dossier.contrats.all(),
        "population": services.perimeter_population(s),
        "population_couverte": services.covered_population(dossier),
        "territoire": services.territory_figures(s),
        "is_staff": staff,
        "event_form": forms.EventForm(prefix="ev"),
        "member_form": forms.MemberForm(prefix="mb"),
        "dossier_form": forms.DossierForm(instance=dossier, prefix="do"),
        "contract_form": forms.ContractForm(
            initial={"kind": "msp" if s.kind in ("MSP", "CDS") else "cpts"}, prefix="ct"
        ),
    }
    return render(request, "coordination/structure.html", context)


@require_POST
@role_required(*STAFF)
def event_add(request, pk: int):
    dossier = _dossier_for(request, pk)
    form = forms.EventForm(request.POST, request.FILES, prefix="ev")
    if form.is_valid():
        with transaction.atomic():
            event = form.save(commit=False)
            event.dossier, event.created_by = dossier, request.user
            event.save()
            upload = form.cleaned_data.get("document")
            if upload:
                Document.objects.create(
                    evenement=event,
                    titre=form.cleaned_data.get("titre_document") or upload.name,
                    fichier=upload,
                    ajoute_par=request.user,
                )
        messages.success(request, f"Événement enregistré : {event}.")
    else:
        _form_errors(request, form)
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


@require_POST
@role_required(*VIEWERS)
def member_add(request, pk: int):
    dossier = _dossier_for(request, pk)
    form = forms.MemberForm(request.POST, prefix="mb", dossier=dossier)
    if form.is_valid():
        member = form.save(commit=False)
        member.dossier = dossier
        member.save()
        messages.success(request, "Membre ajouté.")
    else:
        _form_errors(request, form)
    return redirect("coordination:structure", pk=pk)


@require_POST
@role_required(*STAFF)
def dossier_edit(request, pk: int):
    dossier = _dossier_for(request, pk)
    form = forms.DossierForm(request.POST, instance=dossier, prefix="do")
    if form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "Dossier mis à jour.")
    else:
        _form_errors(request, form)
    return redirect("coordination:structure", pk=pk)


@require_POST
@role_required(*STAFF)
def contract_add(request, pk: int):
    dossier = _dossier_for(request, pk)
    form = forms.ContractForm(request.POST, instance=Contract(dossier=dossier), prefix="ct")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("coordination:structure", pk=pk)
    with transaction.atomic():
        contract = _audited_save(request, form, None)
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


# ---------------------------------------------------------------------------------------------


def _year(request, contract: Contract) -> int:
    default = max(contract.date_signature.year, min(dt.date.today().year, bounds.YEAR.maximum))
    return bounds.YEAR.get(request.GET, "annee", default)


@role_required(*VIEWERS)
def contract(request, pk: int):
    contract = _contract_for(request, pk)
    year = _year(request, contract)
    staff = services.is_staff(request.user)
    error = None
    try:
        stmt = services.statement(contract, year)
    except (ContractError, ValueError) as exc:
        stmt, error = None, str(exc)
    size = services.contract_size(contract) if contract.kind == Contract.Kind.CPTS else None
    context = {
        "contrat": contract,
        "structure": contract.dossier.structure,
        "annee": year,
        "annees": list(range(contract.date_signature.year, contract.date_signature.year + 6)),
        "releve": stmt,
        "erreur": error,
        "taille": size,
        "population": services.covered_population(contract.dossier),
        "echeances": services.deadlines(contract) if contract.kind == "cpts" else [],
        "atteintes": services.achievements(contract),
        "resultats_a_valider": Result.objects.filter(
            indicateur__mission__contrat=contract, statut=Result.Status.SAISI
        ).select_related("indicateur"),
        "historique": contract_history(contract)[:100],
        "is_staff": staff,
        "mission_form": forms.MissionForm(contract=contract, prefix="mi"),
        "mission_edit_forms": [
            (m, forms.MissionForm(instance=m, contract=contract, prefix=f"me{m.pk}"))
            for m in contract.missions.all()
        ],
        "indicator_forms": [
            (m, forms.IndicatorForm(mission=m, prefix=f"m{m.pk}")) for m in contract.missions.all()
        ],
        "result_form": forms.ResultForm(contract=contract, prefix="re"),
        "dialogue_form": forms.DialogueForm(prefix="di"),
        "payment_form": forms.PaymentForm(initial={"date": dt.date.today()}, prefix="pa"),
        "contract_form": forms.ContractForm(instance=contract, prefix="ct"),
        "exercise_form": forms.ExerciseForm(prefix="ex"),
        "criterion_form": forms.CriterionForm(contract=contract, prefix="cr"),
        "exercices": contract.exercices.prefetch_related("criteres"),
    }
    return render(request, "coordination/contract.html", context)


def _save_to_contract(request, form, contract: Contract, message: str):
    """Save a bound contract form with its history entry, report, and go back to the contract."""
    if form.is_valid():
        with transaction.atomic():
            _audited_save(request, form, contract)
        messages.success(request, message)
    else:
        _form_errors(request, form)
    return redirect("coordination:contrat", pk=contract.pk)


def _post_form(request, pk, form_class, prefix, extra_kwargs=None, staff=True, **attrs):
    contract = _contract_for(request, pk, staff=staff)
    kwargs = extra_kwargs(contract) if extra_kwargs else {}
    instance = form_class._meta.model(
        **{k: (contract if v == "contract" else v) for k, v in attrs.items()}
    )
    form = form_class(request.POST, instance=instance, prefix=prefix, **kwargs)
    return _save_to_contract(request, form, contract, "Enregistré.")


@require_POST
@role_required(*STAFF)
def contract_edit(request, pk: int):
    contract = _contract_for(request, pk, staff=True)
    form = forms.ContractForm(request.POST, instance=contract, prefix="ct")
    return _save_to_contract(request, form, contract, "Contrat mis à jour.")


@require_POST
@role_required(*STAFF)
def mission_add(request, pk: int):
    return _post_form(
        request, pk, forms.MissionForm, "mi", lambda c: {"contract": c}, contrat="contract"
    )


@require_POST
@role_required(*STAFF)
def mission_edit(request, pk: int):
    mission = get_object_or_404(Mission, pk=pk)
    contract = _contract_for(request, mission.contrat_id, staff=True)
    form = forms.MissionForm(
        request.POST, instance=mission, contract=contract, prefix=f"me{mission.pk}"
    )
    return _save_to_contract(request, form, contract, "Mission mise à jour.")


@require_POST
@role_required(*STAFF)
def indicator_add(request, pk: int):
    mission = get_object_or_404(Mission, pk=pk)
    contract = _contract_for(request, mission.contrat_id, staff=True)
    form = forms.IndicatorForm(
        request.POST, instance=Indicator(mission=mission), mission=mission, prefix=f"m{mission.pk}"
    )
    return _save_to_contract(request, form, contract, "Indicateur ajouté.")


@require_POST
@role_required(*VIEWERS)
def result_add(request, pk: int):
    """Staff enter validated results; a coordinator's entry waits for staff validation."""
    contract = _contract_for(request, pk)
    staff = services.is_staff(request.user)
    form = forms.ResultForm(request.POST, contract=contract, prefix="re")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("coordination:contrat", pk=pk)
    data = form.cleaned_data
    existing = Result.objects.filter(
        indicateur=data["indicateur"], annee_contrat=data["annee_contrat"]
    ).first()
    if existing and existing.statut == Result.Status.VALIDE and not staff:
        messages.error(request, "Ce résultat est déjà validé par la caisse.")
        return redirect("coordination:contrat", pk=pk)
    result = existing or Result(indicateur=data["indicateur"], annee_contrat=data["annee_contrat"])
    result.valeur = data["valeur"]
    result.saisi_par = request.user
    if staff:
        result.statut, result.valide_par, result.valide_le = (
            Result.Status.VALIDE,
            request.user,
            timezone.now(),
        )
    else:
        result.statut, result.valide_par, result.valide_le = Result.Status.SAISI, None, None
    with transaction.atomic():
        result.save()
        if staff:
            record_change(request.user, result, AuditEntry.Action.VALIDATION)
    messages.success(
        request, "Résultat enregistré" + ("." if staff else ", en attente de validation.")
    )
    return redirect("coordination:contrat", pk=pk)


@require_POST
@role_required(*STAFF)
def result_validate(request, pk: int):
    result = get_object_or_404(Result.objects.select_related("indicateur__mission"), pk=pk)
    contract = _contract_for(request, result.indicateur.mission.contrat_id, staff=True)
    result.statut, result.valide_par, result.valide_le = (
        Result.Status.VALIDE,
        request.user,
        timezone.now(),
    )
    with transaction.atomic():
        result.save()
        record_change(request.user, result, AuditEntry.Action.VALIDATION)
    messages.success(request, "Résultat validé.")
    return redirect("coordination:contrat", pk=contract.pk)


@require_POST
@role_required(*STAFF)
def dialogue_add(request, pk: int):
    contract = _contract_for(request, pk, staff=True)
    form = forms.DialogueForm(request.POST, instance=Dialogue(contrat=contract), prefix="di")
    if form.is_valid():
        with transaction.atomic():
            dialogue = _audited_save(request, form, contract)
            Event.objects.get_or_create(
                dossier=contract.dossier,
                kind=Event.Kind.DIALOGUE,
                date=dialogue.date,
                defaults={
                    "created_by": request.user,
                    "commentaire": f"année de contrat {dialogue.annee_contrat}",
                },
            )
        messages.success(request, "Dialogue de gestion enregistré.")
    else:
        _form_errors(request, form)
    return redirect("coordination:contrat", pk=pk)


@require_POST
@role_required(*STAFF)
def payment_add(request, pk: int):
    return _post_form(
        request, pk, forms.PaymentForm, "pa", contrat="contract", saisi_par=request.user
    )


@require_POST
@role_required(*STAFF)
def payment_delete(request, pk: int):
    payment = get_object_or_404(Payment, pk=pk)
    contract = _contract_for(request, payment.contrat_id, staff=True)
    payment.delete()  # the model history keeps the deleted payment
    messages.success(request, "Paiement supprimé (conservé dans l'historique).")
    return redirect("coordination:contrat", pk=contract.pk)


@require_POST
@role_required(*STAFF)
def exercise_add(request, pk: int):
    return _post_form(request, pk, forms.ExerciseForm, "ex", contrat="contract")


@require_POST
@role_required(*STAFF)
def criterion_add(request, pk: int):
    return _post_form(request, pk, forms.CriterionForm, "cr", lambda c: {"contract": c})


# ---------------------------------------------------------------------------------------------
# Exports


@role_required(*VIEWERS)
def export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404("format d'export inconnu")
    contract = _contract_for(request, pk)
    year = _year(request, contract)
    try:
        stmt = services.statement(contract, year)
    except (ContractError, ValueError) as exc:
        return HttpResponse(f"Contrat incomplet : {exc}", status=409, content_type="text/plain")
    name = f"releve-{contract.dossier.structure.identifiant}-{year}.{fmt}"
    return download(contract_exports.statement_file(stmt, contract, year, fmt), name)


@role_required(*VIEWERS)
@personal_data
def audit_csv(request, pk: int):
    contract = _contract_for(request, pk)
    log_access(request, "historique-contrat", str(pk), "export de l'historique d'un contrat")
    table = contract_exports.audit_table(contract_history(contract))
    return download(csv_bytes(table), f"historique-contrat-{pk}.csv")


# ---------------------------------------------------------------------------------------------
# Dashboards


def _dashboard(request, title: str, departements: list[str], scope_label: str):
    year = bounds.YEAR.get(request.GET, "annee", dt.date.today().year)
    cov = services.coverage(departements, year)
    money = services.amounts(departements, year)
    part = services.participants(departements, year)
    total_part = sum(part.values())
    context = {
        "titre": title,
        "scope": scope_label,
        "annee": year,
        "annees": list(range(year - 4, year + 2)),
        "couverture": cov,
        "part_pct": cov["part_population_couverte"] * 100,
        "montants": money,
        "ecart": money["dus"] - money["verses"],
        "msp_aci": services.msp_under_aci(departements, year),
        "etapes": services.stages(departements),
        "participants": [
            (services.profession_label(cat), n, n / total_part * 100 if total_part else 0)
            for cat, n in part.items()
        ],
        "total_participants": total_part,
        "retards": services.late_missions(departements),
        "carte": services.cpts_map(departements, year),
        "contrats": list(
            Contract.objects.filter(
                dossier__structure__commune__departement__in=departements
            ).select_related("dossier__structure")
        ),
    }
    return render(request, "coordination/dashboard.html", context)


@role_required(*STAFF)
def dashboard_departement(request, code: str):
    departement = get_object_or_404(Departement, code=code)
    if not can_see_departement(request.user, code):
        raise PermissionDenied
    return _dashboard(request, f"{departement.nom} ({code})", [code], "département")


@role_required(*STAFF)
def dashboard_region(request, code: str):
    region = get_object_or_404(Region, code=code)
    codes = list(region.departements.values_list("code", flat=True))
    scope = visible_departements(request.user)
    if scope is not None and not set(codes) <= scope:
        raise PermissionDenied  # a region view needs every département of the region
    return _dashboard(request, f"Région {region.nom}", codes, "région")
