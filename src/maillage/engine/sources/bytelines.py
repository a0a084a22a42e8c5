"""Line iteration that decodes each line on its own, so a bad byte is reported on its line.

A text wrapper decodes ahead in blocks of several kilobytes, so a decoding error surfaces
while an earlier line is being read; decoding line by line keeps the number exact. This is
the entry for parsers that open their stream themselves (a zip member, for example); it
applies the limits of :mod:`.textinput` (line length, NUL bytes, byte-order marks).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .textinput import TextLines, format_of


def iter_decoded_lines(
    where: str | Path, binary: IO[bytes], encoding: str = "utf-8"
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` without the line ending; a bad byte names its line.

    Parameters
    ----------
    where : str or Path
        File name shown in messages.
    binary : binary file object
        Read from its current position; the first line read is numbered 1. A byte-order
        mark of ``encoding`` at its start is skipped, the mark of another encoding refused.
    encoding : str
        Codec of the file (UTF-16 included).

    Raises
    ------
    SourceError
        Undecodable byte, NUL byte or line longer than
        :data:`~maillage.engine.sources.textinput.MAX_LINE_BYTES`, naming line and character.
    """
    detected, fmt = format_of(encoding)
    return TextLines(where, binary, detected, fmt)
