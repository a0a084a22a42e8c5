"""Parser of GeoJSON commune files: IGN-derived FeatureCollections and geo.api.gouv.fr replies.

Features carry ``code`` and ``nom`` properties. A Polygon / MultiPolygon gives the outline
(simplified for display, surface computed on the full shape); a Point gives the centre
(geo.api.gouv.fr answers with the centre when ``geometry=contour`` is forgotten).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shapely.errors import GEOSException

from ..geometry import Outline, outline_from_geojson
from .errors import SourceError
from .text import is_insee_code, load_json


@dataclass(frozen=True, slots=True)
class CommuneShape:
    feature: int  # 1-based position of the feature in the file
    code: str
    nom: str | None
    outline: Outline | None
    centre: tuple[float, float] | None


def read_commune_shapes(path: Path) -> Iterator[CommuneShape]:
    path = Path(path)
    data = load_json(path, expected="du GeoJSON")
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise SourceError(
                path,
                "liste « features » absente",
                column="features",
                expected="une liste d'entités GeoJSON",
            )
    else:
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise SourceError(
            path,
            "ce n'est pas du GeoJSON",
            column="type",
            expected="FeatureCollection ou Feature",
            found=str(found),
        )
    for number, feature in enumerate(features, start=1):
        where = f"features[{number - 1}]"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise SourceError(
                path,
                "entité sans propriétés",
                column=f"{where}.properties",
                expected="un objet {code, nom}",
            )
        properties = feature["properties"]
        code = properties.get("code")
        if not isinstance(code, str) or not is_insee_code(code):
            raise SourceError(
                path,
                "code commune absent ou mal formé",
                column=f"{where}.properties.code",
                expected="5 caractères",
                found=repr(code),
            )
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        outline = centre = None
        try:
            if kind in ("Polygon", "MultiPolygon"):
                outline = outline_from_geojson(geometry)
            elif kind == "Point":
                lon, lat = geometry["coordinates"][:2]
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError("coordonnées hors limites")
                centre = (float(lon), float(lat))
            else:
                raise SourceError(
                    path,
                    "géométrie non prise en charge",
                    column=f"{where}.geometry.type",
                    expected="Polygon, MultiPolygon ou Point",
                    found=repr(kind),
                )
        except (GEOSException, ValueError, TypeError, KeyError, IndexError) as error:
            raise SourceError(
                path,
                f"géométrie invalide ({error})",
                column=f"{where}.geometry",
                expected="des coordonnées [longitude, latitude] WGS84",
            ) from error
        nom = properties.get("nom")
        yield CommuneShape(number, code, nom if isinstance(nom, str) else None, outline, centre)
