"""Import commands of the territory referential: parse first, then write atomically.

- ``referential``: régions, départements, EPCI, communes (Etalab, COG);
- ``legal_populations``: legal populations by year, populations by age band;
- ``centres``: centres of the communes;
- ``zoning``: study zonings;
- outlines (GeoJSON) live in :mod:`..outlines`.
"""

from maillage.engine.sources import populations  # noqa: F401 - its SourceError, for callers

from ..outlines import import_geojson
from .centres import import_points
from .legal_populations import (
    import_age_populations,
    import_legal_populations,
    plan_population_history,
    sync_population_history,
)
from .referential import DEFAULT_ETALAB_POPULATION_YEAR, import_cog, import_etalab
from .zoning import import_zoning, write_zoning

__all__ = [
    "DEFAULT_ETALAB_POPULATION_YEAR",
    "import_age_populations",
    "import_cog",
    "import_etalab",
    "import_geojson",
    "import_legal_populations",
    "import_points",
    "import_zoning",
    "plan_population_history",
    "sync_population_history",
    "write_zoning",
]
