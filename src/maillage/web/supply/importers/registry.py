"""The registry of health indicators (indicateurs.yaml): read, checked, synchronised."""

from __future__ import annotations

from pathlib import Path

import yaml

from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    atomic_import,
    sync,
)

from ..models import (
    IndicatorDefinition,
)
from .common import REGISTRY

# --------------------------------------------------------------------------- indicators


REGISTRY_KEYS = {
    "code",
    "libelle",
    "unite",
    "facteur",
    "numerateur",
    "denominateur",
    "source",
    "millesime",
    "agregation",
    "secret",
    "numerateur_public",
    "denominateur_public",
}
#: Keys of the former registry, with what replaces them (the error says it).
REPLACED_KEYS = {
    "ponderation": "agregation: moyenne_ponderee",
    "secret_seuil": "secret: patients | professionnels (seuils datés)",
}


def load_registry(path: Path = REGISTRY) -> dict[str, dict]:
    """Indicator definitions of ``indicateurs.yaml``, checked strictly."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(path, f"fichier YAML illisible : {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("indicateurs"), list):
        raise SourceError(path, "le registre doit contenir une liste « indicateurs »")
    definitions: dict[str, dict] = {}
    families = set(IndicatorDefinition.Secret.values)
    aggregations = set(IndicatorDefinition.Aggregation.values)
    for position, entry in enumerate(document["indicateurs"], start=1):
        where = f"indicateurs[{position}]"
        if not isinstance(entry, dict):
            raise SourceError(path, "entrée invalide", column=where, expected=str(REGISTRY_KEYS))
        for key in set(entry) - REGISTRY_KEYS:
            replaced = REPLACED_KEYS.get(key)
            raise SourceError(
                path,
                f"clé inconnue « {key} »"
                + (f" (remplacée par « {replaced} »)" if replaced else ""),
                column=where,
                expected=", ".join(sorted(REGISTRY_KEYS)),
            )
        for key in ("code", "libelle", "unite", "numerateur", "source"):
            if not str(entry.get(key) or "").strip():
                raise SourceError(path, f"clé « {key} » manquante ou vide", column=where)
        code = str(entry["code"])
        if code in definitions:
            raise SourceError(path, f"indicateur en double « {code} »", column=where)
        denominator = str(entry.get("denominateur") or "")
        aggregation = _choice(
            path, where, entry, "agregation", aggregations, "ratio" if denominator else "somme"
        )
        if aggregation != "somme" and not denominator:
            raise SourceError(path, f"agrégation « {aggregation} » sans dénominateur", column=where)
        family = _choice(
            path, where, entry, "secret", families, IndicatorDefinition.Secret.PATIENTS
        )
        definitions[code] = {
            "libelle": str(entry["libelle"]),
            "unite": str(entry["unite"]),
            "facteur": float(entry.get("facteur", 1.0)),
            "numerateur": str(entry["numerateur"]),
            "denominateur": denominator,
            "source": str(entry["source"]),
            "millesime": str(entry.get("millesime") or ""),
            "agregation": aggregation,
            "secret": family,
            "numerateur_public": str(entry.get("numerateur_public") or ""),
            "denominateur_public": str(entry.get("denominateur_public") or ""),
        }
    return definitions


def _choice(path, where: str, entry: dict, key: str, allowed: set[str], default: str) -> str:
    value = entry.get(key, default)
    if value not in allowed:
        raise SourceError(
            path,
            f"valeur inconnue pour « {key} »",
            column=where,
            expected=", ".join(sorted(allowed)),
            found=str(value),
        )
    return str(value)


def sync_registry(report: ImportReport | None = None, path: Path = REGISTRY) -> ImportReport:
    """Write the registry into IndicatorDefinition (never deletes a definition)."""
    report = report or ImportReport(f"Registre des indicateurs ({Path(path).name})")
    definitions = load_registry(path)
    with atomic_import(report):
        sync(IndicatorDefinition, definitions, report, label="définitions d'indicateurs")
    return report
