"""Territorial indicators: protected commune cells (statistical secrecy applied once, before
anything else reads them), aggregation over any set of communes, the diagnosis."""

from .diagnosis import diagnose, level_figures
from .secrecy import SECRET_LABEL, SecrecyPolicy, protect
from .snapshot import AGE_BANDS, IndicatorSeries, Snapshot

__all__ = [
    "AGE_BANDS",
    "SECRET_LABEL",
    "IndicatorSeries",
    "SecrecyPolicy",
    "Snapshot",
    "diagnose",
    "level_figures",
    "protect",
]
