"""Download responses: content types and a Content-Disposition that is always safe."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.web.exports import content_disposition, download, json_bytes, safe_filename


def _parse(header: str) -> dict[str, str]:
    """The ASCII ``filename`` (a quoted string without escapes) and the encoded one."""
    params = dict(re.findall(r';\s*(filename\*?)=("[^"\\]*"|[^;\s]+)', header))
    return {key: value.strip('"') for key, value in params.items()}


@pytest.mark.parametrize(
    ("name", "ascii_name", "exact"),
    [
        ("diagnostic.csv", "diagnostic.csv", None),
        (
            "relevé-CPTS Côte d'Azur-2024.csv",
            "releve-CPTS-Cote-d-Azur-2024.csv",
            "relevé-CPTS Côte d'Azur-2024.csv",
        ),
        ('releve-"CPTS"-2024.xlsx', "releve-CPTS-2024.xlsx", None),
        ("../../etc/passwd.pdf", "etc-passwd.pdf", None),
        ("a\r\nSet-Cookie: x=1.csv", "a-Set-Cookie-x-1.csv", "a-Set-Cookie: x=1.csv"),
    ],
)
def test_content_disposition(name, ascii_name, exact):
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    assert "\r" not in header and "\n" not in header and header.isascii()
    params = _parse(header)
    assert params["filename"] == ascii_name
    if exact is None:
        assert "filename*" not in header
    else:
        assert params["filename*"].startswith("UTF-8''")
        assert unquote(params["filename*"].removeprefix("UTF-8''")) == exact


@given(st.text(max_size=200))
def test_any_name_gives_a_valid_header(name):
    header = content_disposition(name + ".csv")
    assert header.isascii() and "\n" not in header and "\r" not in header
    fallback = _parse(header)["filename"]
    assert fallback and re.fullmatch(r"[A-Za-z0-9._-]+", fallback)
    assert "/" not in safe_filename(name) and "\\" not in safe_filename(name)
    assert len(safe_filename(name + ".csv")) <= 120


def test_download_sets_type_and_disposition():
    response = download(json_bytes({"montant": 1.5, "nom": "Hyères"}), "chiffres-clés.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="chiffres-cles.json"')
    assert "Hyères".encode() in response.content
    assert download(b"x", "a.csv")["Content-Type"] == "text/csv; charset=utf-8"
