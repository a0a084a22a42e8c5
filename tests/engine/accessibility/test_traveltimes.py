"""Travel-time files, crow-fly approximation and the national real-data invariant."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from maillage.engine.accessibility import (
    add_self_pairs,
    apl,
    apl_decay,
    crow_fly_times,
    index_pairs,
    read_points,
    read_travel_times,
    step_decay,
    weighted_mean_by_group,
)
from maillage.engine.accessibility.traveltimes import EARTH_RADIUS_KM, TravelTable
from maillage.engine.sources.errors import SourceError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_read_travel_times_csv(tmp_path):
    path = write(
        tmp_path / "t.csv", "origine,destination,minutes\n2A004,2A004,0\n2A004,01001, 12,5\n"
    )
    with pytest.raises(SourceError) as error:
        read_travel_times(path)
    assert error.value.line == 3  # four fields on line 3 ("12,5" unquoted)
    path = write(
        tmp_path / "t.csv", 'origine,destination,minutes\n2A004,2A004,0\n2A004,01001,"12,5"\n'
    )
    table = read_travel_times(path)
    assert table.origins.tolist() == ["2A004", "2A004"]
    assert table.destinations.tolist() == ["2A004", "01001"]  # leading zero kept
    np.testing.assert_array_equal(table.minutes, [0, 12.5])


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("origine,destination\n01001,01002\n", 1, "minutes", "absente"),
        ("origine,destination,minutes\n01001,01002,5\n01001,01003,abc\n", 3, "minutes", "inval"),
        ("origine,destination,minutes\n01001,01002,-2\n", 2, "minutes", "inval"),
        ("origine,destination,minutes\n01001,,2\n", 2, "destination", "vide"),
    ],
)
def test_read_travel_times_errors_name_file_line_and_column(tmp_path, text, line, column, message):
    path = write(tmp_path / "temps.csv", text)
    with pytest.raises(SourceError, match=message) as error:
        read_travel_times(path)
    assert error.value.line == line
    assert error.value.column == column
    assert "temps.csv" in str(error.value) and f"ligne {line}" in str(error.value)


def test_read_travel_times_missing_or_empty_file(tmp_path):
    with pytest.raises(SourceError, match="introuvable"):
        read_travel_times(tmp_path / "absent.csv")
    with pytest.raises(SourceError, match="vide"):
        read_travel_times(write(tmp_path / "vide.csv", ""))


def test_read_travel_times_parquet(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table(
            {
                "origine": ["75101", "75101"],
                "destination": ["75101", "75102"],
                "minutes": [0.0, 7.5],
            }
        ),
        path,
    )
    table = read_travel_times(path)
    np.testing.assert_array_equal(table.minutes, [0, 7.5])
    pq.write_table(
        pa.table({"origine": ["a", "b"], "destination": ["a", "a"], "minutes": [0.0, None]}), path
    )
    with pytest.raises(SourceError) as error:
        read_travel_times(path)
    assert (error.value.line, error.value.column) == (2, "minutes")
    pq.write_table(pa.table({"origine": [1001], "destination": [1001], "minutes": [0.0]}), path)
    with pytest.raises(SourceError, match="zéros initiaux"):
        read_travel_times(path)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_repeated_pair_is_named_with_its_line(tmp_path, kind):
    rows = [("01001", "01001", 0.0), ("01001", "01002", 7.0), ("01002", "01001", 7.0)]
    rows.append(("01001", "01002", 8.0))
    path = tmp_path / f"temps.{kind}"
    if kind == "csv":
        write(path, "origine,destination,minutes\n" + "".join(f"{o},{d},{t}\n" for o, d, t in rows))
    else:
        columns = dict(
            zip(("origine", "destination", "minutes"), zip(*rows, strict=True), strict=True)
        )
        pq.write_table(pa.table({k: list(v) for k, v in columns.items()}), path)
    with pytest.raises(SourceError, match="répété") as error:
        read_travel_times(path)
    # Line 5 of the CSV (after the header); row 4 of the Parquet file.
    assert error.value.line == (5 if kind == "csv" else 4)
    assert error.value.found == "01001 → 01002"


def test_parquet_row_groups_with_their_own_dictionaries(tmp_path):
    path = tmp_path / "t.parquet"
    origins = ["02001", "01001", "01001", "03001", "02001"]
    destinations = ["01001", "02001", "01001", "03001", "02001"]
    minutes = [4.0, 4.0, 0.0, 0.0, 0.0]
    table = pa.table({"origine": origins, "destination": destinations, "minutes": minutes})
    pq.write_table(table, path, row_group_size=2)
    read = read_travel_times(path)
    assert read.origins.tolist() == origins and read.destinations.tolist() == destinations
    o, d, t, dropped = index_pairs(["03001", "01001", "02001"], read)
    assert o.tolist() == [2, 1, 1, 0, 2] and d.tolist() == [1, 2, 1, 0, 2] and dropped == 0
    assert t.tolist() == minutes


def test_read_points_accepts_code_insee_and_reports_missing_coordinates(tmp_path):
    path = write(
        tmp_path / "p.csv",
        "code_insee,nom,latitude,longitude\n01001,A,46.15,4.93\n01002,B,,\n01003,C,91,4\n",
    )
    with pytest.raises(SourceError) as error:
        read_points(path)
    assert (error.value.line, error.value.column) == (3, "latitude")
    with pytest.raises(SourceError) as error:
        read_points(path, drop_missing=True)
    assert (error.value.line, error.value.column) == (4, "latitude")
    write(path, "code,latitude,longitude\n01001,46.15,4.93\n01002,,\n")
    codes, _lat, _lon, dropped = read_points(path, drop_missing=True)
    assert codes.tolist() == ["01001"] and dropped == [3]


def test_crow_fly_matches_brute_force():
    rng = np.random.default_rng(3)
    lat = rng.uniform(43, 44, 300)
    lon = rng.uniform(3, 4.5, 300)
    origins, destinations, minutes = crow_fly_times(lat, lon, 20, detour_factor=1.2, speed_kmh=60)
    # Brute force with the haversine formula.
    la, lo = np.radians(lat), np.radians(lon)
    h = (
        np.sin((la[:, None] - la[None, :]) / 2) ** 2
        + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin((lo[:, None] - lo[None, :]) / 2) ** 2
    )
    full = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)) * 1.2 / 60 * 60
    expected = set(zip(*np.nonzero(full <= 20), strict=True))
    got = set(zip(origins.tolist(), destinations.tolist(), strict=True))
    assert got == expected
    np.testing.assert_allclose(minutes, full[origins, destinations], atol=1e-9)
    assert np.all(minutes[origins == destinations] == 0)


def test_crow_fly_uses_dated_defaults():
    # 50 km/h and detour 1.3: 1° of latitude (111.2 km) is about 173.5 minutes.
    o, d, t = crow_fly_times([45.0, 46.0], [5.0, 5.0], 200)
    assert t[(o == 0) & (d == 1)][0] == pytest.approx(111.195 * 1.3 / 50 * 60, rel=1e-4)


def test_add_self_pairs_and_index_pairs():
    o, d, t = add_self_pairs([0, 1], [1, 1], [5.0, 0.0], 3)
    assert sorted(zip(o.tolist(), d.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 1), (2, 2)]
    assert t.tolist() == [5.0, 0.0, 0.0, 0.0]
    table = TravelTable.from_codes(
        np.array(["a", "a", "z"], dtype=object),
        np.array(["b", "a", "a"], dtype=object),
        np.array([3.0, 0.0, 1.0]),
    )
    o, d, _t, dropped = index_pairs(["b", "a"], table)
    assert o.tolist() == [1, 1] and d.tolist() == [0, 1] and dropped == 1


def test_national_crow_fly_invariant_on_real_communes(national_points):
    """All communes of France (COG 2024), crow-fly times <= 30 min, synthetic supply."""
    lat = national_points["latitude"].to_numpy()
    lon = national_points["longitude"].to_numpy()
    population = national_points["population_2021"].fillna(0).to_numpy(dtype=float)
    n = lat.size
    assert n > 34_900
    origins, destinations, minutes = crow_fly_times(lat, lon, 30)
    assert 2_000_000 < minutes.size < 6_000_000
    rng = np.random.default_rng(2024)
    # Synthetic supply: about 1 GP per 1 100 inhabitants, 5 400 acts each, in big communes.
    supply = np.where((population > 1500) & (rng.random(n) < 0.8), population / 1100 * 5400, 0.0)
    demand = np.maximum(population, 1.0)  # every supply commune has demand in reach
    decay = step_decay({10: 1, 20: 2 / 3, 30: 1 / 3})
    result = apl(origins, destinations, minutes, demand, supply, decay)
    assert np.all(np.isfinite(result)) and np.all(result >= 0)
    assert (demand * result).sum() == pytest.approx(supply.sum(), rel=1e-9)
    # Département means, population-weighted, are of plausible size.
    labels, means = weighted_mean_by_group(result, demand, national_points["dep"].to_numpy())
    assert labels.size >= 100 and np.nanmax(means) < 50
    # The APL decay (20 min) is a subset of the same pairs.
    assert apl(origins, destinations, minutes, demand, supply, apl_decay()).shape == (n,)
