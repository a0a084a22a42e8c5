"""The text layer every importer reads through: encodings, binary files, size limits."""

import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.sources.bytelines import iter_decoded_lines
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.text import load_json
from maillage.engine.sources.textinput import (
    MAX_LINE_BYTES,
    SPREADSHEET,
    UTF8,
    UTF8_OR_CP1252,
    Encoding,
    TextFormat,
    TextLines,
    csv_records,
    detect_encoding,
    field_index,
    open_lines,
)

TEXT = "code;nom\n83023;Brignoles\n83050;Draguignan\n83137;Toulon été\n"


def write(tmp_path, data: bytes, name="f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path, fmt=SPREADSHEET):
    with open_lines(path, fmt) as lines:
        return lines.encoding.codec, list(lines)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("cp1252"), "cp1252"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (b"code;nom\n", "utf-8"),
        # A UTF-8 character cut by the end of the sample is not a defect.
        ("é".encode() * 10 + "é".encode()[:1], "utf-8"),
    ],
)
def test_detected_encodings(data, codec):
    assert detect_encoding("f.csv", data, SPREADSHEET).codec == codec


def test_every_accepted_encoding_gives_the_same_lines(tmp_path):
    expected = [(n, line) for n, line in enumerate(TEXT.splitlines(), start=1)]
    for data in (
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("cp1252"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.replace("\n", "\r\n").encode("utf-16-be"),
    ):
        assert read_all(write(tmp_path, data))[1] == expected


def test_damaged_utf8_is_read_as_utf8_and_the_bad_byte_named():
    """Accented UTF-8 letters in the sample: a stray Windows-1252 byte is a defect, not a hint
    that the whole file is Windows-1252 (which would garble every accent silently)."""
    data = "nom\nété\n".encode() + "Hélène\n".encode("cp1252")
    assert detect_encoding("f.csv", data, UTF8_OR_CP1252).codec == "utf-8"


@pytest.mark.parametrize(
    ("data", "message", "line", "character"),
    [
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "UTF-16 LE", 1, 1),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "UTF-32 LE", 1, 1),
        (TEXT.encode("utf-16-le"), "UTF-16 sans indicateur", 1, 1),
        (b"PK\x03\x04\x14\x00\x06\x00", "classeur", 1, 1),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "Excel 97-2003", 1, 1),
        (b"%PDF-1.7\n", "PDF", 1, 1),
        (b"code;nom\n83023;Bri\x00gnoles\n", "octet nul", 2, 10),
    ],
)
def test_refused_files_name_line_and_character(data, message, line, character):
    with pytest.raises(SourceError, match=message) as caught:
        detect_encoding("f.csv", data, UTF8_OR_CP1252)
    assert (caught.value.line, caught.value.character) == (line, character)
    assert "attendu" in str(caught.value)


def test_text_format_starts_with_utf8():
    with pytest.raises(ValueError):
        TextFormat(("cp1252",))
    assert "Windows-1252" in UTF8_OR_CP1252.describe() and "UTF-16" in SPREADSHEET.describe()


# --------------------------------------------------------------------------- lines


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=40),
    st.data(),
)
def test_a_bad_byte_is_reported_on_its_line_and_character(tmp_path_factory, widths, data):
    """Whatever the line lengths, the line and the character of a bad byte are exact."""
    lines = ["a" * width for width in widths]
    target = data.draw(st.integers(0, len(lines) - 1))
    at = data.draw(st.integers(0, len(lines[target])))
    raw = [line.encode() for line in lines]
    raw[target] = raw[target][:at] + b"\xff" + raw[target][at:]
    path = write(tmp_path_factory.mktemp("bad"), b"\n".join(raw) + b"\n")
    with pytest.raises(SourceError, match="caractère illisible dans l'encodage UTF-8") as caught:
        read_all(path, UTF8)
    assert (caught.value.line, caught.value.character) == (target + 1, at + 1)


def test_bad_byte_after_the_first_megabyte_names_line_and_column(tmp_path):
    path = write(
        tmp_path, b"code;nom\n" + b"\n" * MAX_LINE_BYTES + "83023;Brignolès\n".encode("cp1252")
    )
    with open_lines(path, SPREADSHEET) as lines:
        lines.name_columns(";", lines.header("code;nom").split(";"))
        with pytest.raises(SourceError) as caught:
            list(lines)
    error = caught.value
    assert (error.line, error.column, error.character) == (MAX_LINE_BYTES + 2, "nom", 14)
    assert "mélange UTF-8 et Windows-1252" in str(error)


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_line_over_the_limit_is_refused_before_being_read_whole(tmp_path, codec):
    fmt = TextFormat(utf16=True, max_line_bytes=1000)
    bom = {"utf-8": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    text = "code;nom\n1;" + "x" * 2000 + "\n"
    path = write(tmp_path, bom[codec] + text.encode(codec))
    with open_lines(path, fmt) as lines:
        lines.name_columns(";", ["code", "nom"])
        with pytest.raises(SourceError, match="ligne trop longue") as caught:
            list(lines)
    assert caught.value.line == 2 and caught.value.column == "nom"


def test_a_line_at_the_limit_is_accepted(tmp_path):
    fmt = TextFormat(max_line_bytes=10)
    path = write(tmp_path, b"123456789\n12345678\r\n")
    with open_lines(path, fmt) as lines:
        assert list(lines) == [(1, "123456789"), (2, "12345678")]


@given(
    st.lists(
        st.text(
            # No NUL: FF FE 00 00 is the UTF-32 byte-order mark, and text files hold no NUL.
            alphabet=st.characters(exclude_characters="\r\n\x00", exclude_categories=["Cs"]),
            max_size=8,
        )
    )
)
def test_utf16_lines_split_only_on_aligned_line_ends(tmp_path_factory, texts):
    """In UTF-16, the bytes 0A 00 also appear astride two characters (ੁ一): only a line end
    at an even offset ends a line."""
    texts = [*texts, "\u0a41\u4e00"]
    folder = tmp_path_factory.mktemp("u16")
    for codec, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)):
        path = write(folder, bom + "".join(t + "\n" for t in texts).encode(codec), codec)
        assert [text for _, text in read_all(path)[1]] == texts


def test_a_stream_opened_by_the_caller_checks_byte_order_marks(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b"a|b\n1|2\n")
    with open(path, "rb") as binary:
        assert list(iter_decoded_lines(path, binary)) == [(1, "a|b"), (2, "1|2")]
    path = write(tmp_path, codecs.BOM_UTF16_LE + "a|b\n".encode("utf-16-le"))
    with open(path, "rb") as binary, pytest.raises(SourceError, match="UTF-16 LE") as caught:
        list(iter_decoded_lines(path, binary))
    assert caught.value.line == 1


def test_header_of_an_empty_file(tmp_path):
    path = write(tmp_path, b"")
    with open_lines(path, UTF8) as lines, pytest.raises(SourceError, match="vide") as caught:
        lines.header("code;nom")
    assert (caught.value.line, caught.value.character) == (1, 1)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SourceError, match="introuvable"), open_lines(tmp_path / "absent.csv"):
        pass
    with pytest.raises(SourceError, match="dossier"), open_lines(tmp_path):
        pass


# --------------------------------------------------------------------------- CSV records


def csv_of(tmp_path, text, fmt=UTF8):
    path = write(tmp_path, text.encode())
    with open_lines(path, fmt) as lines:
        header = lines.header("…")
        lines.name_columns(";", header.split(";"))
        return list(csv_records(lines, ";"))


def test_quoted_fields_may_span_lines_and_keep_their_first_line(tmp_path):
    text = 'id;commentaire\n1;"sur\ndeux lignes"\n\n2;"a;b"\n'
    assert csv_of(tmp_path, text) == [(2, ["1", "sur\ndeux lignes"]), (5, ["2", "a;b"])]


def test_an_unclosed_quote_stops_at_the_limit(tmp_path):
    text = 'id;commentaire\n1;ok\n2;"jamais refermé\n' + "suite\n" * 100
    fmt = TextFormat(max_line_bytes=200)
    path = write(tmp_path, text.encode())
    with open_lines(path, fmt) as lines:
        lines.name_columns(";", lines.header("…").split(";"))
        with pytest.raises(SourceError, match="guillemets refermés") as caught:
            list(csv_records(lines, ";"))
    assert (caught.value.line, caught.value.column) == (3, "commentaire")


def test_the_csv_field_limit_is_a_french_error(tmp_path):
    text = "id;nom;commentaire\n1;a;" + "x" * 200_000 + "\n"
    with pytest.raises(SourceError, match="champ de plus de 131") as caught:
        csv_of(tmp_path, text)
    assert (caught.value.line, caught.value.column) == (2, "commentaire")


def test_field_index_ignores_quoted_separators():
    assert field_index('1;"a;b";c', ";") == 2
    assert field_index("1;2", ";") == 1


# --------------------------------------------------------------------------- JSON


def test_json_accepts_a_bom_and_refuses_utf16(tmp_path):
    assert load_json(write(tmp_path, codecs.BOM_UTF8 + b'{"a": 1}'), "un objet") == {"a": 1}
    path = write(tmp_path, codecs.BOM_UTF16_LE + '{"a": 1}'.encode("utf-16-le"))
    with pytest.raises(SourceError, match="UTF-16 LE"):
        load_json(path, "un objet")


def test_json_errors_are_french_with_line_and_character(tmp_path):
    with pytest.raises(SourceError, match="virgule attendue") as caught:
        load_json(write(tmp_path, b'{"a": 1,\n "b": 2 "c": 3}'), "un objet")
    assert (caught.value.line, caught.value.character) == (2, 9)
    with pytest.raises(
        SourceError, match=r"illisible dans l'encodage UTF-8 \(octet 0xE9\)"
    ) as caught:
        load_json(write(tmp_path, b'{\n "nom": "Bri\xe9"}'), "un objet")
    assert (caught.value.line, caught.value.character) == (2, 13)


# --------------------------------------------------------------------------- blocks (pandas)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(alphabet="ab;é€\r", max_size=30), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=64),
    st.data(),
)
def test_blocks_hold_the_same_text_and_name_the_same_line(tmp_path_factory, texts, size, data):
    folder = tmp_path_factory.mktemp("blocks")
    body = "".join(f"{text}\n" for text in texts).encode()
    path = write(folder, body)
    with open_lines(path, UTF8) as lines:
        assert "".join(lines.blocks(size)).encode() == body
    target = data.draw(st.integers(0, len(texts) - 1))
    raw = [f"{text}\n".encode() for text in texts]
    raw[target] = b"\xff" + raw[target]
    path = write(folder, b"".join(raw))
    with open_lines(path, UTF8) as lines, pytest.raises(SourceError) as caught:
        for _ in lines.blocks(size):
            pass
    assert (caught.value.line, caught.value.character) == (target + 1, 1)


def test_blocks_apply_the_line_limit_and_refuse_nul(tmp_path):
    fmt = TextFormat(max_line_bytes=100)
    path = write(tmp_path, b"a,b\n" * 50 + b"1," + b"x" * 300 + b"\n")
    with open_lines(path, fmt) as lines, pytest.raises(SourceError, match="trop longue") as caught:
        list(lines.blocks(64))
    assert caught.value.line == 51
    # Past the first megabyte (the detection sample), a NUL byte is met by the blocks.
    lines = TextLines("f.csv", io.BytesIO(b"a,b\n" * 50 + b"1,\x00\n"), Encoding("utf-8"), fmt)
    with pytest.raises(SourceError, match="octet nul") as caught:
        list(lines.blocks(64))
    assert (caught.value.line, caught.value.character) == (51, 3)
