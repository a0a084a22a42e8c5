"""Parser of GeoJSON commune files: IGN-derived FeatureCollections and geo.api.gouv.fr replies.

Features carry ``code`` and ``nom`` properties. A Polygon / MultiPolygon gives the outline
(simplified for display, surface computed on the full shape); a Point gives the centre
(geo.api.gouv.fr answers with the centre when ``geometry=contour`` is forgotten).

A FeatureCollection is read one feature at a time (:mod:`.jsonstream`): memory follows the
largest feature, not the file. Errors name the file, the line and column where the feature
starts, and the field (``features[3].properties.code``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.errors import GEOSException

from ..geometry import Outline, outline_from_geojson
from .errors import SourceError
from .jsonstream import JsonStream, Located
from .text import is_insee_code

EXPECTED = "du GeoJSON"


@dataclass(frozen=True, slots=True)
class CommuneShape:
    feature: int  # 1-based position of the feature in the file
    code: str
    nom: str | None
    outline: Outline | None
    centre: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature as read from the file, not yet checked: its position and its JSON text."""

    number: int  # 1-based position in the file
    line: int
    column: int
    value: Any


def iter_features(path: str | Path) -> Iterator[Feature]:
    """Features of a FeatureCollection (streamed) or the single Feature of the file.

    Raises
    ------
    SourceError
        Missing file, not UTF-8, invalid JSON (line and character), nesting too deep, not a
        FeatureCollection nor a Feature, no ``features`` list.
    """
    path = Path(path)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError as error:
        raise SourceError(path, "fichier introuvable") from error
    with handle:
        stream = JsonStream(path, handle, expected=EXPECTED)
        if stream.peek() != "{":
            document = stream.value()
            raise _not_geojson(path, type(document.value).__name__)
        line, column = stream.where()
        members: dict[str, Any] = {}
        count = 0
        for key, _key_line, _key_column in stream.members():
            if key == "features" and stream.peek() == "[":
                for count, element in enumerate(stream.elements(), start=1):
                    yield Feature(count, element.line, element.column, element.value)
                members[key] = []
            else:
                members[key] = stream.value().value
        stream.end()
    kind = members.get("type")
    if kind == "Feature":
        yield Feature(1, line, column, members)
    elif kind != "FeatureCollection":
        raise _not_geojson(path, str(kind))
    elif not isinstance(members.get("features"), list):
        raise SourceError(
            path,
            "liste « features » absente",
            column="features",
            expected="une liste d'entités GeoJSON",
        )


def _not_geojson(path: Path, found: str) -> SourceError:
    return SourceError(
        path,
        "ce n'est pas du GeoJSON",
        column="type",
        expected="FeatureCollection ou Feature",
        found=found,
    )


def commune_shape(path: str | Path, feature: Feature) -> CommuneShape:
    """Check one feature and compute its outline (or read its centre).

    Raises
    ------
    SourceError
        No properties, a malformed commune code, an unsupported or invalid geometry.
    """
    where = f"features[{feature.number - 1}]"
    value = feature.value
    if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
        raise _feature_error(
            path, feature, "entité sans propriétés", f"{where}.properties", "un objet {code, nom}"
        )
    properties = value["properties"]
    code = properties.get("code")
    if not isinstance(code, str) or not is_insee_code(code):
        raise _feature_error(
            path,
            feature,
            "code commune absent ou mal formé",
            f"{where}.properties.code",
            "5 caractères",
            repr(code),
        )
    geometry = value.get("geometry")
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
            raise _feature_error(
                path,
                feature,
                "géométrie non prise en charge",
                f"{where}.geometry.type",
                "Polygon, MultiPolygon ou Point",
                repr(kind),
            )
    except (GEOSException, ValueError, TypeError, KeyError, IndexError, RecursionError) as error:
        raise _feature_error(
            path,
            feature,
            f"géométrie invalide ({error})",
            f"{where}.geometry",
            "des coordonnées [longitude, latitude] WGS84",
        ) from error
    nom = properties.get("nom")
    nom = nom if isinstance(nom, str) else None
    return CommuneShape(feature.number, code, nom, outline, centre)


def _feature_error(
    path, feature: Feature, message: str, column: str, expected: str, found: str | None = None
) -> SourceError:
    return SourceError(
        path,
        f"{message} (entité commençant colonne {feature.column})",
        line=feature.line,
        column=column,
        expected=expected,
        found=found,
    )


def read_commune_shapes(path: str | Path) -> Iterator[CommuneShape]:
    """Commune shapes of one file, in file order (see :func:`commune_shape`)."""
    for feature in iter_features(path):
        yield commune_shape(path, feature)


__all__ = [
    "CommuneShape",
    "Feature",
    "Located",
    "commune_shape",
    "iter_features",
    "read_commune_shapes",
]
