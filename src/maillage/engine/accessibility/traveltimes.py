"""Travel-time tables: reading long-format files, crow-fly approximation, indexing.

Long format: one row per (origin, destination) pair with the time in minutes; a missing pair
means "out of reach". Files: CSV (comma, header ``origine,destination,minutes``; UTF-8,
Windows-1252 or UTF-16 with BOM, read through :mod:`..sources.textinput`) or
Parquet (same column names). Bad input raises :class:`SourceError` naming file, line (1-based
as an editor shows it; for Parquet, the row number) and column, in French.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from maillage.engine import parameters

from ..sources.errors import SourceError
from ..sources.numbers import parse_numbers
from ..sources.textinput import SPREADSHEET, TextStream, open_lines

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
TRAVEL_COLUMNS = ("origine", "destination", "minutes")


@dataclass(frozen=True)
class TravelTable:
    """A long travel-time table with commune codes (strings) and minutes (float64)."""

    origins: np.ndarray
    destinations: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return int(self.minutes.size)


def read_columns(path: Path, columns: tuple[str, ...], aliases: dict[str, str] | None = None):
    """Read a CSV or Parquet file whose required columns are named ``columns``.

    Parameters
    ----------
    path : Path
    columns : tuple of str
        Required column names (extra columns are kept).
    aliases : dict, optional
        ``{other name: required name}`` accepted in place of a required column.

    Returns
    -------
    frame : pandas.DataFrame
        CSV columns as strings (no NA conversion); Parquet columns as stored.
    first_line : int
        Line number of the first data row (2 for CSV, after the header; 1 for Parquet).
    """
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    aliases = aliases or {}
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:
            raise SourceError(path, f"fichier Parquet illisible ({exc})") from exc
        frame = table.to_pandas()
        first_line = 1  # Parquet has no header line: "ligne" is the row number.
    else:
        # Through the shared text layer: encodings, binary files and line length checked
        # line by line, so pandas only ever sees decoded, bounded text.
        with open_lines(path, SPREADSHEET) as lines:
            try:
                frame = pd.read_csv(
                    TextStream(lines), dtype=str, keep_default_na=False, skipinitialspace=True
                )
            except pd.errors.EmptyDataError as exc:
                raise SourceError(
                    path, "fichier vide", line=1, character=1, expected=", ".join(columns)
                ) from exc
            except pd.errors.ParserError as exc:
                match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
                if match:
                    raise SourceError(
                        path,
                        "nombre de champs incorrect",
                        line=int(match.group(2)),
                        expected=f"{match.group(1)} champs",
                        found=f"{match.group(3)} champs",
                    ) from exc
                raise SourceError(path, f"CSV illisible ({exc})", line=lines.number) from exc
            if frame.empty:
                raise lines.no_data(", ".join(columns))
        first_line = 2  # line 1 is the header
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    for alias, name in aliases.items():
        if name not in frame.columns and alias in frame.columns:
            frame = frame.rename(columns={alias: name})
    for column in columns:
        if column not in frame.columns:
            raise SourceError(
                path,
                "colonne absente",
                line=1 if first_line == 2 else None,
                column=column,
                expected=", ".join(columns),
                found=", ".join(frame.columns),
            )
    return frame, first_line


def code_column(path: Path, frame: pd.DataFrame, column: str, first_line: int) -> np.ndarray:
    """Codes of ``column`` as stripped strings (kept verbatim); an empty code is an error."""
    if pd.api.types.is_numeric_dtype(frame[column].dtype):
        # A numeric Parquet column has already lost the leading zeros of codes like 01001.
        raise SourceError(
            path,
            "codes stockés comme des nombres",
            column=column,
            expected="une colonne texte (les zéros initiaux des codes INSEE seraient perdus)",
            found=str(frame[column].dtype),
        )
    codes = frame[column].astype(str).str.strip().to_numpy(dtype=object)
    empty = np.flatnonzero((codes == "") | (codes == "nan") | (codes == "None"))
    if empty.size:
        raise SourceError(
            path, "code vide", line=int(empty[0]) + first_line, column=column, expected="un code"
        )
    return codes


def number_column(
    path: Path,
    frame: pd.DataFrame,
    column: str,
    first_line: int,
    minimum: float | None = None,
    maximum: float | None = None,
    expected: str = "un nombre",
) -> np.ndarray:
    """Numbers of ``column`` as float64, read by :func:`..sources.numbers.parse_numbers`
    (decimal comma or point, French thousands separators); the first invalid value, or one
    outside [minimum, maximum], raises :class:`SourceError` with its line."""
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw.dtype):  # Parquet: already numbers
        values = raw.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values)
    else:
        values, bad = parse_numbers(raw.astype(str))
    if minimum is not None:
        bad |= values < minimum
    if maximum is not None:
        bad |= values > maximum
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SourceError(
            path,
            "valeur invalide",
            line=k + first_line,
            column=column,
            expected=expected,
            found=str(raw.iloc[k]),
        )
    return values


def read_travel_times(path: str | Path) -> TravelTable:
    """Read a long travel-time matrix ``origine,destination,minutes`` (CSV or Parquet).

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
        with the file, line and column.
    """
    path = Path(path)
    frame, first = read_columns(path, TRAVEL_COLUMNS)
    table = TravelTable(
        origins=code_column(path, frame, "origine", first),
        destinations=code_column(path, frame, "destination", first),
        minutes=number_column(
            path, frame, "minutes", first, minimum=0, expected="un temps en minutes positif"
        ),
    )
    repeated = pd.MultiIndex.from_arrays([table.origins, table.destinations]).duplicated()
    if repeated.any():
        k = int(np.flatnonzero(repeated)[0])
        raise SourceError(
            path,
            "couple origine-destination répété",
            line=k + first,
            column="destination",
            expected="un seul temps par couple",
            found=f"{table.origins[k]} → {table.destinations[k]}",
        )
    return table


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
    path = Path(path)
    frame, first = read_columns(
        path, ("code", "latitude", "longitude"), aliases={"code_insee": "code"}
    )
    dropped: list[int] = []
    if drop_missing:
        blank = (frame["latitude"].astype(str).str.strip() == "") | (
            frame["longitude"].astype(str).str.strip() == ""
        )
        dropped = (np.flatnonzero(blank.to_numpy()) + first).tolist()
        kept_lines = np.flatnonzero(~blank.to_numpy())
        frame = frame[~blank.to_numpy()]
    else:
        kept_lines = np.arange(len(frame))
    codes = _codes_lines(path, frame, "code", kept_lines + first)
    latitude = _numbers_lines(path, frame, "latitude", kept_lines + first, -90, 90)
    longitude = _numbers_lines(path, frame, "longitude", kept_lines + first, -180, 180)
    return codes, latitude, longitude, dropped


def _codes_lines(path, frame, column, lines):
    try:
        return code_column(path, frame, column, 0)
    except SourceError as exc:
        raise dataclasses.replace(exc, line=int(lines[exc.line])) from None


def _numbers_lines(path, frame, column, lines, minimum, maximum):
    try:
        return number_column(
            path, frame, column, 0, minimum, maximum, expected="des degrés décimaux (WGS84)"
        )
    except SourceError as exc:
        raise dataclasses.replace(exc, line=int(lines[exc.line])) from None


def unit_vectors(latitude: Any, longitude: Any) -> np.ndarray:
    """3-D unit vectors of points given in degrees, shape (n, 3)."""
    lat = np.radians(np.asarray(latitude, dtype=np.float64))
    lon = np.radians(np.asarray(longitude, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


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
        pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    chord_ij = np.linalg.norm(xyz[i] - xyz[j], axis=1)
    minutes = 2.0 * np.arcsin(np.minimum(chord_ij / 2.0, 1.0)) * minutes_per_radian
    keep = minutes <= max_minutes
    i, j, minutes = i[keep], j[keep], minutes[keep]
    self_index = np.arange(n, dtype=np.int64)
    origins = np.concatenate([i, j, self_index])
    destinations = np.concatenate([j, i, self_index])
    return origins, destinations, np.concatenate([minutes, minutes, np.zeros(n)])


def add_self_pairs(
    origins: Any, destinations: Any, minutes: Any, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add the missing self pairs ``t_ii = 0`` for communes 0 … n-1 (DREES convention)."""
    origins = np.asarray(origins, dtype=np.int64)
    destinations = np.asarray(destinations, dtype=np.int64)
    minutes = np.asarray(minutes, dtype=np.float64)
    has_self = np.zeros(n, dtype=bool)
    has_self[origins[origins == destinations]] = True
    missing = np.flatnonzero(~has_self)
    return (
        np.concatenate([origins, missing]),
        np.concatenate([destinations, missing]),
        np.concatenate([minutes, np.zeros(missing.size)]),
    )


def index_pairs(codes: Any, table: TravelTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Map a coded travel table onto positions in ``codes``.

    Pairs whose origin or destination is not in ``codes`` are dropped (a national matrix can
    serve a regional study).

    Returns
    -------
    origins, destinations : ndarray of int64
    minutes : ndarray of float64
    n_dropped : int
        Number of pairs dropped.
    """
    index = pd.Index(np.asarray(codes, dtype=object))
    if not index.is_unique:
        raise ValueError("codes : codes de communes répétés")
    o = index.get_indexer(table.origins)
    d = index.get_indexer(table.destinations)
    keep = (o >= 0) & (d >= 0)
    return (
        o[keep].astype(np.int64),
        d[keep].astype(np.int64),
        table.minutes[keep],
        int((~keep).sum()),
    )
