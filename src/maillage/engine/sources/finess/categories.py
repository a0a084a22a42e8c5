"""Establishment classes of the product (MSP, centre de santé, hôpital…) by FINESS category.

The table ``finess_categories.yaml`` maps each ``categetab`` code to a class; a category not
listed is ``"autre"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import SourceError

DEFAULT_CATEGORY_TABLE = Path(__file__).with_name("finess_categories.yaml")
OTHER_CLASS = "autre"


@dataclass(frozen=True)
class CategoryTable:
    """``categetab`` → product class, from ``finess_categories.yaml``."""

    classes: Mapping[str, str]  # class code -> French label
    by_category: Mapping[str, str]  # categetab -> class code

    def classify(self, categetab: str) -> str:
        """Class of a category code (``"autre"`` when not listed)."""
        return self.by_category.get(categetab.strip(), OTHER_CLASS)

    @property
    def labels(self) -> dict[str, str]:
        """French label of every class, ``autre`` included."""
        return {**self.classes, OTHER_CLASS: "Autre établissement"}


def load_category_table(path: str | Path | None = None) -> CategoryTable:
    """Read and check the establishment class table.

    Raises
    ------
    SourceError
        Unknown or missing key, duplicate class, a category listed in two classes.
    """
    path = Path(path) if path is not None else DEFAULT_CATEGORY_TABLE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(path, f"fichier YAML illisible : {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("classes"), list):
        raise SourceError(path, "la table doit contenir une liste « classes »")
    keys = {"code", "libelle", "categories", "statut", "source"}
    classes: dict[str, str] = {}
    by_category: dict[str, str] = {}
    for position, entry in enumerate(document["classes"], start=1):
        where = f"classes[{position}]"
        if not isinstance(entry, dict) or set(entry) - keys:
            raise SourceError(path, "entrée invalide", column=where, expected=", ".join(keys))
        code = str(entry.get("code") or "").strip()
        label = str(entry.get("libelle") or "").strip()
        categories = entry.get("categories")
        if not code or not label or not isinstance(categories, dict) or not categories:
            raise SourceError(
                path, "« code », « libelle » et « categories » sont obligatoires", column=where
            )
        if code in classes or code == OTHER_CLASS:
            raise SourceError(path, f"classe en double « {code} »", column=where)
        classes[code] = label
        for category in categories:
            category = str(category).strip()
            if category in by_category:
                raise SourceError(
                    path,
                    f"catégorie « {category} » déjà classée dans « {by_category[category]} »",
                    column=where,
                )
            by_category[category] = code
    return CategoryTable(classes, by_category)
