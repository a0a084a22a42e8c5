"""Download responses: content type by extension and a Content-Disposition that is always safe.

File names are built from user data (a structure's identifier, a département code), so they may
hold accents, quotes, slashes or line breaks. The header carries an ASCII fallback
(``filename="…"``, accents folded, anything else replaced by « - ») and the exact name encoded
per RFC 6266 / RFC 5987 (``filename*=UTF-8''…``), which every current browser prefers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from .writers import XLSX_MIME

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_MIME,
    "pdf": "application/pdf",
    "json": "application/json",
}
MAX_NAME = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\"]+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """``name`` without path separators, quotes or control characters, never empty."""
    cleaned = _UNSAFE.sub("-", unicodedata.normalize("NFC", name))
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip(" .-")
    stem, dot, ext = cleaned.rpartition(".")
    if dot and len(cleaned) > MAX_NAME:
        cleaned = stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return cleaned[:MAX_NAME] or "export"


def ascii_filename(name: str) -> str:
    """The ASCII fallback: accents folded (« relevé » → « releve »), other signs → « - »."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", _NOT_ASCII_SAFE.sub("-", folded)).strip(".-") or "export"


def content_disposition(name: str, attachment: bool = True) -> str:
    exact = safe_filename(name)
    fallback = ascii_filename(exact)
    header = f'{"attachment" if attachment else "inline"}; filename="{fallback}"'
    if fallback != exact:
        header += f"; filename*=UTF-8''{quote(exact, safe='')}"
    return header


def download(data: bytes, filename: str) -> HttpResponse:
    """An attachment response; the content type follows the file's extension."""
    extension = filename.rpartition(".")[2].lower()
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = content_disposition(filename)
    return response


def json_bytes(data: Any) -> bytes:
    """JSON exports: UTF-8 text (accents kept), dates and decimals as strings."""
    return json.dumps(data, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()
