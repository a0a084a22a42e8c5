"""OSRM table client against a fake OSRM server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from maillage.engine.accessibility.osrm import OsrmError, osrm_table_times
from maillage.engine.accessibility.traveltimes import crow_fly_times


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/… with crow-fly durations (seconds); records requests."""

    requests: list[str] = []
    fail = False

    def do_GET(self):
        type(self).requests.append(self.path)
        parsed = urllib.parse.urlsplit(self.path)
        parts = parsed.path.split("/")
        if type(self).fail or parts[1:4] != ["table", "v1", "driving"]:
            self._reply(400, {"code": "InvalidUrl", "message": "bad"})
            return
        coords = np.array([[float(x) for x in c.split(",")] for c in parts[4].split(";")])
        query = urllib.parse.parse_qs(parsed.query)
        sources = [int(k) for k in query["sources"][0].split(";")]
        destinations = [int(k) for k in query["destinations"][0].split(";")]
        lon, lat = coords[:, 0], coords[:, 1]
        o, d, minutes = crow_fly_times(lat, lon, 1e9, detour_factor=1.3, speed_kmh=50)
        full = np.full((len(coords), len(coords)), np.nan)
        full[o, d] = minutes * 60
        # The first source → first destination of every request is unreachable (null).
        durations = [
            [None if (a, b) == (0, 0) else full[s, t] for b, t in enumerate(destinations)]
            for a, s in enumerate(sources)
        ]
        self._reply(200, {"code": "Ok", "durations": durations})

    def _reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm_server():
    FakeOsrm.requests = []
    FakeOsrm.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_osrm_client_batches_and_matches_expected_times(osrm_server):
    rng = np.random.default_rng(5)
    lat = rng.uniform(45, 45.3, 23)
    lon = rng.uniform(4.8, 5.2, 23)
    o, d, t = osrm_table_times(osrm_server + "/", lat, lon, max_minutes=25, batch_size=10)
    assert len(FakeOsrm.requests) == 9  # 3 source batches × 3 destination batches
    exp_o, exp_d, exp_t = crow_fly_times(lat, lon, 25, detour_factor=1.3, speed_kmh=50)
    expected = dict(zip(zip(exp_o, exp_d, strict=True), exp_t, strict=True))
    got = dict(zip(zip(o, d, strict=True), t, strict=True))
    # Null durations (first source → first destination of each request) are dropped.
    unreachable = {(i, j) for i in (0, 10, 20) for j in (0, 10, 20)}
    assert set(got) == set(expected) - unreachable
    for key, value in got.items():
        assert value == pytest.approx(expected[key], abs=1e-3)  # coordinates sent to 1e-6°


def test_osrm_client_with_candidate_pairs(osrm_server):
    rng = np.random.default_rng(6)
    lat = rng.uniform(44, 46, 30)
    lon = rng.uniform(3, 6, 30)
    candidates = crow_fly_times(lat, lon, 40, detour_factor=1.0, speed_kmh=80)[:2]
    _o, _d, t = osrm_table_times(osrm_server, lat, lon, 40, batch_size=30, candidates=candidates)
    assert len(FakeOsrm.requests) == 1
    path = urllib.parse.unquote(FakeOsrm.requests[0])
    n_coords = path.split("?")[0].split("/")[-1].count(";") + 1
    assert n_coords == 30 + np.unique(candidates[1]).size
    assert np.all(t <= 40)


def test_osrm_errors_are_reported_in_french(osrm_server):
    FakeOsrm.fail = True
    with pytest.raises(OsrmError, match="HTTP 400"):
        osrm_table_times(osrm_server, [45.0], [5.0], 20)
    with pytest.raises(OsrmError, match="injoignable"):
        osrm_table_times("http://127.0.0.1:9", [45.0], [5.0], 20, timeout=2)
