"""Downloads of official files: streamed to a temporary file, renamed once complete."""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .errors import SourceError

USER_AGENT = "maillage (logiciel libre ; import de données ouvertes officielles)"
CHUNK = 1 << 16


def download(
    url: str, target: Path, *, timeout: float = 60.0, progress: Callable[[int], None] | None = None
) -> Path:
    """Fetch ``url`` into ``target``; a failed or partial download leaves nothing behind."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partiel-")
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                    expected = response.headers.get("Content-Length")
                    received = 0
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        received += len(chunk)
                        if progress:
                            progress(len(chunk))
            except urllib.error.HTTPError as error:
                error.close()  # the error carries the open response
                raise SourceError(
                    url,
                    f"le serveur a répondu {error.code} {error.reason}",
                    expected="une réponse 200",
                ) from error
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                raise SourceError(url, f"téléchargement impossible ({error})") from error
        if expected is not None and received != int(expected):
            raise SourceError(
                url,
                "téléchargement incomplet",
                expected=f"{expected} octets",
                found=f"{received} octets",
            )
        if received == 0:
            raise SourceError(url, "fichier téléchargé vide")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
