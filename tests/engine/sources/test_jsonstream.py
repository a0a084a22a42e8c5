"""Piecewise JSON reading: same values as ``json.loads`` whatever the chunk size; located errors."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.sources import jsonstream
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.jsonstream import JsonStream


def stream(text: str) -> JsonStream:
    return JsonStream("doc.json", io.StringIO(text), expected="un test")


def read_document(text: str) -> dict:
    """Rebuild the top-level object member by member, arrays element by element."""
    reader = stream(text)
    document = {}
    for key, _line, _column in reader.members():
        if reader.peek() == "[":
            document[key] = [element.value for element in reader.elements()]
        else:
            document[key] = reader.value().value
    reader.end()
    return document


_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_values = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)
_documents = st.dictionaries(
    st.text(max_size=6), st.lists(_values, max_size=5) | _values, max_size=4
)


@settings(max_examples=150, deadline=None)
@given(_documents, st.integers(1, 9), st.sampled_from([None, 0, 2]))
def test_any_document_reads_as_json_loads_does(document, chunk, indent):
    text = json.dumps(document, indent=indent)
    original = jsonstream.CHUNK_CHARS
    jsonstream.CHUNK_CHARS = chunk  # values cut anywhere by the end of the buffer
    try:
        assert read_document(text) == json.loads(text)
    finally:
        jsonstream.CHUNK_CHARS = original


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
def test_numbers_cut_by_the_buffer_are_read_whole(monkeypatch, chunk):
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", chunk)
    text = '{"a": [1.2345678, -0.000012345, 123456789012345678901, 5e-05, true, null, "\\u00e9"]}'
    assert read_document(text) == json.loads(text)


def test_positions_of_values():
    text = '{\n  "features": [\n    {"a": 1},\n    {"b": 2}\n  ]\n}\n'
    reader = stream(text)
    members = reader.members()
    assert next(members) == ("features", 2, 3)
    elements = list(reader.elements())
    assert next(members, None) is None
    reader.end()
    assert [(e.line, e.column, e.text) for e in elements] == [
        (3, 5, '{"a": 1}'),
        (4, 5, '{"b": 2}'),
    ]


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, counted on the whole text."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_values, st.sampled_from(["", " ", "\n", "\n  ", " \n\n "])), max_size=8),
    st.integers(1, 64),
)
def test_every_element_is_located_as_counted_on_the_whole_text(elements, chunk):
    # Positions are counted incrementally from one value to the next, and again after every
    # refill of the buffer: they must match a count from the start of the file.
    text, offsets = '{"features": [', []
    for number, (value, separator) in enumerate(elements):
        text += separator
        offsets.append(len(text))
        text += json.dumps(value) + ("," if number < len(elements) - 1 else "")
    text += "\n]}"
    original = jsonstream.CHUNK_CHARS
    jsonstream.CHUNK_CHARS = chunk
    try:
        reader = stream(text)
        for _key, _line, _column in reader.members():
            located = [(e.line, e.column) for e in reader.elements()]
    finally:
        jsonstream.CHUNK_CHARS = original
    assert located == [_line_and_column(text, offset) for offset in offsets]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"a": [1, 2,, 3]}', 1, 13, "Expecting value"),
        ('{"a": 1,\n "b": tru}', 2, 7, "Expecting value"),
        ('{"a": 1 "b": 2}', 1, 9, "« , » ou « } »"),
        ('{"a": [1, 2]', 1, 13, "« , » ou « } »"),
        ('{"a": "non terminé}', 1, 7, "Unterminated string"),
        ("{a: 1}", 1, 2, "nom de membre"),
        ('{"a": 1} x', 1, 10, "texte après la fin"),
    ],
)
def test_invalid_json_names_line_and_column(monkeypatch, text, line, column, message):
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 4)
    with pytest.raises(SourceError) as caught:
        read_document(text)
    error = caught.value
    assert message in error.message
    assert (error.line, error.column) == (line, f"caractère {column}")
    assert error.path == "doc.json" and error.expected == "un test"


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_nesting_too_deep_for_the_decoder_is_located(monkeypatch, chunk):
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", chunk)
    text = '{"ok": 1,\n "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    reader = stream(text)
    with pytest.raises(SourceError) as caught:
        for _member in reader.members():
            reader.value()
    error = caught.value
    assert "imbrication trop profonde" in error.message
    # The value starts line 2, column 10; the first bracket deeper than the reported depth:
    assert error.line == 2
    assert error.column == f"caractère {10 + jsonstream.REPORTED_DEPTH}"


def test_a_value_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 16)
    monkeypatch.setattr(jsonstream, "MAX_VALUE_CHARS", 1000)
    text = '{"features": [' + json.dumps(list(range(2000))) + "]}"
    with pytest.raises(SourceError, match="valeur JSON trop grande"):
        read_document(text)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"nom": "Hyères"}'.encode("latin-1"))
    with open(path, encoding="utf-8") as handle, pytest.raises(SourceError, match="UTF-8"):
        JsonStream(path, handle, "du JSON").value()
