"""Snapshot files: exact round trip of any snapshot, memory-mapped arrays, refusal of a file
that is corrupt, truncated, of another format or of another key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from maillage.engine.indicators import Snapshot, diagnose, snapshot_store
from maillage.engine.indicators.snapshot_store import SnapshotFileError

from .helpers import tiny_snapshot


def plain_snapshot() -> Snapshot:
    """The tiny test snapshot as the engine's own class (files only name engine classes)."""
    tiny = tiny_snapshot()
    fields = {f.name: getattr(tiny, f.name) for f in dataclasses.fields(Snapshot) if f.init}
    fields.pop("cache")
    snap = Snapshot(**fields)
    snap.etab_nom = np.array(["CH A", None], dtype=object)  # a missing value
    snap.pop_years = [2015, 2021]
    snap.pop_history = np.column_stack([snap.population * 0.9, snap.population])
    return snap


def assert_same(a, b, path="snapshot"):
    assert type(a) is type(b), path
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(a, b, err_msg=path)  # NaN equal to NaN
        else:
            assert a.tolist() == b.tolist(), path
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            if f.metadata.get("persist", True):
                assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
    else:
        assert a == b, path


def test_round_trip_is_exact_and_gives_the_same_diagnosis(tmp_path):
    snap = plain_snapshot()
    path = tmp_path / "s.npz"
    snapshot_store.save(snap, path, "v1")
    loaded = snapshot_store.load(path, "v1")
    assert_same(snap, loaded)
    assert loaded.index == snap.index  # rebuilt by __post_init__
    at = dt.date(2026, 1, 1)
    cpts = {"taille": 1}
    codes = np.arange(0, 12)
    assert diagnose(loaded, codes, at, cpts) == diagnose(snap, codes, at, cpts)


def test_numeric_arrays_are_mapped_in_place_read_only_and_aligned(tmp_path):
    snap = plain_snapshot()
    path = tmp_path / "s.npz"
    snapshot_store.save(snap, path, "v1")
    loaded = snapshot_store.load(path, "v1")
    for name in ("population", "ages", "etab_lon", "pair_commune"):
        array = getattr(loaded, name)
        assert not array.flags.owndata and not array.flags.writeable
        assert array.flags.aligned and array.ctypes.data % snapshot_store.ALIGN == 0
        with pytest.raises(ValueError):
            array[0] = 0


def test_the_file_is_a_standard_npz(tmp_path):
    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "v1")
    with np.load(path, allow_pickle=False) as archive:
        arrays = [name for name in archive.files if name != "snapshot.json"]
        assert arrays and all(archive[name].dtype != object for name in arrays)
        assert json.loads(archive["snapshot.json"])["key"] == "v1"
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        snapshot_store.load(tmp_path / "absent.npz", "v1")


def test_another_key_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "v1")
    with pytest.raises(SnapshotFileError, match="autre version"):
        snapshot_store.load(path, "v2")


@pytest.mark.parametrize("cut", [0, 10, 200, -4000, -100, -1])
def test_truncated_file_is_refused(tmp_path, cut):
    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "v1")
    data = path.read_bytes()
    path.write_bytes(data[:cut] if cut >= 0 else data[: len(data) + cut])
    with pytest.raises(SnapshotFileError):
        snapshot_store.load(path, "v1")


def test_garbage_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    with pytest.raises(SnapshotFileError):
        snapshot_store.load(path, "v1")


def test_damaged_array_member_is_refused(tmp_path):
    """A member whose npy header no longer matches its size (a damaged file)."""
    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "v1")
    data = bytearray(path.read_bytes())
    at = data.index(b"\x93NUMPY")
    data[at + 1 : at + 6] = b"XXXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotFileError):
        snapshot_store.load(path, "v1")


def test_other_format_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("snapshot.json", '{"format": "autre", "key": "v1", "tree": null}')
    with pytest.raises(SnapshotFileError, match="format"):
        snapshot_store.load(path, "v1")


def test_only_engine_classes_are_rebuilt(tmp_path):
    path = tmp_path / "s.npz"
    with zipfile.ZipFile(path, "w") as archive:
        tree = {"__dataclass__": "subprocess:Popen", "fields": {"args": "ls"}}
        meta = {"format": snapshot_store.FORMAT, "key": "v1", "tree": tree}
        archive.writestr("snapshot.json", json.dumps(meta))
    with pytest.raises(SnapshotFileError, match="hors du moteur"):
        snapshot_store.load(path, "v1")


def test_unsupported_value_names_the_field(tmp_path):
    snap = plain_snapshot()
    snap.region_noms = {"00": object()}
    with pytest.raises(TypeError, match=r"region_noms\['00'\]"):
        snapshot_store.save(snap, tmp_path / "s.npz", "v1")
    snap = plain_snapshot()
    snap.noms = np.array([1, "a"], dtype=object)
    with pytest.raises(TypeError, match="noms"):
        snapshot_store.save(snap, tmp_path / "s.npz", "v1")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_rewrite_replaces_atomically(tmp_path):
    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "v1")
    before = snapshot_store.load(path, "v1")  # mapped: survives the replacement
    snapshot_store.save(plain_snapshot(), path, "v2")
    assert snapshot_store.load(path, "v2").size == before.size
    assert before.population.sum() > 0
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]


# ------------------------------------------------------------- any tree of supported values


@dataclasses.dataclass
class Holder:
    """Stands for any future snapshot field."""

    values: object


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=8),
    st.dates(),
)
dtypes = st.one_of(
    hnp.integer_dtypes(endianness="="),
    hnp.unsigned_integer_dtypes(endianness="="),
    hnp.floating_dtypes(endianness="=", sizes=(32, 64)),
    hnp.boolean_dtypes(),
)
numeric_arrays = hnp.arrays(dtypes, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0))
string_arrays = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_characters="\x00"))),
    max_size=20,
).map(lambda items: np.array([*items, None], dtype=object)[:-1])
trees = st.recursive(
    st.one_of(scalars, numeric_arrays, string_arrays),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), children, max_size=4),
        children.map(Holder),
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(trees)
@example(np.array(["\ud800", None, ""], dtype=object))  # a lone surrogate, None, empty
@example({1: (float("nan"), -0.0), "1": [dt.date(2024, 2, 29)]})
def test_any_tree_round_trips(tmp_path_factory, tree):
    path = tmp_path_factory.mktemp("tree") / "s.npz"
    snapshot_store.save(Holder(tree), path, "k")
    assert_same(Holder(tree), snapshot_store.load(path, "k", packages=(__name__,)))


def _writer(path: str, key: str, rounds: int) -> None:
    snap = plain_snapshot()
    for _ in range(rounds):
        snapshot_store.save(snap, path, key)


@pytest.mark.slow
def test_concurrent_writers_never_expose_a_partial_file(tmp_path):
    """Several processes rewrite the same file while this one reads it in a loop: every read
    sees a whole file."""
    import multiprocessing

    path = tmp_path / "s.npz"
    snapshot_store.save(plain_snapshot(), path, "k")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(path), "k", 15)) for _ in range(3)]
    for writer in writers:
        writer.start()
    reads = 0
    while any(w.is_alive() for w in writers) or reads < 5:
        assert snapshot_store.load(path, "k").size == 30
        reads += 1
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]
