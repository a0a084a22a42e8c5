"""Parser of study zonings (zonages d'étude): a CSV ``code_insee;code_zone;libelle_zone``.

One line per commune: the zone it belongs to in the zoning (territoire de vie-santé, bassin
de vie, canton-ville or any grouping chosen by the user). ``;`` or ``,`` separated; headers
are matched case- and accent-insensitively (``CODGEO``, ``TVS``, ``LIBTVS``, ``BV2022``,
``LIBBV2022`` are accepted too, as in the INSEE / ATIH tables). The whole file is checked
before anything is returned: a commune listed twice is an error naming both lines, and a zone
code given two different names is an error as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .tabular import read_delimited
from .text import is_insee_code
from .textinput import SPREADSHEET

COLUMNS = {
    "code_insee": (
        "code_insee",
        "code insee",
        "codgeo",
        "code_commune",
        "com",
        "insee_com",
        "code",
    ),
    "code_zone": (
        "code_zone",
        "code zone",
        "zone",
        "tvs",
        "bv2022",
        "code_tvs",
        "code_bv",
        "canton_ville",
    ),
    "libelle_zone": (
        "libelle_zone",
        "libelle zone",
        "libelle",
        "nom_zone",
        "libtvs",
        "lib_tvs",
        "libbv2022",
        "lib_bv2022",
        "libelle_tvs",
    ),
}
MAX_ZONE_CODE = 20
MAX_ZONE_NAME = 200


@dataclass(frozen=True, slots=True)
class ZoneMembership:
    line: int
    commune: str
    zone: str
    libelle: str


def read_zoning(path: Path) -> list[ZoneMembership]:
    """Every membership of the file, in file order. Raises :class:`SourceError`."""
    path = Path(path)
    rows = read_delimited(
        path,
        required=COLUMNS,
        delimiters=(";", ","),
        text_format=SPREADSHEET,
        description="(code_insee, code_zone, libelle_zone)",
    )
    seen: dict[str, int] = {}
    names: dict[str, tuple[str, int]] = {}
    out: list[ZoneMembership] = []
    for row in rows:
        code = row.text("code_insee")
        if not is_insee_code(code):
            raise SourceError(
                path,
                "code INSEE mal formé",
                line=row.line,
                column="code_insee",
                expected="5 caractères (chiffres, ou 2A/2B et 3 chiffres)",
                found=code,
            )
        zone = row.text("code_zone")
        if len(zone) > MAX_ZONE_CODE:
            raise SourceError(
                path,
                "code de zone trop long",
                line=row.line,
                column="code_zone",
                expected=f"{MAX_ZONE_CODE} caractères au plus",
                found=zone,
            )
        libelle = row.text("libelle_zone")[:MAX_ZONE_NAME]
        if code in seen:
            raise SourceError(
                path,
                f"commune déjà rattachée à une zone ligne {seen[code]} "
                "(une commune appartient à une seule zone d'un zonage)",
                line=row.line,
                column="code_insee",
                expected="une seule ligne par commune",
                found=code,
            )
        known = names.get(zone)
        if known is not None and known[0] != libelle:
            raise SourceError(
                path,
                f"libellé différent de celui de la ligne {known[1]} pour la même zone",
                line=row.line,
                column="libelle_zone",
                expected=known[0],
                found=libelle,
            )
        seen[code] = row.line
        names.setdefault(zone, (libelle, row.line))
        out.append(ZoneMembership(row.line, code, zone, libelle))
    if not out:
        raise SourceError(
            path, "aucune commune dans le fichier", line=2, expected="au moins une ligne"
        )
    return out
