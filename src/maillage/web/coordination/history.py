"""History of a contract and of a structure's dossier: every version of the objects that
belong to them, found through their links (contract → missions → indicators → results, …)
in the model history, plus the explicit events recorded on those objects."""

from __future__ import annotations

from maillage.web.accounts.history import Change, changes, event_changes, events_on, newest_first
from maillage.web.supply.models import Structure

from .models import (
    Contract,
    Dialogue,
    Document,
    Dossier,
    Event,
    Indicator,
    Member,
    Mission,
    MspCriterion,
    MspExercise,
    Payment,
    Result,
)

_MODELS = (
    Contract,
    Dialogue,
    Document,
    Dossier,
    Event,
    Indicator,
    Member,
    Mission,
    MspCriterion,
    MspExercise,
    Payment,
    Result,
    Structure,
)


def changed_fields(change: Change) -> str:
    """The changed fields of ``change`` by their French names (« part fixe », not
    ``part_fixe``), for the history tables of the pages."""
    model = next((m for m in _MODELS if str(m._meta.verbose_name) == change.kind), None)
    labels = []
    for name in change.after or change.before or {}:
        if name == "id":
            continue
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except Exception:
            labels.append(name.replace("_", " "))
    return ", ".join(labels)


def with_fields(items: list[Change]) -> list[tuple[Change, str]]:
    return [(change, changed_fields(change)) for change in items]


def _ids(historical, current, **link) -> set:
    """Ids of the objects linked by ``link``, deleted ones included (from their history)."""
    return set(historical.filter(**link).values_list("id", flat=True)) | set(
        current.filter(**link).values_list("pk", flat=True)
    )


def _collect(parts: list[tuple[type, set]]) -> list[Change]:
    items: list[Change] = []
    for model, ids in parts:
        if not ids:
            continue
        items += changes(model.history.model.objects.filter(id__in=ids))
        items += event_changes(events_on(model, ids))
    return newest_first(items)


def contract_history(contract: Contract) -> list[Change]:
    def h(model):
        return model.history.model.objects

    missions = _ids(h(Mission), Mission.objects, contrat_id=contract.pk)
    indicators = _ids(h(Indicator), Indicator.objects, mission_id__in=missions)
    exercises = _ids(h(MspExercise), MspExercise.objects, contrat_id=contract.pk)
    return _collect(
        [
            (Contract, {contract.pk}),
            (Mission, missions),
            (Indicator, indicators),
            (Result, _ids(h(Result), Result.objects, indicateur_id__in=indicators)),
            (Dialogue, _ids(h(Dialogue), Dialogue.objects, contrat_id=contract.pk)),
            (Payment, _ids(h(Payment), Payment.objects, contrat_id=contract.pk)),
            (MspExercise, exercises),
            (MspCriterion, _ids(h(MspCriterion), MspCriterion.objects, exercice_id__in=exercises)),
        ]
    )


def dossier_history(dossier: Dossier) -> list[Change]:
    """The dossier, its lifecycle events and documents, its members, its contracts (their
    own content is in the contract history) and the structure itself (CPTS perimeter)."""

    def h(model):
        return model.history.model.objects

    events = _ids(h(Event), Event.objects, dossier_id=dossier.pk)
    return _collect(
        [
            (Structure, {dossier.structure_id}),
            (Dossier, {dossier.pk}),
            (Event, events),
            (Document, _ids(h(Document), Document.objects, evenement_id__in=events)),
            (Member, _ids(h(Member), Member.objects, dossier_id=dossier.pk)),
            (Contract, _ids(h(Contract), Contract.objects, dossier_id=dossier.pk)),
        ]
    )
