"""Product categories of health professionals, from the editable ``professions.yaml`` table.

A category groups RPPS activity lines by profession code (TRE_G15) and, for doctors, by
savoir-faire code (TRE_R38). The table is data so that an administrator can add a specialty
without touching the code; :func:`load_profession_table` checks it strictly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import SourceError

DEFAULT_TABLE = Path(__file__).with_name("professions.yaml")

#: Category given to lines whose profession is not in the table.
OTHER = "autre"
OTHER_LABEL = "Autre profession"

#: How precisely a line matched its category; a professional takes the category of their
#: most specific line.
SPECIFICITY_UNKNOWN = 0
SPECIFICITY_PROFESSION = 1
SPECIFICITY_NO_SAVOIR_FAIRE = 2
SPECIFICITY_SAVOIR_FAIRE = 3

_KEYS = {"code", "libelle", "profession", "savoir_faire", "sans_savoir_faire", "statut", "source"}
_STATUSES = {"V", "V-3p", "U"}


@dataclass(frozen=True, slots=True)
class Category:
    """One product category of health professionals."""

    code: str
    libelle: str
    profession: str
    savoir_faire: tuple[str, ...] = ()
    sans_savoir_faire: bool = False
    statut: str = "U"
    source: str = ""


@dataclass(frozen=True)
class ProfessionTable:
    """Lookup from ``(code profession, code savoir-faire)`` to a category.

    Build it with :func:`load_profession_table`.
    """

    categories: tuple[Category, ...]
    _by_savoir_faire: Mapping[tuple[str, str], str] = field(repr=False)
    _no_savoir_faire: Mapping[str, str] = field(repr=False)
    _by_profession: Mapping[str, str] = field(repr=False)

    @property
    def labels(self) -> dict[str, str]:
        """French label of every category code, ``autre`` included."""
        labels = {category.code: category.libelle for category in self.categories}
        labels[OTHER] = OTHER_LABEL
        return labels

    def classify(self, code_profession: str, code_savoir_faire: str = "") -> tuple[str, int]:
        """Category code and match specificity of one activity line.

        Parameters
        ----------
        code_profession : str
            TRE_G15 profession code as written in the file (``"10"``).
        code_savoir_faire : str
            TRE_R38 savoir-faire code (``"SM26"``) or ``""``.

        Returns
        -------
        tuple of (str, int)
            The category code (``"autre"`` when the profession is not in the table) and one
            of the ``SPECIFICITY_*`` constants.
        """
        code_profession = code_profession.strip()
        code_savoir_faire = code_savoir_faire.strip()
        if code_savoir_faire:
            found = self._by_savoir_faire.get((code_profession, code_savoir_faire))
            if found is not None:
                return found, SPECIFICITY_SAVOIR_FAIRE
        else:
            found = self._no_savoir_faire.get(code_profession)
            if found is not None:
                return found, SPECIFICITY_NO_SAVOIR_FAIRE
        found = self._by_profession.get(code_profession)
        if found is not None:
            return found, SPECIFICITY_PROFESSION
        return OTHER, SPECIFICITY_UNKNOWN

    def category(self, code_profession: str, code_savoir_faire: str = "") -> str:
        """Category code of one activity line (see :meth:`classify`)."""
        return self.classify(code_profession, code_savoir_faire)[0]


def load_profession_table(path: str | Path | None = None) -> ProfessionTable:
    """Read and check the profession table.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file with the layout of the bundled ``professions.yaml`` (default).

    Raises
    ------
    SourceError
        Unknown key, missing key, duplicate category code, or a ``(profession, savoir-faire)``
        pair claimed by two categories; the message names the file and the entry.
    """
    path = Path(path) if path is not None else DEFAULT_TABLE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(path, f"fichier YAML illisible : {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("categories"), list):
        raise SourceError(path, "la table doit contenir une liste « categories »")
    categories: list[Category] = []
    by_savoir_faire: dict[tuple[str, str], str] = {}
    no_savoir_faire: dict[str, str] = {}
    by_profession: dict[str, str] = {}
    seen: set[str] = set()
    for position, entry in enumerate(document["categories"], start=1):
        where = f"categories[{position}]"
        if not isinstance(entry, dict):
            raise SourceError(path, "entrée invalide", column=where, expected="un dictionnaire")
        unknown = set(entry) - _KEYS
        if unknown:
            raise SourceError(
                path,
                f"clé inconnue « {sorted(unknown)[0]} »",
                column=where,
                expected=", ".join(sorted(_KEYS)),
            )
        for key in ("code", "libelle", "profession"):
            if not str(entry.get(key) or "").strip():
                raise SourceError(path, f"clé « {key} » manquante ou vide", column=where)
        code = str(entry["code"]).strip()
        profession = str(entry["profession"]).strip()
        if code in seen or code == OTHER:
            raise SourceError(path, f"code de catégorie en double « {code} »", column=where)
        seen.add(code)
        status = str(entry.get("statut", "U"))
        if status not in _STATUSES:
            raise SourceError(
                path, "statut inconnu", column=where, expected="V, V-3p ou U", found=status
            )
        codes = entry.get("savoir_faire")
        if codes is not None and (
            not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes)
        ):
            raise SourceError(
                path, "« savoir_faire » invalide", column=where, expected="une liste de codes"
            )
        category = Category(
            code=code,
            libelle=str(entry["libelle"]).strip(),
            profession=profession,
            savoir_faire=tuple(c.strip() for c in codes or ()),
            sans_savoir_faire=bool(entry.get("sans_savoir_faire", False)),
            statut=status,
            source=str(entry.get("source", "")),
        )
        categories.append(category)
        for savoir_faire in category.savoir_faire:
            _claim(path, where, by_savoir_faire, (profession, savoir_faire), code)
        if category.sans_savoir_faire:
            _claim(path, where, no_savoir_faire, profession, code)
        if codes is None:
            _claim(path, where, by_profession, profession, code)
    return ProfessionTable(tuple(categories), by_savoir_faire, no_savoir_faire, by_profession)


def _claim(path: Path, where: str, mapping: dict, key: object, code: str) -> None:
    if key in mapping:
        raise SourceError(
            path,
            f"« {key} » est déjà attribué à la catégorie « {mapping[key]} »",
            column=where,
            found=code,
        )
    mapping[key] = code
