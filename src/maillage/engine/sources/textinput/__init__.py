"""One way in for the text files of every importer: encodings, binary files, size limits.

Parsers read text through :func:`open_lines` (numbered lines) and :func:`csv_records` (CSV
records over those lines), so that the same hostile file gets the same French answer from
every importer, naming file, line, column and character:

* **encoding** — a byte-order mark decides (UTF-8, or UTF-16 LE / BE where the format
  allows it); otherwise UTF-8 when the first megabyte is UTF-8, else Windows-1252 where the
  format allows it (what Excel writes), unless that megabyte holds UTF-8 accented letters:
  then it is damaged UTF-8, read as UTF-8 so that the bad byte is reported on its line
  rather than every accent silently garbled;
* **binary files** — a spreadsheet, an archive, a PDF or any NUL byte is refused, saying
  what the file looks like;
* **one line at a time** — each line is decoded on its own, so an undecodable byte anywhere
  (after the first megabyte too) is reported on its line, in its column;
* **size limits** — a line longer than :data:`MAX_LINE_BYTES`, or a CSV record longer than
  that (an unclosed quote swallowing the file), is refused before being held in memory; the
  ``csv`` module's own field limit is reported in French, never as a traceback.
"""

from .encoding import (
    LABELS,
    MAX_LINE_BYTES,
    SAMPLE_BYTES,
    SPREADSHEET,
    UTF8,
    UTF8_OR_CP1252,
    Encoding,
    TextFormat,
    detect_encoding,
    field_index,
    position_of,
)
from .lines import TextLines, format_of, open_lines
from .records import TextStream, csv_records

__all__ = [
    "LABELS",
    "MAX_LINE_BYTES",
    "SAMPLE_BYTES",
    "SPREADSHEET",
    "UTF8",
    "UTF8_OR_CP1252",
    "Encoding",
    "TextFormat",
    "TextLines",
    "TextStream",
    "csv_records",
    "detect_encoding",
    "field_index",
    "format_of",
    "open_lines",
    "position_of",
]
