"""Travel-time tables: reading long-format files, crow-fly approximation, indexing.

Long format: one row per (origin, destination) pair with the time in minutes; a missing pair
means "out of reach". Files: CSV (comma, header ``origine,destination,minutes``; UTF-8,
Windows-1252 or UTF-16 with BOM, read through :mod:`..sources.textinput`) or
Parquet (same column names). Bad input raises :class:`SourceError` naming file, line (1-based
as an editor shows it; for Parquet, the row number) and column, in French.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from maillage.engine import parameters

from ..distances import EARTH_RADIUS_KM, angle_from_chord, unit_vectors
from ..sources.columns import Codes, Number, read_typed
from ..sources.errors import SourceError


@dataclass(frozen=True)
class TravelTable:
    """A long travel-time table: pair ``k`` goes from ``origin_codes.text()[k]`` to
    ``destination_codes.text()[k]`` in ``minutes[k]`` (float64).

    Each end keeps its distinct codes once and one position per pair (see
    :class:`..sources.columns.Codes`): a national table has millions of pairs but some 35 000
    codes, so codes are looked up once each.
    """

    origin_codes: Codes
    destination_codes: Codes
    minutes: np.ndarray

    def __len__(self) -> int:
        return int(self.minutes.size)

    @property
    def origins(self) -> np.ndarray:
        """Origin code of every pair (object array)."""
        return self.origin_codes.text()

    @property
    def destinations(self) -> np.ndarray:
        """Destination code of every pair (object array)."""
        return self.destination_codes.text()

    @classmethod
    def from_codes(cls, origins: Any, destinations: Any, minutes: Any) -> TravelTable:
        """A table from one origin code and one destination code per pair."""
        return cls(
            Codes.from_text(origins),
            Codes.from_text(destinations),
            np.asarray(minutes, dtype=np.float64),
        )


def read_travel_times(path: str | Path) -> TravelTable:
    """Read a long travel-time matrix ``origine,destination,minutes`` (CSV or Parquet).

    Columns are read as typed columns (:func:`..sources.columns.read_typed`): codes once per
    distinct code, minutes as numbers, checks vectorised; a defect is then located by reading
    the file again line by line.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8, comma-separated, header line) or ``.parquet`` file.

    Returns
    -------
    TravelTable
        Codes as strings (kept verbatim, e.g. ``"2A004"``) and minutes as float64 (>= 0).

    Raises
    ------
    SourceError
        Missing file or column, empty code, non-numeric or negative time, wrong field count,
        repeated pair, with the file, line and column.
    """
    path = Path(path)
    columns = read_typed(
        path,
        codes=("origine", "destination"),
        numbers={"minutes": Number(minimum=0, expected="un temps en minutes positif")},
    )
    table = TravelTable(
        columns.codes["origine"], columns.codes["destination"], columns.numbers["minutes"]
    )
    k = _first_repeated_pair(table)
    if k is not None:
        raise SourceError(
            path,
            "couple origine-destination répété",
            line=k + columns.first_line,
            column="destination",
            expected="un seul temps par couple",
            found=f"{table.origin_codes.text()[k]} → {table.destination_codes.text()[k]}",
        )
    return table


def _first_repeated_pair(table: TravelTable) -> int | None:
    """Row of the first pair given on an earlier row too, or None."""
    origins, destinations = table.origin_codes, table.destination_codes
    width = destinations.values.size
    # One integer per pair; 32 bits while they fit (35 000² does): half the memory to sort.
    kind = np.uint32 if origins.values.size * width < 2**32 else np.uint64
    key = origins.index.astype(kind)
    key *= kind(width)
    np.add(key, destinations.index, out=key, casting="unsafe")  # in place: one array
    key.sort()  # in place: a plain sort decides; rows are looked for only on a repeat
    if not (key[1:] == key[:-1]).any():
        return None
    key = origins.index.astype(np.int64) * width + destinations.index
    order = np.argsort(key, kind="stable")  # equal pairs stay in row order
    same = key[order[1:]] == key[order[:-1]]
    return int(order[1:][same].min())


def read_points(path: str | Path, drop_missing: bool = False):
    """Read commune points ``code,latitude,longitude`` (``code_insee`` accepted for ``code``).

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file, WGS84 decimal degrees.
    drop_missing : bool
        When true, rows without coordinates are dropped (their line numbers are returned)
        instead of raising.

    Returns
    -------
    codes : ndarray of str
    latitude, longitude : ndarray of float (degrees)
    dropped_lines : list of int
        Lines of the rows dropped for missing coordinates.
    """
    degrees = "des degrés décimaux (WGS84)"
    columns = read_typed(
        path,
        codes=("code",),
        numbers={
            "latitude": Number(minimum=-90, maximum=90, expected=degrees),
            "longitude": Number(minimum=-180, maximum=180, expected=degrees),
        },
        aliases={"code_insee": "code"},
        drop_blank=drop_missing,
    )
    return (
        columns.codes["code"].text(),
        columns.numbers["latitude"],
        columns.numbers["longitude"],
        list(columns.blank_lines),
    )


def crow_fly_times(
    latitude: Any,
    longitude: Any,
    max_minutes: float,
    detour_factor: float | None = None,
    speed_kmh: float | None = None,
    on: dt.date | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Approximate travel times from centroids, keeping pairs with ``t <= max_minutes``.

    ``t_ij = great-circle distance × detour_factor / speed``. This is an offline
    approximation, not a road time: it ignores the road network, relief, rivers and islands.
    Use a real matrix (OSRM, r5py, Valhalla, INSEE Metric) when one is available.

    Parameters
    ----------
    latitude, longitude : array of float, shape (n,)
        WGS84 coordinates in decimal degrees.
    max_minutes : float
        Largest catchment edge in minutes (inclusive); farther pairs are not returned.
    detour_factor : float, optional
        Road / crow-fly distance ratio; default ``traveltime.crowfly.detour_factor``
        (unverified).
    speed_kmh : float, optional
        Mean road speed in km/h; default ``traveltime.crowfly.speed_kmh`` (unverified).

    Returns
    -------
    origins, destinations : ndarray of int64, shape (m,)
        Both directions of every pair, plus the self pairs ``(i, i)``.
    minutes : ndarray of float64, shape (m,)
        ``t_ii = 0``.
    """
    if detour_factor is None:
        detour_factor = parameters.value("traveltime.crowfly.detour_factor", on)
    if speed_kmh is None:
        speed_kmh = parameters.value("traveltime.crowfly.speed_kmh", on)
    if not (detour_factor >= 1 and speed_kmh > 0 and max_minutes >= 0):
        raise ValueError(
            "detour_factor >= 1, speed_kmh > 0 et max_minutes >= 0 attendus "
            f"(lus : {detour_factor}, {speed_kmh}, {max_minutes})"
        )
    xyz = unit_vectors(latitude, longitude)
    n = xyz.shape[0]
    if not np.all(np.isfinite(xyz)):
        raise ValueError("latitude, longitude : coordonnées manquantes ou invalides")
    minutes_per_radian = EARTH_RADIUS_KM * detour_factor / speed_kmh * 60.0
    max_angle = max_minutes / minutes_per_radian
    if max_angle >= np.pi:
        pairs = np.array(np.triu_indices(n, 1)).T
    else:
        # Chord length of the largest angle; a small margin so that rounding cannot drop a
        # pair exactly at the edge (the exact filter on minutes is applied below).
        chord = 2.0 * np.sin(max_angle / 2.0) * (1 + 1e-9) + 1e-15
        from scipy.spatial import cKDTree  # imported here: only the crow-fly path needs it

        pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    chord_ij = np.linalg.norm(xyz[i] - xyz[j], axis=1)
    minutes = angle_from_chord(chord_ij) * minutes_per_radian
    keep = minutes <= max_minutes
    i, j, minutes = i[keep], j[keep], minutes[keep]
    self_index = np.arange(n, dtype=np.int64)
    origins = np.concatenate([i, j, self_index])
    destinations = np.concatenate([j, i, self_index])
    return origins, destinations, np.concatenate([minutes, minutes, np.zeros(n)])


def add_self_pairs(
    origins: Any, destinations: Any, minutes: Any, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add the missing self pairs ``t_ii = 0`` for communes 0 … n-1 (DREES convention).

    Integer positions keep their type (int32 for a national table); a table that already
    holds every self pair is returned as it is, without a copy.
    """
    origins = _positions(origins)
    destinations = _positions(destinations)
    minutes = np.asarray(minutes, dtype=np.float64)
    has_self = np.zeros(n, dtype=bool)
    has_self[origins[origins == destinations]] = True
    missing = np.flatnonzero(~has_self)
    if not missing.size:
        return origins, destinations, minutes
    missing = missing.astype(np.result_type(origins, destinations))
    return (
        np.concatenate([origins, missing]),
        np.concatenate([destinations, missing]),
        np.concatenate([minutes, np.zeros(missing.size)]),
    )


def _positions(values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        return np.asarray(values, dtype=np.int64)
    return array


def index_pairs(codes: Any, table: TravelTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Map a coded travel table onto positions in ``codes``.

    Pairs whose origin or destination is not in ``codes`` are dropped (a national matrix can
    serve a regional study).

    Returns
    -------
    origins, destinations : ndarray of int
        Positions in ``codes`` (int32 when they fit: half the memory of millions of pairs).
    minutes : ndarray of float64
    n_dropped : int
        Number of pairs dropped.
    """
    kind = np.int32 if len(codes) < 2**31 else np.int64
    # Each distinct code is looked up once; pairs only gather positions.
    origin_positions = code_positions(codes, table.origin_codes.values).astype(kind)
    destination_positions = code_positions(codes, table.destination_codes.values).astype(kind)
    o = origin_positions[table.origin_codes.index]
    d = destination_positions[table.destination_codes.index]
    if (origin_positions >= 0).all() and (destination_positions >= 0).all():
        return o, d, table.minutes, 0  # every code studied (the usual case): no copy
    keep = (o >= 0) & (d >= 0)
    return o[keep], d[keep], table.minutes[keep], int((~keep).sum())


def code_positions(universe: Any, codes: Any) -> np.ndarray:
    """Position of each of ``codes`` in ``universe`` (int64), -1 where absent.

    Raises
    ------
    ValueError
        When ``universe`` holds a code twice.
    """
    universe = np.asarray(universe, dtype=object)
    lookup = {code: i for i, code in enumerate(universe.tolist())}
    if len(lookup) != universe.size:
        raise ValueError("codes : codes de communes répétés")
    codes = np.asarray(codes, dtype=object)
    return np.fromiter(
        (lookup.get(code, -1) for code in codes.tolist()), dtype=np.int64, count=codes.size
    )
