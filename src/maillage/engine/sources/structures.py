"""Parser of the project-owned CPTS perimeter file ``cpts.csv``.

No open national list of CPTS perimeters exists (data-sources.md 1.6), so users fill a CSV
from their ARS: one line per member commune, ``cpts_id;nom;code_insee``. A commune claimed
by two CPTS is not an error of the file: it is returned as a conflict and the caller decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import SourceError
from .text import required_header
from .textinput import SPREADSHEET, csv_records, open_lines

COLUMNS = ("cpts_id", "nom", "code_insee")
COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


@dataclass(slots=True)
class Cpts:
    """One CPTS and its member communes (in file order, without repeats)."""

    cpts_id: str
    nom: str
    communes: list[str] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True, slots=True)
class CptsConflict:
    """A commune listed by several CPTS, with the line of each claim."""

    code_insee: str
    cpts_ids: tuple[str, ...]
    lines: tuple[int, ...]


@dataclass
class CptsFile:
    """Result of :func:`read_cpts`."""

    cpts: dict[str, Cpts]
    conflicts: list[CptsConflict]
    errors: list[SourceError]


def read_cpts(path: str | Path, *, on_error: Literal["raise", "collect"] = "raise") -> CptsFile:
    """Read a CPTS perimeter file.

    Parameters
    ----------
    path : str or Path
        CSV with a header holding ``cpts_id``, ``nom`` and ``code_insee`` (any order, case
        and accents ignored), separated by ``;`` (or ``,`` / tabulation), UTF-8,
        Windows-1252 or UTF-16 with a byte-order mark (see :mod:`.textinput`).
    on_error : {"raise", "collect"}
        Stop at the first bad line (default) or collect every bad line in
        ``CptsFile.errors`` and keep the good ones.

    Returns
    -------
    CptsFile
        The CPTS by identifier, the communes claimed by several CPTS, the bad lines.

    Raises
    ------
    SourceError
        Missing column; with ``on_error="raise"``: empty identifier or name, malformed INSEE
        code, wrong number of fields, or one identifier given two names.
    """
    path = Path(path)
    cpts: dict[str, Cpts] = {}
    claims: dict[str, list[tuple[str, int]]] = {}
    errors: list[SourceError] = []

    def bad(error: SourceError) -> None:
        if on_error == "raise":
            raise error
        errors.append(error)

    with open_lines(path, SPREADSHEET) as lines:
        separator, names = required_header(lines, COLUMNS, ";,\t")
        positions = [names.index(column) for column in COLUMNS]
        records = 0
        for number, raw_fields in csv_records(lines, separator):
            records += 1
            fields = [value.strip() for value in raw_fields]
            if len(fields) != len(names):
                bad(
                    SourceError(
                        path,
                        "nombre de champs incorrect",
                        line=number,
                        expected=f"{len(names)} champs",
                        found=separator.join(fields),
                    )
                )
                continue
            cpts_id, nom, code = (fields[p] for p in positions)
            code = code.upper()
            if not cpts_id or not nom:
                column = "cpts_id" if not cpts_id else "nom"
                bad(SourceError(path, "valeur obligatoire vide", line=number, column=column))
                continue
            if not COMMUNE_CODE.match(code):
                bad(
                    SourceError(
                        path,
                        "code INSEE de commune invalide",
                        line=number,
                        column="code_insee",
                        expected="5 caractères (ex. 01053, 2A004)",
                        found=code,
                    )
                )
                continue
            known = cpts.get(cpts_id)
            if known is None:
                known = cpts[cpts_id] = Cpts(cpts_id, nom, line=number)
            elif known.nom != nom:
                bad(
                    SourceError(
                        path,
                        f"la CPTS « {cpts_id} » porte un autre nom ligne {known.line}",
                        line=number,
                        column="nom",
                        expected=known.nom,
                        found=nom,
                    )
                )
                continue
            if code in known.communes:
                continue  # the same membership twice says nothing new
            known.communes.append(code)
            claims.setdefault(code, []).append((cpts_id, number))
        if not records:
            raise lines.no_data("une ligne par commune : cpts_id;nom;code_insee")
    conflicts = [
        CptsConflict(code, tuple(c for c, _ in owners), tuple(n for _, n in owners))
        for code, owners in claims.items()
        if len(owners) > 1
    ]
    return CptsFile(cpts, conflicts, errors)
