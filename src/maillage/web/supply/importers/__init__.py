"""Import commands of the health-care supply: parse the whole file first, then write atomically.

The RPPS import lives in :mod:`..rpps_import` (national scale, bulk SQL); the others go
through :func:`maillage.web.imports.sync` or the same diff logic on natural keys:

- ``activity``: the CPAM activity file (acts and FTE per professional);
- ``establishments``: FINESS establishments and the structures among them;
- ``cpts``: CPTS and their perimeters;
- ``registry``: the registry of health indicators (indicateurs.yaml);
- ``indicators``: indicator values (generic files, APL, data.ameli).
"""

from ..rpps_import import import_rpps
from .activity import import_professional_activity
from .common import AMELI_SOURCE, APL_INDICATOR, REGISTRY, STRUCTURE_CLASSES
from .cpts import cpts_conflicts, import_cpts, set_perimeter
from .establishments import import_finess, sync_structures
from .indicators import import_ameli, import_apl, import_indicators
from .registry import REGISTRY_KEYS, REPLACED_KEYS, load_registry, sync_registry

__all__ = [
    "AMELI_SOURCE",
    "APL_INDICATOR",
    "REGISTRY",
    "REGISTRY_KEYS",
    "REPLACED_KEYS",
    "STRUCTURE_CLASSES",
    "cpts_conflicts",
    "import_ameli",
    "import_apl",
    "import_cpts",
    "import_finess",
    "import_indicators",
    "import_professional_activity",
    "import_rpps",
    "load_registry",
    "set_perimeter",
    "sync_registry",
    "sync_structures",
]
