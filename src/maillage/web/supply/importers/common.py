"""Helpers shared by the supply importers: progress, import record, current commune."""

from __future__ import annotations

from pathlib import Path

from maillage.web.imports import (
    ImportReport,
)
from maillage.web.territories.models import Commune

from ..models import (
    Structure,
    SupplyImport,
)

REGISTRY = Path(__file__).parent.parent / "indicateurs.yaml"
APL_INDICATOR = "apl_mg"
AMELI_SOURCE = "data.ameli démographie"
#: FINESS classes that are coordinated-care structures.
STRUCTURE_CLASSES = {"maison_sante": Structure.Kind.MSP, "centre_sante": Structure.Kind.CDS}


def _record(kind: str, path: Path, report: ImportReport) -> None:
    SupplyImport.objects.create(kind=kind, fichier=str(path), comptes=report.counts)


def _current_commune(codes: set[str]) -> dict[str, str]:
    """Referential row of each code: itself when current, the absorbing commune when merged."""
    found: dict[str, str] = {}
    for code, statut, merged in Commune.objects.filter(code__in=codes).values_list(
        "code", "statut", "fusionnee_dans_id"
    ):
        found[code] = merged if statut == Commune.Statut.FUSIONNEE and merged else code
    return found
