"""Parser of INSEE's COG communes file (``v_commune_YYYY.csv``, comma-separated, UTF-8).

Header: ``TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT``. TYPECOM is
``COM`` (commune), ``COMA`` (associée), ``COMD`` (déléguée) or ``ARM`` (arrondissement
municipal); the last three carry their parent in ``COMPARENT``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .tabular import read_delimited
from .text import is_insee_code
from .textinput import UTF8_OR_CP1252

TYPES = ("COM", "COMA", "COMD", "ARM")


@dataclass(frozen=True, slots=True)
class CogCommune:
    line: int
    type: str
    code: str
    nom: str
    departement: str | None
    region: str | None
    parent: str | None


def read_cog_communes(path: Path) -> Iterator[CogCommune]:
    rows = read_delimited(
        path,
        required={"TYPECOM": ("TYPECOM",), "COM": ("COM",), "LIBELLE": ("LIBELLE",)},
        optional={"REG": ("REG",), "DEP": ("DEP",), "COMPARENT": ("COMPARENT",)},
        delimiters=(",", ";"),
        text_format=UTF8_OR_CP1252,
        description="du fichier des communes du COG",
    )
    for row in rows:
        kind = row.text("TYPECOM")
        if kind not in TYPES:
            raise SourceError(
                path,
                "type de commune inconnu",
                line=row.line,
                column="TYPECOM",
                expected=", ".join(TYPES),
                found=kind,
            )
        code = row.text("COM")
        if not is_insee_code(code):
            raise SourceError(
                path,
                "code commune mal formé",
                line=row.line,
                column="COM",
                expected="5 caractères",
                found=code,
            )
        parent = row.text("COMPARENT", required=kind != "COM")
        yield CogCommune(
            line=row.line,
            type=kind,
            code=code,
            nom=row.text("LIBELLE"),
            departement=row.text("DEP", required=False),
            region=row.text("REG", required=False),
            parent=parent if kind != "COM" else None,
        )
