"""Parser of commune centre points: a CSV with ``code_insee,latitude,longitude``.

Extra columns are ignored; ``code`` is accepted for ``code_insee``, ``lat`` / ``lon`` /
``lng`` for the coordinates. Rows with both coordinates empty are reported, not imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .tabular import read_delimited
from .text import is_insee_code
from .textinput import SPREADSHEET


@dataclass(frozen=True, slots=True)
class CommunePoint:
    line: int
    code: str
    lon: float | None
    lat: float | None


def read_points(path: Path) -> Iterator[CommunePoint]:
    rows = read_delimited(
        path,
        required={
            "code": ("code_insee", "code", "codgeo", "insee_com"),
            "lat": ("latitude", "lat"),
            "lon": ("longitude", "lon", "lng"),
        },
        delimiters=(",", ";", "\t"),
        text_format=SPREADSHEET,
        description="(code_insee, latitude, longitude)",
    )
    for row in rows:
        code = row.text("code")
        if not is_insee_code(code):
            raise SourceError(
                path,
                "code INSEE mal formé",
                line=row.line,
                column="code_insee",
                expected="5 caractères",
                found=code,
            )
        lat = row.number("lat", required=False, minimum=-90, maximum=90)
        lon = row.number("lon", required=False, minimum=-180, maximum=180)
        if (lat is None) != (lon is None):
            missing = "latitude" if lat is None else "longitude"
            raise SourceError(
                path,
                "coordonnée incomplète",
                line=row.line,
                column=missing,
                expected="latitude et longitude toutes deux renseignées",
            )
        yield CommunePoint(row.line, code, lon, lat)
