"""`maillage opendata fetch`: download the official files of a département, check, import.

The addresses live in ``settings.OPENDATA_SOURCES`` (overridable by environment variables,
see docs/opendata.md):

- the ``@etalab/decoupage-administratif`` JSON files (régions, départements, EPCI, communes
  with their legal population);
- geo.api.gouv.fr replies for the communes of the département: outlines
  (``geometry=contour``) and centres (``geometry=centre``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings

from maillage.engine.sources.download import download
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import ImportReport

from . import importers


@dataclass(frozen=True)
class PlannedFile:
    url: str
    target: Path


def plan(departement: str, directory: Path) -> list[PlannedFile]:
    sources = settings.OPENDATA_SOURCES
    base = sources["decoupage_administratif"]
    geo = sources["geo_api"]
    files = [
        PlannedFile(urljoin(base, name), directory / "decoupage" / name)
        for name in ("regions.json", "departements.json", "epci.json", "communes.json")
    ]
    for geometry in ("contour", "centre"):
        url = urljoin(
            geo,
            f"departements/{departement}/communes"
            f"?format=geojson&geometry={geometry}&fields=code,nom",
        )
        files.append(PlannedFile(url, directory / f"communes-{departement}-{geometry}.geojson"))
    return files


def check_geojson_departement(path: Path, departement: str) -> int:
    """The reply must be a FeatureCollection of communes of that département."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(path, "réponse illisible", expected="du GeoJSON") from error
    features = data.get("features") if isinstance(data, dict) else None
    if not features:
        raise SourceError(
            path,
            "aucune commune dans la réponse",
            expected=f"les communes du département {departement}",
        )
    strangers = [
        f.get("properties", {}).get("code")
        for f in features
        if not str(f.get("properties", {}).get("code", "")).startswith(departement)
    ]
    if strangers:
        raise SourceError(
            path,
            "la réponse contient des communes d'un autre département",
            expected=f"des codes commençant par {departement}",
            found=", ".join(map(str, strangers[:5])),
        )
    return len(features)


def fetch(
    departement: str, directory: Path, *, progress=None, dry_run: bool = False
) -> list[ImportReport]:
    directory = Path(directory)
    planned = plan(departement, directory)
    for item in planned:
        download(item.url, item.target, progress=progress)
    for item in planned[4:]:
        check_geojson_departement(item.target, departement)
    reports = [
        importers.import_etalab(directory / "decoupage", departement=departement, dry_run=dry_run)
    ]
    reports.append(importers.import_geojson([item.target for item in planned[4:]], dry_run=dry_run))
    return reports
