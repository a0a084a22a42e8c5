"""Pages of the coordinated-care steering (deny by default; scope checked on every object).

One module per part: ``dossiers`` (list and structure files), ``contracts`` (a contract's page
and the caisse's entries), ``exports`` (downloads), ``dashboards`` (département and region).
Changes are recorded by the model history (django-simple-history, user from the request);
validations are explicit audit events (``coordination.results``)."""

from .contracts import (
    contract,
    contract_edit,
    criterion_add,
    dialogue_add,
    exercise_add,
    indicator_add,
    mission_add,
    mission_edit,
    payment_add,
    payment_delete,
    result_add,
    result_validate,
)
from .dashboards import dashboard_departement, dashboard_region
from .dossiers import (
    contract_add,
    document,
    dossier_edit,
    event_add,
    index,
    member_add,
    structure,
)
from .exports import audit_csv, export

__all__ = [
    "audit_csv",
    "contract",
    "contract_add",
    "contract_edit",
    "criterion_add",
    "dashboard_departement",
    "dashboard_region",
    "dialogue_add",
    "document",
    "dossier_edit",
    "event_add",
    "exercise_add",
    "export",
    "index",
    "indicator_add",
    "member_add",
    "mission_add",
    "mission_edit",
    "payment_add",
    "payment_delete",
    "result_add",
    "result_validate",
    "structure",
]
