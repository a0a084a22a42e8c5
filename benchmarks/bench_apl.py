"""Benchmark: national E2SFCA (APL) with our sparse engine vs PySAL ``access``.

Inputs: every commune of the COG 2024 points file (rcarlier, ../shared/data), crow-fly travel
times under 30 minutes (about 3 million pairs), the real 2021 population (floored at 1 so that
every supply commune has demand in reach) and a synthetic supply. Both engines use the same
step weights {10: 1, 20: 0.68, 30: 0.22} (PySAL's E2SFCA default), bands inclusive.

Prints our time, the peer's time, the ratio, the full national pipeline time and the largest
difference between the two results (must be under 1e-9).

Run: ``.venv/bin/python benchmarks/bench_apl.py [--repeat 5] [--skip-peer]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from maillage.engine.accessibility import crow_fly_times, e2sfca, step_decay, weight_matrix

POINTS = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "communes-points"
    / "communes_2024_points_rcarlier.csv"
)
BANDS = {10: 1.0, 20: 0.68, 30: 0.22}


def best_of(repeat, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of our engine (best kept)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run PySAL access")
    args = parser.parse_args()

    frame = pd.read_csv(POINTS, dtype={"code_insee": str})
    frame = frame.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
    lat = frame["latitude"].to_numpy()
    lon = frame["longitude"].to_numpy()
    n = len(frame)
    rng = np.random.default_rng(2024)
    population = np.maximum(frame["population_2021"].fillna(0).to_numpy(dtype=float), 1.0)
    supply = np.where(
        (population > 1000) & (rng.random(n) < 0.7), population / 1100 * 5400, 0.0
    ).round()
    decay = step_decay(BANDS)

    crow_time, (origins, destinations, minutes) = best_of(
        args.repeat, lambda: crow_fly_times(lat, lon, 30)
    )

    def ours():
        weights = weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
        return e2sfca(weights, population, supply)

    our_time, our_result = best_of(args.repeat, ours)
    print(f"communes : {n}, couples (t <= 30 min, dont t_ii = 0) : {minutes.size}")
    print(f"temps à vol d'oiseau (cKDTree)           : {crow_time:8.3f} s")
    print(f"notre E2SFCA (matrice creuse + 2 étapes) : {our_time:8.3f} s")
    print(f"chaîne nationale complète                : {crow_time + our_time:8.3f} s")
    total = (population * our_result).sum()
    print(f"contrôle Σ P·APL / Σ S                   : {total / supply.sum():.12f}")
    if args.skip_peer:
        return

    try:
        from access import Access
        from access import weights as access_weights

        peer_name = "PySAL access (pip install access)"
    except ImportError:  # pragma: no cover - the peer is installed in the project venv
        raise SystemExit("PySAL access absent : pip install access") from None

    codes = frame["code_insee"].to_numpy()
    demand_df = pd.DataFrame({"geoid": codes, "pop": population})
    supply_df = pd.DataFrame({"geoid": codes, "doc": supply})
    cost_df = pd.DataFrame({"origin": codes[origins], "dest": codes[destinations], "cost": minutes})

    def peer():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Access(
                demand_df=demand_df,
                demand_index="geoid",
                demand_value="pop",
                supply_df=supply_df,
                supply_index="geoid",
                supply_value="doc",
                cost_df=cost_df,
                cost_origin="origin",
                cost_dest="dest",
                cost_name="cost",
            )
            return model.enhanced_two_stage_fca(weight_fn=access_weights.step_fn(BANDS))

    peer_time, peer_frame = best_of(1, peer)
    peer_result = peer_frame.iloc[:, 0].reindex(codes).to_numpy(dtype=float)
    difference = np.nanmax(np.abs(peer_result - our_result))
    print(f"{peer_name:41s}: {peer_time:8.3f} s")
    print(f"rapport pair / nous                      : {peer_time / our_time:8.1f} ×")
    print(f"écart maximal entre les deux résultats   : {difference:.3e}")
    print(f"NaN chez le pair                         : {int(np.isnan(peer_result).sum())}")
    status = "OK" if difference <= 1e-9 else "ÉCHEC"
    print(f"résultats identiques à 1e-9 près         : {status}")


if __name__ == "__main__":
    main()
