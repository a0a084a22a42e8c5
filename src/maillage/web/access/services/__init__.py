"""APL from the referential, zoning (official and simulated), aids and « what if » scenarios.

One service package shared by the CLI (`maillage access apl --depuis-base`, `maillage zonage`,
`maillage aides --commune`), the web pages and the JSON API. Computations are the engine's
(`engine/accessibility`, `engine/rules`); these modules only read the database into arrays and
write results back:

- ``methods``: how the APL of each profession is expressed, the perimeter (``Scope``);
- ``inputs``: the referential read into the engine's arrays (supply protected once);
- ``storage``: the run, commune rows, indicator values and simulated zoning written back;
- ``reading``: stored APL and zonings for maps, commune cards and aids;
- ``scenarios``: « what if » on a stored APL.
"""

# Models the callers reach through the service (tests, commands).
# Models the callers reach through the service (tests, commands).
from maillage.engine.rules.aids import Project, simulate_aids
from maillage.web.territories.models import Commune

from ..models import AplCommune, AplRun, OfficialZone, Profession, SimulatedZone
from .inputs import AplInputs, compute, consumption_profile, load_inputs
from .methods import (
    AGE_BANDS,
    AGE_FIELDS,
    METHODS,
    ZONE_CLASSES,
    ZONE_LABELS_ALL,
    Method,
    Scope,
    check_profession,
    indicator_code,
)
from .reading import (
    ResolvedZone,
    aids_for_commune,
    commune_card,
    latest_year,
    official_zones,
    resolve_zone,
    simulated_zones,
    zone_label,
    zoning_map,
)
from .scenarios import candidates, msp_fte, run_parameters, scenario, structures_msp
from .storage import compute_and_store, resimulate, simulate, store, store_simulation

__all__ = [
    "AGE_BANDS",
    "AGE_FIELDS",
    "METHODS",
    "ZONE_CLASSES",
    "ZONE_LABELS_ALL",
    "AplCommune",
    "AplInputs",
    "AplRun",
    "Commune",
    "Method",
    "OfficialZone",
    "Profession",
    "Project",
    "ResolvedZone",
    "Scope",
    "SimulatedZone",
    "aids_for_commune",
    "candidates",
    "check_profession",
    "commune_card",
    "compute",
    "compute_and_store",
    "consumption_profile",
    "indicator_code",
    "latest_year",
    "load_inputs",
    "msp_fte",
    "official_zones",
    "resimulate",
    "resolve_zone",
    "run_parameters",
    "scenario",
    "simulate",
    "simulate_aids",
    "simulated_zones",
    "store",
    "store_simulation",
    "structures_msp",
    "zone_label",
    "zoning_map",
]
