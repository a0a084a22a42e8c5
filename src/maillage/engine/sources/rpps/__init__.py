"""Streaming parser of the RPPS "PS_LibreAcces" ``Personne_activite`` extraction.

The file (ANS, Annuaire santé) is UTF-8, ``|``-separated, never quoted, and every line ends
with a trailing ``|``. It has one line per activity and savoir-faire of a professional, so a
professional appears on several lines; :func:`aggregate_professionals` and
:func:`count_professionals` deduplicate on ``Identification nationale PP``.

* :mod:`.header`: the columns (looked up by header name), the header, opening the zip or
  the text file;
* :mod:`.lines`: :func:`iter_activities`, line by line in Python, :class:`Activity` records,
  exact about line numbers (the reference reader);
* :mod:`.arrow`: :func:`iter_activity_batches`, pyarrow record batches, 5× faster;
* :mod:`.counts`: :func:`count_professionals` per commune, category and mode of practice;
* :mod:`.activity`: the CPAM activity file (year of birth, acts, full-time equivalent).

Both readers accept the ``PS_LibreAcces`` zip (the ``Personne_activite`` member is found by
name) or the plain text file (``PS_LibreAcces_Personne_activite_<ts>.txt`` or the data.gouv
``ps-libreacces-personne-activite.txt``).
"""

from .activity import ACTIVITY_COLUMNS, ProfessionalActivity, iter_professional_activity
from .arrow import iter_activity_batches
from .counts import count_professionals, map_pairs
from .header import COLUMNS, FIELDS, SEPARATOR, OnError, ParseReport, RawFields
from .lines import (
    PLM_PARENTS,
    Activity,
    Professional,
    aggregate_professionals,
    departement_of,
    iter_activities,
    plm_parent,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "COLUMNS",
    "FIELDS",
    "PLM_PARENTS",
    "SEPARATOR",
    "Activity",
    "OnError",
    "ParseReport",
    "Professional",
    "ProfessionalActivity",
    "RawFields",
    "aggregate_professionals",
    "count_professionals",
    "departement_of",
    "iter_activities",
    "iter_activity_batches",
    "iter_professional_activity",
    "map_pairs",
    "plm_parent",
]
