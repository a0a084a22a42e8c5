"""Helpers shared by the parsers: opening text and JSON files, matching headers by name."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import SourceError


def normalise_header(name: str) -> str:
    """Header key compared case- and accent-insensitively, spaces collapsed.

    Official files change the case or the accents of a header between editions
    ("Libellé civilité exercice" / "Libellé civilité d'exercice"), so columns are looked up
    on this key rather than on the raw text.
    """
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.lower().replace("’", "'").split())


def load_json(path: Path, expected: str) -> Any:
    """Decode the whole JSON file ``path`` (UTF-8).

    A missing file, a file not in UTF-8 or invalid JSON is a :class:`SourceError` naming the
    file (and the line and character for invalid JSON); ``expected`` says what the file should
    hold ("un tableau JSON", "du GeoJSON"). The structure of the result is the caller's to check.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as error:
        raise SourceError(path, "fichier introuvable") from error
    except UnicodeDecodeError as error:
        raise SourceError(path, "le fichier n'est pas en UTF-8", expected="UTF-8") from error
    except json.JSONDecodeError as error:
        raise SourceError(
            path,
            f"JSON invalide : {error.msg}",
            line=error.lineno,
            column=f"caractère {error.colno}",
            expected=expected,
        ) from error


def open_text(path: Path, encodings: Iterable[str] = ("utf-8",)) -> io.TextIOBase:
    """Open ``path`` with the first encoding that decodes its first megabyte.

    The whole file is then read lazily with that encoding; a later decoding error is turned
    into a :class:`SourceError` by :func:`iter_lines`.
    """
    encodings = tuple(encodings)
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    for encoding in encodings:
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is not a real error.
            if error.start >= len(head) - 4 and encoding.replace("-", "").lower() == "utf8":
                pass
            else:
                continue
        return open(path, encoding=encoding, newline="")
    raise SourceError(
        path,
        "encodage de caractères non reconnu",
        expected=" ou ".join(encodings),
    )


def iter_lines(path: Path, handle: io.TextIOBase) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line_without_newline)``; decoding errors name the line."""
    number = 0
    while True:
        try:
            line = handle.readline()
        except UnicodeDecodeError as error:
            raise SourceError(
                path,
                "caractère illisible dans l'encodage du fichier",
                line=number + 1,
                expected=handle.encoding,
                found=repr(error.object[error.start : error.end]),
            ) from error
        if not line:
            return
        number += 1
        yield number, line.rstrip("\r\n")


_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def is_insee_code(code: str) -> bool:
    """Five digits, or 2A / 2B followed by three digits (Corsica)."""
    return bool(_INSEE_CODE.match(code))
