"""Downloads of a contract: the yearly statement (CSV, XLSX, PDF) and its change history."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from maillage.engine.rules.contract import ContractError
from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import role_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.exports import csv_bytes, download

from .. import exports as contract_exports
from .. import services
from ..history import contract_history
from .common import VIEWERS, contract_for
from .contracts import contract_year

FORMATS = ("csv", "xlsx", "pdf")


@role_required(*VIEWERS)
def export(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404("format d'export inconnu")
    contract = contract_for(request, pk)
    year = contract_year(request, contract)
    try:
        stmt = services.statement(contract, year)
    except (ContractError, ValueError) as exc:
        return HttpResponse(f"Contrat incomplet : {exc}", status=409, content_type="text/plain")
    name = f"releve-{contract.dossier.structure.identifiant}-{year}.{fmt}"
    return download(contract_exports.statement_file(stmt, contract, year, fmt), name)


@role_required(*VIEWERS)
@personal_data
def audit_csv(request, pk: int):
    contract = contract_for(request, pk)
    log_access(request, "historique-contrat", str(pk), "export de l'historique d'un contrat")
    table = contract_exports.audit_table(contract_history(contract))
    return download(csv_bytes(table), f"historique-contrat-{pk}.csv")
