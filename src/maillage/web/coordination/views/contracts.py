"""A contract's page: yearly statement, missions, results, dialogues, payments, and the
caisse's entries. A form with errors re-renders the page with the typed values and the error
next to its field; a valid one saves in one transaction and goes back to the page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.engine.rules.contract import ContractError
from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import role_required

from .. import forms, results, services
from ..history import contract_history, with_fields
from ..models import (
    Contract,
    Dialogue,
    Event,
    Indicator,
    Mission,
    MspCriterion,
    MspExercise,
    Payment,
    Result,
)
from .common import STAFF, VIEWERS, contract_for, save_form
from .dossiers import INVALID


def contract_year(request, contract: Contract) -> int:
    """The calendar year asked by ``?annee=``: one of the contract's calendar years (400 in
    French otherwise, « abc » included); by default the current year, kept within them."""
    years = services.contract_calendar_years(contract)
    year = bounds.YEAR.get(request.GET, "annee")
    if year is None:
        return min(max(dt.date.today().year, years[0]), years[-1])
    if year not in years:
        raise bounds.ParameterError(
            "annee",
            f"attendu : une année civile du contrat, de {years[0]} à {years[-1]}",
            request.GET.get("annee"),
        )
    return year


def _contract_page(request, contract: Contract, status: int = 200, **bound):
    """The contract page; ``bound`` replaces an empty form by the one the user sent
    (``mission_edit`` / ``indicator`` by the mission's primary key)."""
    year = contract_year(request, contract)
    error = None
    try:
        stmt = services.statement(contract, year)
    except (ContractError, ValueError) as exc:
        stmt, error = None, str(exc)
    missions = list(contract.missions.all())
    edited, indicator = bound.pop("mission_edit", None), bound.pop("indicator", None)
    context = {
        "contrat": contract,
        "structure": contract.dossier.structure,
        "annee": year,
        "annees": services.contract_calendar_years(contract),
        "releve": stmt,
        "erreur": error,
        "taille": services.contract_size(contract) if contract.kind == Contract.Kind.CPTS else None,
        "population": services.covered_population(contract.dossier),
        "echeances": services.deadlines(contract) if contract.kind == "cpts" else [],
        "atteintes": services.achievements(contract),
        "dialogues": contract.dialogues.order_by("annee_contrat"),
        "resultats_a_valider": Result.objects.filter(
            indicateur__mission__contrat=contract, statut=Result.Status.SAISI
        ).select_related("indicateur"),
        "historique": with_fields(contract_history(contract)[:100]),
        "is_staff": services.is_staff(request.user),
        "mission_form": forms.MissionForm(contract=contract, prefix="mi"),
        "mission_edit_forms": [
            (
                m,
                edited[1]
                if edited and edited[0] == m.pk
                else forms.MissionForm(instance=m, contract=contract, prefix=f"me{m.pk}"),
            )
            for m in missions
        ],
        "indicator_forms": [
            (
                m,
                indicator[1]
                if indicator and indicator[0] == m.pk
                else forms.IndicatorForm(mission=m, prefix=f"m{m.pk}"),
            )
            for m in missions
        ],
        "result_form": forms.ResultForm(contract=contract, prefix="re"),
        "dialogue_form": forms.DialogueForm(contract=contract, prefix="di"),
        "payment_form": forms.PaymentForm(
            contract=contract, initial={"date": dt.date.today()}, prefix="pa"
        ),
        "contract_form": forms.ContractForm(instance=contract, prefix="ct"),
        "exercise_form": forms.ExerciseForm(prefix="ex"),
        "criterion_form": forms.CriterionForm(contract=contract, prefix="cr"),
        "exercices": contract.exercices.prefetch_related("criteres"),
    }
    context.update(bound)
    return render(request, "coordination/contract.html", context, status=status)


@role_required(*VIEWERS)
def contract(request, pk: int):
    return _contract_page(request, contract_for(request, pk))


def _save(request, contract: Contract, form, context_name: str, message: str, **extra):
    """Save a bound form of the contract page, or show the page again with its errors."""
    if not form.is_valid():
        fresh = Contract.objects.select_related("dossier__structure").get(pk=contract.pk)
        return _contract_page(request, fresh, INVALID, **{context_name: form})
    with transaction.atomic():
        save_form(form, **extra)
    messages.success(request, message)
    return redirect("coordination:contrat", pk=contract.pk)


@require_POST
@role_required(*STAFF)
def contract_edit(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.ContractForm(request.POST, instance=contract, prefix="ct")
    return _save(request, contract, form, "contract_form", "Contrat mis à jour.")


@require_POST
@role_required(*STAFF)
def mission_add(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.MissionForm(
        request.POST, instance=Mission(contrat=contract), contract=contract, prefix="mi"
    )
    return _save(request, contract, form, "mission_form", "Mission ajoutée.")


@require_POST
@role_required(*STAFF)
def mission_edit(request, pk: int):
    mission = get_object_or_404(Mission, pk=pk)
    contract = contract_for(request, mission.contrat_id, staff=True)
    form = forms.MissionForm(
        request.POST, instance=mission, contract=contract, prefix=f"me{mission.pk}"
    )
    if not form.is_valid():
        return _contract_page(request, contract, INVALID, mission_edit=(mission.pk, form))
    return _save(request, contract, form, "mission_form", "Mission mise à jour.")


@require_POST
@role_required(*STAFF)
def indicator_add(request, pk: int):
    mission = get_object_or_404(Mission, pk=pk)
    contract = contract_for(request, mission.contrat_id, staff=True)
    form = forms.IndicatorForm(
        request.POST, instance=Indicator(mission=mission), mission=mission, prefix=f"m{mission.pk}"
    )
    if not form.is_valid():
        return _contract_page(request, contract, INVALID, indicator=(mission.pk, form))
    return _save(request, contract, form, "mission_form", "Indicateur ajouté.")


@require_POST
@role_required(*VIEWERS)
def result_add(request, pk: int):
    """Staff enter validated results; a coordinator's entry waits for staff validation."""
    contract = contract_for(request, pk)
    form = forms.ResultForm(request.POST, contract=contract, prefix="re")
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = results.enter_result(
                request.user, data["indicateur"], data["annee_contrat"], data["valeur"]
            )
        except results.ResultRefused as refused:
            form.add_error(None, str(refused))
        else:
            pending = result.statut != Result.Status.VALIDE
            messages.success(
                request, "Résultat enregistré" + (", en attente de validation." if pending else ".")
            )
            return redirect("coordination:contrat", pk=pk)
    return _contract_page(request, contract, INVALID, result_form=form)


@require_POST
@role_required(*STAFF)
def result_validate(request, pk: int):
    result = get_object_or_404(Result.objects.select_related("indicateur__mission"), pk=pk)
    contract = contract_for(request, result.indicateur.mission.contrat_id, staff=True)
    results.validate_result(request.user, result)
    messages.success(request, "Résultat validé.")
    return redirect("coordination:contrat", pk=contract.pk)


@require_POST
@role_required(*STAFF)
def dialogue_add(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.DialogueForm(
        request.POST, instance=Dialogue(contrat=contract), contract=contract, prefix="di"
    )
    if not form.is_valid():
        return _contract_page(request, contract, INVALID, dialogue_form=form)
    with transaction.atomic():
        dialogue = save_form(form)
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
    return redirect("coordination:contrat", pk=pk)


@require_POST
@role_required(*STAFF)
def payment_add(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.PaymentForm(
        request.POST, instance=Payment(contrat=contract), contract=contract, prefix="pa"
    )
    return _save(
        request, contract, form, "payment_form", "Paiement enregistré.", saisi_par=request.user
    )


@require_POST
@role_required(*STAFF)
def payment_delete(request, pk: int):
    with transaction.atomic():
        payment = get_object_or_404(Payment.objects.select_for_update(), pk=pk)
        contract = contract_for(request, payment.contrat_id, staff=True)
        payment.delete()  # the model history keeps the deleted payment
    messages.success(request, "Paiement supprimé (conservé dans l'historique).")
    return redirect("coordination:contrat", pk=contract.pk)


@require_POST
@role_required(*STAFF)
def exercise_add(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.ExerciseForm(request.POST, instance=MspExercise(contrat=contract), prefix="ex")
    return _save(request, contract, form, "exercise_form", "Exercice ajouté.")


@require_POST
@role_required(*STAFF)
def criterion_add(request, pk: int):
    contract = contract_for(request, pk, staff=True)
    form = forms.CriterionForm(
        request.POST, instance=MspCriterion(), contract=contract, prefix="cr"
    )
    return _save(request, contract, form, "criterion_form", "Critère ajouté.")
