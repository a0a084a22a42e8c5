"""Territorial indicators: aggregation of numerators and denominators over any set of
communes, statistical secrecy after aggregation (cell-key method), the diagnosis."""

from .diagnosis import diagnose, level_figures
from .secrecy import SECRET_LABEL, SecrecyPolicy, publish_counts, record_keys
from .snapshot import AGE_BANDS, IndicatorSeries, Snapshot

__all__ = [
    "AGE_BANDS",
    "SECRET_LABEL",
    "IndicatorSeries",
    "SecrecyPolicy",
    "Snapshot",
    "diagnose",
    "level_figures",
    "publish_counts",
    "record_keys",
]
