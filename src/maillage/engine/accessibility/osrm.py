"""Client of the OSRM ``table`` service, batched, for a user's own OSRM server.

OSRM (Open Source Routing Machine) computes road travel times; its ``table`` service returns
the durations between sources and destinations in one request. Public demo servers forbid
bulk use: point ``base_url`` to your own server (e.g. ``http://localhost:5000``). Only the
standard library is used (urllib).

Request: ``GET {base_url}/table/v1/{profile}/{lon,lat;…}?sources=…&destinations=…
&annotations=duration``; reply: ``{"code": "Ok", "durations": [[seconds or null, …], …]}``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import numpy as np


class OsrmError(RuntimeError):
    """The OSRM server refused a request or sent an unexpected reply (message in French)."""


def _request(url: str, timeout: float) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 (user's server)
            body = reply.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise OsrmError(
            f"serveur OSRM : erreur HTTP {exc.code} pour {url[:200]} ({detail})"
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OsrmError(f"serveur OSRM injoignable ({url[:200]}) : {exc}") from exc
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise OsrmError(f"serveur OSRM : réponse JSON invalide ({url[:200]})") from exc
    if payload.get("code") != "Ok" or "durations" not in payload:
        raise OsrmError(
            f"serveur OSRM : réponse « {payload.get('code')} » "
            f"({payload.get('message', 'sans message')})"
        )
    return payload


def osrm_table_times(
    base_url: str,
    latitude: Any,
    longitude: Any,
    max_minutes: float,
    batch_size: int = 100,
    profile: str = "driving",
    candidates: tuple[Any, Any] | None = None,
    timeout: float = 60.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Road travel times between points from an OSRM server, pairs with ``t <= max_minutes``.

    Sources are sent in batches of ``batch_size``; for each source batch, the destinations
    (all points, or the union of the ``candidates`` of the batch) are sent in batches of
    ``batch_size`` too, so a request never carries more than ``2 × batch_size`` coordinates.

    Parameters
    ----------
    base_url : str
        Server root, e.g. ``"http://localhost:5000"``.
    latitude, longitude : array of float, shape (n,)
        WGS84 degrees.
    max_minutes : float
        Pairs slower than this (or unreachable, ``null``) are dropped; inclusive.
    batch_size : int
        Coordinates per side and per request (OSRM's ``--max-table-size`` defaults to 100).
    profile : str
        OSRM profile in the URL (``driving``, ``car``…), as configured on the server.
    candidates : (array of int, array of int), optional
        Candidate (origin, destination) pairs, e.g. from
        :func:`.traveltimes.crow_fly_times` with a generous speed; only these destinations
        are queried for each source batch (the returned pairs may include a few more).
    timeout : float
        Seconds per request.

    Returns
    -------
    origins, destinations : ndarray of int64
    minutes : ndarray of float64
        OSRM durations converted from seconds to minutes; self pairs included (OSRM returns 0).
    """
    if batch_size < 1:
        raise ValueError("batch_size : entier >= 1 attendu")
    latitude = np.asarray(latitude, dtype=np.float64)
    longitude = np.asarray(longitude, dtype=np.float64)
    n = latitude.size
    base = base_url.rstrip("/")
    if candidates is not None:
        cand_o = np.asarray(candidates[0], dtype=np.int64)
        cand_d = np.asarray(candidates[1], dtype=np.int64)
        order = np.argsort(cand_o, kind="stable")
        cand_o, cand_d = cand_o[order], cand_d[order]
    out_o, out_d, out_t = [], [], []
    for start in range(0, n, batch_size):
        sources = np.arange(start, min(start + batch_size, n))
        if candidates is None:
            targets = np.arange(n)
        else:
            lo, hi = np.searchsorted(cand_o, [sources[0], sources[-1] + 1])
            targets = np.unique(cand_d[lo:hi])
        for t_start in range(0, targets.size, batch_size):
            dests = targets[t_start : t_start + batch_size]
            points = np.concatenate([sources, dests])
            coords = ";".join(f"{longitude[k]:.6f},{latitude[k]:.6f}" for k in points)
            url = (
                f"{base}/table/v1/{profile}/{coords}"
                f"?sources={';'.join(map(str, range(sources.size)))}"
                f"&destinations={';'.join(map(str, range(sources.size, points.size)))}"
                "&annotations=duration"
            )
            durations = _request(url, timeout)["durations"]
            seconds = np.array(
                [[np.nan if v is None else v for v in row] for row in durations], dtype=np.float64
            )
            if seconds.shape != (sources.size, dests.size):
                raise OsrmError(
                    f"serveur OSRM : matrice {seconds.shape} reçue, "
                    f"{(sources.size, dests.size)} attendue"
                )
            minutes = seconds / 60.0
            rows, cols = np.nonzero(minutes <= max_minutes)  # NaN (unreachable) is dropped
            out_o.append(sources[rows])
            out_d.append(dests[cols])
            out_t.append(minutes[rows, cols])
    if not out_o:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0)
    return np.concatenate(out_o), np.concatenate(out_d), np.concatenate(out_t)
