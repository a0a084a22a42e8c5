"""Compact, read-only arrays of the national referential (communes, protected counts of
professionals, establishments, structures, protected indicator values), built once per data
version and shared by every diagnosis: a diagnosis is then a few numpy sums, whatever its size.

Counts of professionals and patients are held only as protected commune cells
(:mod:`.secrecy`, :mod:`.cells`): the snapshot — and any cache or file made from it — never
holds a true small count."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cells import SupplyCells
from .secrecy import ProtectedCells

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
    """One indicator of the registry at its latest vintage: protected cells per commune."""

    code: str
    libelle: str
    unite: str
    facteur: float
    numerateur: str
    denominateur: str
    source: str
    millesime: str
    agregation: str  # one of aggregate.AGGREGATIONS
    secret: str  # family of the counts (threshold): professionnels / patients
    numerateur_public: str  # source that publishes the numerator ("" = protected)
    denominateur_public: str
    annee: int | None
    commune: np.ndarray  # int32 indices into the communes
    num: ProtectedCells
    den: ProtectedCells
    has_den: np.ndarray  # bool: denominator known


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
    # Professionals: protected counts per commune and category
    categories: list[str]
    category_labels: dict[str, str]
    supply: SupplyCells
    professionals: int  # active professionals with a known main commune (public total scale)
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
    seuils: dict[str, int] = field(default_factory=dict)  # thresholds the cells were made with
    policy: str = ""  # fingerprint of the secrecy policy the cells were made with
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
