"""Streaming parser of the FINESS establishment files (three published layouts).

* :mod:`.layouts`: the re-exposed file, the raw Etalab extraction (cs1100502 / cs1100507)
  and the older t-finess file, detected from the first line, read as rows of named fields;
* :mod:`.crs`: the coordinate system named in ``sourcecoordet`` (Lambert-93 is never
  assumed) and the conversion to WGS84;
* :mod:`.categories`: establishment classes by FINESS category (``finess_categories.yaml``);
* :mod:`.establishments`: :func:`iter_establishments`, the :class:`Establishment` records.
"""

from .categories import DEFAULT_CATEGORY_TABLE, OTHER_CLASS, CategoryTable, load_category_table
from .crs import crs_of_source, is_commune_centre, to_wgs84, transformer_for
from .establishments import (
    Establishment,
    FinessReport,
    OnProblem,
    code_insee,
    iter_establishments,
    read_establishments,
)
from .layouts import GEOLOC_COLUMNS, STRUCTURE_COLUMNS, Layout, detect_encoding, detect_layout

__all__ = [
    "DEFAULT_CATEGORY_TABLE",
    "GEOLOC_COLUMNS",
    "OTHER_CLASS",
    "STRUCTURE_COLUMNS",
    "CategoryTable",
    "Establishment",
    "FinessReport",
    "Layout",
    "OnProblem",
    "code_insee",
    "crs_of_source",
    "detect_encoding",
    "detect_layout",
    "is_commune_centre",
    "iter_establishments",
    "load_category_table",
    "read_establishments",
    "to_wgs84",
    "transformer_for",
]
