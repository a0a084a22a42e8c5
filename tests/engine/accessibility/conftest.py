"""Shared fixtures of the accessibility engine tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# Real open data lives beside the checkout (../shared/data), never inside the repository.
SHARED_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
COMMUNES_POINTS = SHARED_DATA / "communes-points" / "communes_2024_points_rcarlier.csv"

# Worked example of methods-apl.md: communes A, B, C.
EXAMPLE_BANDS = {10: 1.0, 15: 2.0 / 3.0, 20: 1.0 / 3.0}
EXAMPLE_DEMAND = np.array([1000.0, 2000.0, 500.0])
EXAMPLE_SUPPLY = np.array([6000.0, 0.0, 3000.0])
_times = {(0, 0): 0, (1, 1): 0, (2, 2): 0, (0, 1): 8, (0, 2): 14, (1, 2): 18}
_pairs = sorted({**_times, **{(j, i): t for (i, j), t in _times.items()}}.items())
EXAMPLE_ORIGINS = np.array([p[0][0] for p in _pairs])
EXAMPLE_DESTINATIONS = np.array([p[0][1] for p in _pairs])
EXAMPLE_MINUTES = np.array([float(p[1]) for p in _pairs])


@pytest.fixture(scope="session")
def national_points():
    """Communes of the rcarlier COG 2024 file with coordinates (3 rows lack them)."""
    if not COMMUNES_POINTS.exists():
        pytest.skip(f"données partagées absentes : {COMMUNES_POINTS}")
    frame = pd.read_csv(
        COMMUNES_POINTS, dtype={"code_insee": str, "dep": str, "reg": str, "code_postal": str}
    )
    return frame.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
