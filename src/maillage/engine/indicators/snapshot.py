"""Compact, read-only arrays of the national referential (communes, professionals,
establishments, structures, indicator values), built once per data version and shared by every
diagnosis: a diagnosis is then a few numpy gathers and bincounts, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

AGE_BANDS = (
    ("0014", "0–14 ans"),
    ("1529", "15–29 ans"),
    ("3044", "30–44 ans"),
    ("4559", "45–59 ans"),
    ("6074", "60–74 ans"),
    ("7589", "75–89 ans"),
    ("90P", "90 ans ou plus"),
)
#: Bands whose sum is the population aged 75 or more.
BANDS_75_PLUS = (5, 6)


@dataclass
class IndicatorSeries:
    """One indicator of the registry at its latest vintage: values per commune."""

    code: str
    libelle: str
    unite: str
    facteur: float
    numerateur: str
    denominateur: str
    source: str
    millesime: str
    secret: str  # aucun / effectif / denominateur
    secret_seuil: int | None
    ponderation: str
    annee: int | None
    commune: np.ndarray  # int32 indices into the communes
    num: np.ndarray  # float64
    den: np.ndarray  # float64, NaN when absent
    record_key: np.ndarray  # uint64 record keys of the (indicator, commune) pairs


@dataclass
class Snapshot:
    version: str
    # Communes (n)
    codes: np.ndarray
    noms: np.ndarray
    population: np.ndarray
    surface: np.ndarray
    ages: np.ndarray  # (n, 7), NaN when unknown
    departement: np.ndarray
    region: np.ndarray
    epci: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    population_annee: int | None
    ages_annee: int | None
    departement_noms: dict[str, str]
    region_noms: dict[str, str]
    # Professionals (p)
    categories: list[str]
    category_labels: dict[str, str]
    prof_category: np.ndarray  # int16 index into categories
    prof_key: np.ndarray  # uint64 record keys
    prof_birth: np.ndarray  # float64 birth year, NaN unknown
    # Activities (a): one row per (professional, commune, mode)
    act_commune: np.ndarray  # int32, -1 when unknown
    act_prof: np.ndarray  # int32
    act_liberal: np.ndarray  # bool
    # Establishments (e)
    classes: list[str]
    class_labels: dict[str, str]
    etab_class: np.ndarray
    etab_lon: np.ndarray
    etab_lat: np.ndarray
    etab_nom: np.ndarray
    etab_commune: np.ndarray  # int32 commune index or -1
    # Structures (s) and their communes (pairs)
    struct_kind: np.ndarray
    struct_id: np.ndarray
    struct_nom: np.ndarray
    struct_pk: np.ndarray
    pair_struct: np.ndarray
    pair_commune: np.ndarray
    indicators: list[IndicatorSeries]
    # Results derived from the arrays (comparison levels…), per process: never persisted.
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, metadata={"persist": False})
    # Legal population history: vintages (sorted) and values (n, len(pop_years)), NaN unknown.
    pop_years: list[int] = field(default_factory=list)
    pop_history: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def __post_init__(self) -> None:
        self.index = {code: i for i, code in enumerate(self.codes.tolist())}

    @property
    def size(self) -> int:
        return int(self.codes.size)

    def indices(self, codes) -> np.ndarray:
        """Indices of known commune codes (unknown codes are dropped), sorted, unique."""
        found = [self.index[c] for c in codes if c in self.index]
        return np.unique(np.asarray(found, dtype=np.int64))

    def mask(self, indices: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[np.asarray(indices, dtype=np.int64)] = True
        return mask


def empty_array(dtype) -> np.ndarray:
    return np.zeros(0, dtype=dtype)
