"""National counts of professionals from the pyarrow batches, and the pair mapper.

:func:`count_professionals` holds a few columns of the whole file as arrow arrays and numpy
codes, never one Python object per line; :func:`map_pairs` applies a Python rule (category,
commune fallback) once per distinct pair of values rather than once per line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..archives import ArchiveLimits
from ..professions import ProfessionTable, load_profession_table
from .arrow import iter_activity_batches
from .header import OnError, ParseReport
from .lines import commune_resolver


def count_professionals(
    path: str | Path,
    *,
    postcode_to_commune: Mapping[str, str] | None = None,
    merge_plm: bool = False,
    table: ProfessionTable | None = None,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
    limits: ArchiveLimits | None = None,
) -> pa.Table:
    """Count distinct professionals per commune, category and mode of practice.

    Each professional gets one category (their most specific line, as
    :func:`~.lines.aggregate_professionals`), then is counted once in every ``(code_commune,
    mode_exercice)`` where they have an activity line. Lines without a resolved commune are
    counted under ``code_commune == ""``.

    Returns
    -------
    pyarrow.Table
        Columns ``code_commune``, ``categorie``, ``mode_exercice`` (str) and ``effectif``
        (int64), sorted by the first three.
    """
    table = table or load_profession_table()
    resolve = commune_resolver(postcode_to_commune, merge_plm)
    fields = [
        "identifiant_national",
        "code_profession",
        "code_savoir_faire",
        "mode_exercice",
        "code_postal",
        "code_commune_structure",
    ]
    ids: list[pa.Array] = []
    communes: list[pa.Array] = []
    modes: list[pa.Array] = []
    categories: list[np.ndarray] = []
    specificities: list[np.ndarray] = []
    for batch in iter_activity_batches(
        path, fields=fields, on_error=on_error, report=report, limits=limits
    ):
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        category, specificity = map_pairs(
            columns["code_profession"],
            columns["code_savoir_faire"],
            lambda p, s: table.classify(p, s),
        )
        commune, _ = map_pairs(
            columns["code_commune_structure"],
            columns["code_postal"],
            lambda c, p: (resolve(c, p)[0], 0),
        )
        ids.append(columns["identifiant_national"])
        communes.append(commune)
        modes.append(columns["mode_exercice"])
        categories.append(category)
        specificities.append(specificity)
    if not ids:
        return _empty_counts()
    id_codes, _ = _encode(pa.chunked_array(ids, pa.string()))
    commune_codes, commune_values = _encode(pa.chunked_array(communes, pa.string()))
    mode_codes, mode_values = _encode(pa.chunked_array(modes, pa.string()))
    category_array = pa.chunked_array(categories, pa.string())
    category_codes, category_values = _encode(category_array)
    specificity = np.concatenate([np.asarray(s) for s in specificities]).astype(np.int64)

    # One category per professional: the most specific line, the first one on ties.
    rows = np.arange(len(id_codes))
    order = np.lexsort((rows, -specificity, id_codes))
    sorted_ids = id_codes[order]
    first = order[np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]]
    per_professional = np.empty(id_codes.max() + 1, dtype=np.int64)
    per_professional[id_codes[first]] = category_codes[first]
    row_category = per_professional[id_codes]

    # Distinct (group, professional) pairs, then a count per group.
    n_modes, n_categories = len(mode_values), len(category_values)
    group = (commune_codes * n_categories + row_category) * n_modes + mode_codes
    n_ids = int(id_codes.max()) + 1
    if int(group.max()) < np.iinfo(np.int64).max // n_ids:
        # One int64 key per (group, professional) pair: a 1-D unique is far cheaper.
        pair_groups = np.unique(group * n_ids + id_codes) // n_ids
    else:  # pragma: no cover - would need billions of groups
        pair_groups = np.unique(np.stack([group, id_codes]), axis=1)[0]
    groups, counts = np.unique(pair_groups, return_counts=True)
    mode_of = groups % n_modes
    category_of = (groups // n_modes) % n_categories
    commune_of = groups // (n_modes * n_categories)
    result = pa.table(
        {
            "code_commune": pa.array(commune_values).take(pa.array(commune_of)),
            "categorie": pa.array(category_values).take(pa.array(category_of)),
            "mode_exercice": pa.array(mode_values).take(pa.array(mode_of)),
            "effectif": pa.array(counts, pa.int64()),
        }
    )
    return result.sort_by(
        [("code_commune", "ascending"), ("categorie", "ascending"), ("mode_exercice", "ascending")]
    )


def map_pairs(
    left: pa.Array, right: pa.Array, function: Callable[[str, str], tuple[str, int]]
) -> tuple[pa.Array, np.ndarray]:
    """Apply ``function`` to each distinct ``(left, right)`` pair of two string columns.

    The files repeat a few thousand pairs over a million lines, so the Python function runs
    once per distinct pair and numpy spreads the results.
    """
    joined = pc.binary_join_element_wise(left, right, "\x1f")
    encoded = pc.dictionary_encode(joined)
    keys = encoded.dictionary.to_pylist()
    results = [function(*key.split("\x1f", 1)) for key in keys]
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    texts = pa.array([text for text, _ in results], pa.string()).take(pa.array(indices))
    numbers = np.array([number for _, number in results], dtype=np.int64)[indices]
    return texts, numbers


def _encode(values: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(values.combine_chunks())
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), (
        encoded.dictionary.to_pylist()
    )


def _empty_counts() -> pa.Table:
    return pa.table(
        {
            "code_commune": pa.array([], pa.string()),
            "categorie": pa.array([], pa.string()),
            "mode_exercice": pa.array([], pa.string()),
            "effectif": pa.array([], pa.int64()),
        }
    )
