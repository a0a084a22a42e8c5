"""National-scale RPPS import: Arrow tables in memory, raw ``executemany`` to the database.

The national ``Personne_activite`` file has ~1.1 M lines. Building one Django model instance
per line (``sync``) would take minutes, so the file is read into two Arrow tables —
professionals and distinct activities as selections of the prepared lines, built batch by
batch (:mod:`.rpps_tables`) — diffed against the database by chunks, and only what changed
is written with ``executemany``, by chunks (:mod:`.rpps_write`): no step copies the whole
file, or holds its rows as Python objects. It keeps the
semantics of :func:`maillage.web.imports.sync`: atomic, created / updated / unchanged counts,
``--dry-run`` rolls back.

Activities have no stable identifier in the file, so each professional carries a fingerprint
of their activity set (sum of 64-bit hashes, order independent): a professional whose
fingerprint is unchanged keeps their activity rows, the others get them rewritten.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from maillage.engine.sources import rpps
from maillage.web.imports import ImportReport, Progress, atomic_import
from maillage.web.limits import archive_limits
from maillage.web.territories.models import Commune

from . import rpps_write
from .models import SupplyImport
from .rpps_tables import fingerprints, read_tables

# --------------------------------------------------------------------------- communes


class CommuneResolver:
    """Maps the file's commune code (or postcode) to a commune row of the referential.

    * A code present in the referential is kept as is — Paris, Lyon and Marseille
      arrondissements (751xx, 6938x, 132xx) are rows of the referential linked to their
      commune by ``commune_parente``, so professionals stay in their arrondissement and the
      commune offer adds the arrondissements up.
    * A merged (old) commune code goes to the commune that absorbed it.
    * An arrondissement code whose arrondissement row is absent goes to its parent commune.
    * An empty commune code falls back on the postcode only when the postcode designates a
      single current commune (or arrondissement) of the referential; otherwise the activity
      stays without commune and is counted.
    """

    def __init__(self) -> None:
        rows = Commune.objects.values_list(
            "code", "nature", "statut", "fusionnee_dans_id", "codes_postaux"
        )
        self.current: set[str] = set()
        self.merged: dict[str, str] = {}
        parents = set(
            Commune.objects.filter(nature=Commune.Nature.ARRONDISSEMENT)
            .exclude(commune_parente=None)
            .values_list("commune_parente_id", flat=True)
        )
        by_postcode: dict[str, set[str]] = {}
        for code, _nature, statut, merged_into, postcodes in rows:
            if statut == Commune.Statut.ACTUELLE:
                self.current.add(code)
                if code in parents:
                    continue  # its arrondissements carry the postcodes
                for postcode in postcodes or ():
                    by_postcode.setdefault(str(postcode), set()).add(code)
            elif merged_into:
                self.merged[code] = merged_into
        self.postcodes = {cp: next(iter(c)) for cp, c in by_postcode.items() if len(c) == 1}
        self.ambiguous = {cp for cp, c in by_postcode.items() if len(c) > 1}

    def code(self, code_commune: str, code_postal: str) -> tuple[str, int]:
        """Commune code read (or deduced from the postcode) and its origin (0, 1, 2)."""
        if code_commune:
            return code_commune, 1
        found = self.postcodes.get(code_postal, "") if code_postal else ""
        return found, 2 if found else 0

    def row(self, code: str) -> str:
        """Code of the referential row for ``code`` ("" when none)."""
        if not code:
            return ""
        if code in self.current:
            return code
        if code in self.merged and self.merged[code] in self.current:
            return self.merged[code]
        parent = rpps.plm_parent(code)
        if parent != code and parent in self.current:
            return parent
        return ""


def extraction_date(path: Path) -> date | None:
    """Date of the extraction from the ANS file name (``…_202611240845.txt`` or ``.zip``)."""
    match = re.search(r"_(20\d{2})(\d{2})(\d{2})\d*\.(?:txt|zip)$", path.name, re.IGNORECASE)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def import_rpps(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import the ``PS_LibreAcces`` file: professionals and activities, diffed in bulk."""
    path = Path(path)
    tables = read_tables(path, CommuneResolver(), progress, archive_limits())  # no write yet
    prints = fingerprints(tables)
    counts = tables.counts

    report = ImportReport(f"Import RPPS ({path.name})", dry_run)
    with atomic_import(report):
        supply_import = SupplyImport.objects.create(
            kind=SupplyImport.Kind.RPPS, fichier=str(path), date_donnees=extraction_date(path)
        )
        rpps_write.write(supply_import, tables, prints, report)
        if counts["sans_commune"]:
            report.warn(
                f"{counts['sans_commune']} lignes sans commune (code commune vide et code "
                f"postal inconnu ou ambigu, dont {counts['code_postal_ambigu']} ambigus)"
            )
        if counts["hors_referentiel"]:
            report.warn(
                f"{counts['hors_referentiel']} lignes dont la commune est absente du "
                "référentiel (code gardé dans « code commune lu »)"
            )
        supply_import.comptes = {**counts, **report.counts}
        supply_import.save(update_fields=["comptes"])
    return report
