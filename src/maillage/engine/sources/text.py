"""Helpers shared by the parsers: JSON files, headers matched by name, INSEE codes.

Text files are read through :mod:`.textinput`."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import SourceError
from .textinput import SAMPLE_BYTES, TextFormat, TextLines, detect_encoding, position_of


def normalise_header(name: str) -> str:
    """Header key compared case- and accent-insensitively, spaces collapsed.

    Official files change the case or the accents of a header between editions
    ("Libellé civilité exercice" / "Libellé civilité d'exercice"), so columns are looked up
    on this key rather than on the raw text.
    """
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.lower().replace("’", "'").split())


# French for the messages of the json module (the rest of a message is kept as it is).
_JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Unterminated string starting at": "chaîne jamais refermée",
    "Extra data": "données après la fin du document JSON",
    "Invalid control character at": "caractère de contrôle dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\uXXXX invalide",
}


def load_json(path: Path, expected: str) -> Any:
    """Decode the whole JSON file ``path`` (UTF-8, byte-order mark tolerated).

    A missing file, a binary or UTF-16 file, a byte that is not UTF-8 or invalid JSON is a
    :class:`SourceError` naming the file, the line and the character; ``expected`` says what
    the file should hold ("un tableau JSON", "du GeoJSON"). The structure of the result is
    the caller's to check.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise SourceError(path, "fichier introuvable") from error
    except IsADirectoryError as error:
        raise SourceError(path, "c'est un dossier, un fichier était attendu") from error
    json_format = TextFormat()
    encoding = detect_encoding(path, data[:SAMPLE_BYTES], json_format)
    try:
        text = data[len(encoding.bom) :].decode("utf-8")
    except UnicodeDecodeError as error:
        line, character = position_of(data, error.start + len(encoding.bom))
        bad = data[error.start + len(encoding.bom) : error.end + len(encoding.bom)]
        raise SourceError(
            path,
            f"caractère illisible dans l'encodage UTF-8 (octet 0x{bad.hex(' ').upper()})",
            line=line,
            character=character,
            expected="un fichier JSON en UTF-8",
        ) from error
    del data
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = next(
            (fr for en, fr in _JSON_MESSAGES.items() if error.msg.startswith(en)), error.msg
        )
        raise SourceError(
            path,
            f"JSON invalide : {message}",
            line=error.lineno,
            character=error.colno,
            expected=expected,
        ) from error


def open_text(path: Path, encodings: Iterable[str] = ("utf-8",)) -> io.TextIOBase:
    """Open ``path`` as text in the encoding detected by :func:`.textinput.detect_encoding`
    among ``encodings`` (``"utf-16"`` in the list accepts UTF-16 with a byte-order mark).

    Kept for parsers that read the encoding from the handle and then decode the lines
    themselves with :func:`.bytelines.iter_decoded_lines`; new code uses
    :func:`.textinput.open_lines`.
    """
    names = tuple(encodings)
    text_format = TextFormat(
        tuple(name for name in names if name != "utf-16"), utf16="utf-16" in names
    )
    try:
        with open(path, "rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except FileNotFoundError as error:
        raise SourceError(path, "fichier introuvable") from error
    encoding = detect_encoding(path, head, text_format)
    return open(path, encoding=encoding.codec, newline="")


_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def is_insee_code(code: str) -> bool:
    """Five digits, or 2A / 2B followed by three digits (Corsica)."""
    return bool(_INSEE_CODE.match(code))


def required_header(
    lines: TextLines, required: tuple[str, ...], separators: str
) -> tuple[str, list[str]]:
    """Separator (the most frequent of ``separators`` on the header line) and normalised
    column names of a CSV header that must hold every ``required`` column; the columns are
    named on ``lines`` so that later errors name their column."""
    line = lines.header(expected=separators[0].join(required))
    separator = max(separators, key=line.count)
    raw_names = next(csv.reader([line], delimiter=separator))
    lines.name_columns(separator, raw_names)
    names = [normalise_header(name) for name in raw_names]
    for column in required:
        if column not in names:
            raise SourceError(
                lines.where,
                "colonne obligatoire absente de l'en-tête",
                line=1,
                column=column,
                expected=separator.join(required),
            )
    return separator, names
