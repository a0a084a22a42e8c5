"""Selections of the RPPS lines: taking rows chunk by chunk gives what a plain take gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.web.supply.rpps_tables import Selection

_chunks = st.lists(st.lists(st.sampled_from(["", "a", "bb", "ccc"]), max_size=12), max_size=6)


@settings(max_examples=200, deadline=None)
@given(chunks=_chunks, data=st.data())
def test_take_by_chunks_equals_a_plain_take(chunks, data):
    parts = [
        pa.table(
            {
                "text": pa.array([f"{i}-{j}-{v}" for j, v in enumerate(values)], pa.string()),
                "few": pc.dictionary_encode(pa.array(values, pa.string())),
            }
        )
        for i, values in enumerate(chunks)
    ]
    table = (
        pa.concat_tables(parts)
        if parts
        else pa.table({"text": pa.array([], pa.string()), "few": pa.array([], pa.string())})
    )
    plain = {
        "text": table["text"].to_pylist(),
        "few": [v for part in chunks for v in part],
    }
    rows = np.array(
        sorted(data.draw(st.sets(st.integers(0, max(table.num_rows - 1, 0))))), np.int64
    )
    rows = rows[rows < table.num_rows]
    selection = Selection(table, rows)
    positions = np.array(
        data.draw(st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=len(rows))),
        np.int64,
    )[: len(rows)]
    taken = selection.take(positions, ["text", "few"])
    for name in ("text", "few"):
        assert taken[name].type == pa.string()
        assert taken[name].to_pylist() == [plain[name][rows[p]] for p in positions]
        assert selection.column(name).to_pylist() == [plain[name][r] for r in rows]
