"""The one export module: every CSV, XLSX, PDF and JSON download of the site goes through it.

A view (or a CLI command) describes its table with :class:`Table` / :class:`Column`, asks for
bytes (:func:`csv_bytes`, :func:`xlsx_bytes`, :func:`pdf_bytes`, :func:`json_bytes`) and answers
with :func:`download`. French formats, precision, formula neutralisation and safe file names are
decided here, not in each view.
"""

from .cells import (
    DATE,
    DATETIME,
    INTEGER,
    MONEY,
    NUMBER,
    TEXT,
    Column,
    Figure,
    Table,
    is_formula_like,
    neutralise,
)
from .http import content_disposition, download, json_bytes, safe_filename
from .writers import XLSX_MIME, csv_bytes, pdf_bytes, xlsx_bytes

__all__ = [
    "DATE",
    "DATETIME",
    "INTEGER",
    "MONEY",
    "NUMBER",
    "TEXT",
    "XLSX_MIME",
    "Column",
    "Figure",
    "Table",
    "content_disposition",
    "csv_bytes",
    "download",
    "is_formula_like",
    "json_bytes",
    "neutralise",
    "pdf_bytes",
    "safe_filename",
    "xlsx_bytes",
]
