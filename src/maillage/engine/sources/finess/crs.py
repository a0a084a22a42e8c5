"""Coordinate systems of FINESS geolocations, named at the end of ``sourcecoordet``.

Lambert-93 is never assumed: the Antilles, Guyane, La Réunion, Mayotte, Saint-Pierre-et-
Miquelon and Wallis each have their own system, and a row whose system is absent or unknown
gets no coordinates rather than wrong ones.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

#: Named CRS tokens of ``sourcecoordet`` that carry no ``EPSG:`` prefix.
_UTM = re.compile(r"WGS\s*84\s*/\s*UTM\s+zone\s+(\d{1,2})\s*([NS])", re.IGNORECASE)
_EPSG = re.compile(r"EPSG\s*:\s*(\d{4,5})", re.IGNORECASE)
_NAMED_CRS = {"LAMBERT_93": "EPSG:2154", "LAMBERT93": "EPSG:2154"}


def crs_of_source(sourcecoordet: str) -> str | None:
    """CRS named at the end of ``sourcecoordet``, as ``"EPSG:n"``; ``None`` when absent/unknown.

    ``EPSG:2154 RGF93 / Lambert-93 (Métropole)`` → ``EPSG:2154``; ``WGS84/UTM zone 21N``
    → ``EPSG:32621``; ``WGS84/UTM zone 1S`` → ``EPSG:32701``; the pre-2021 token
    ``LAMBERT_93`` → ``EPSG:2154``. Anything else gives ``None``: Lambert-93 is never assumed.
    """
    if not sourcecoordet.strip():
        return None
    last = sourcecoordet.rsplit(",", 1)[-1].strip()
    match = _EPSG.search(last)
    if match:
        code = f"EPSG:{int(match.group(1))}"
        return code if _known_crs(code) else None
    match = _UTM.search(last)
    if match:
        zone = int(match.group(1))
        if 1 <= zone <= 60:
            return f"EPSG:{(32600 if match.group(2).upper() == 'N' else 32700) + zone}"
        return None
    return _NAMED_CRS.get(last.upper().replace(" ", "_"))


@lru_cache(maxsize=64)
def _known_crs(code: str) -> bool:
    try:
        CRS.from_user_input(code)
    except CRSError:
        return False
    return True


@lru_cache(maxsize=32)
def transformer_for(crs: str) -> Transformer:
    """One cached transformer from ``crs`` to WGS84 longitude / latitude."""
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def to_wgs84(crs: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised conversion of projected coordinates to WGS84 (lon, lat) in degrees."""
    lon, lat = transformer_for(crs).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def is_commune_centre(sourcecoordet: str) -> bool:
    """True when FINESS geocoded at the commune centre (precision 4, ADMIN-EXPRESS geocoder)."""
    tokens = [token.strip() for token in sourcecoordet.split(",")]
    return (
        len(tokens) >= 4
        and tokens[0] == "4"
        and any(token.upper().startswith("ADMIN-EXPRESS") for token in tokens[3:])
    )
