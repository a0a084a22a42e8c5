"""Parsers of indicator files: the project CSV, the DREES APL workbook, data.ameli densities.

* :func:`iter_indicator_values`: ``indicateur;code_insee;annee;numerateur;denominateur``,
  one value per commune and year (numbers with a decimal comma or point).
* :func:`iter_apl_values`: DREES "accessibilité potentielle localisée" xlsx, one sheet per
  year. The real layout could not be checked here; the assumptions are documented on the
  function and in ``docs/sources-offre.md``.
* :func:`iter_ameli_demography`: data.ameli ``demographie-effectifs-et-les-densites`` CSV
  export (département level), ``NS`` / ``NC`` read as missing, never 0.
"""

from ..numbers import parse_number
from .ameli import AMELI_COLUMNS, AmeliDemography, iter_ameli_demography
from .apl import AplValue, iter_apl_values
from .common import COMMUNE_CODE, MISSING
from .values import INDICATOR_COLUMNS, IndicatorValue, iter_indicator_values

__all__ = [
    "AMELI_COLUMNS",
    "COMMUNE_CODE",
    "INDICATOR_COLUMNS",
    "MISSING",
    "AmeliDemography",
    "AplValue",
    "IndicatorValue",
    "iter_ameli_demography",
    "iter_apl_values",
    "iter_indicator_values",
    "parse_number",
]
