"""Line iteration that decodes each line on its own, so a bad byte is reported on its line.

A text wrapper decodes ahead in blocks of several kilobytes, so a decoding error surfaces
while an earlier line is being read; decoding line by line keeps the number exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import SourceError


def iter_decoded_lines(
    where: str | Path, binary: IO[bytes], encoding: str = "utf-8"
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` without the line ending; a bad byte names its line.

    Parameters
    ----------
    where : str or Path
        File name shown in messages.
    binary : binary file object
        Read from its current position; the first line read is numbered 1.
    encoding : str
        Codec of the file.
    """
    for number, raw in enumerate(binary, start=1):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise SourceError(
                where,
                f"caractère illisible dans l'encodage du fichier (octet {error.start + 1} "
                "de la ligne)",
                line=number,
                expected=encoding,
                found=repr(raw[error.start : error.end]),
            ) from error
        yield number, text.rstrip("\r\n")
