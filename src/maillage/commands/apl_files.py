"""Files of ``maillage access apl``: the population and supply CSV it reads, the APL CSV it
writes (atomically)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
import numpy as np

from maillage.engine.accessibility import demand as demands
from maillage.engine.sources.columns import Number, read_typed
from maillage.engine.sources.errors import SourceError


def read_population(path: Path, profile_path: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """Codes and (standardised) demand from ``code,population`` or age bands + profile."""
    if profile_path is None:
        read = read_typed(
            path,
            codes=("code",),
            numbers={"population": Number(minimum=0, expected="un effectif positif")},
            aliases={"code_insee": "code"},
        )
        demand = read.numbers["population"]
    else:
        profile = read_typed(
            profile_path,
            codes=("tranche",),
            numbers={"consommation": Number(minimum=0, expected="une consommation positive")},
        )
        bands = profile.codes["tranche"].text().tolist()
        read = read_typed(
            path,
            codes=("code",),
            numbers={band: Number(minimum=0, expected="un effectif") for band in bands},
            aliases={"code_insee": "code"},
        )
        by_age = np.column_stack([read.numbers[band] for band in bands])
        try:
            demand = demands.standardised_demand(by_age, profile.numbers["consommation"])
        except ValueError as exc:
            raise SourceError(profile_path, str(exc)) from exc
    codes = read.codes["code"]
    k = codes.first_repeated_row()
    if k is not None:
        raise SourceError(
            path, "code répété", line=k + read.first_line, column="code", found=codes.text()[k]
        )
    return codes.text(), demand


def read_supply(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Codes and supply from ``code,offre``; lines with the same code are summed."""
    read = read_typed(
        path,
        codes=("code",),
        numbers={"offre": Number(minimum=0, expected="une offre")},
        aliases={"code_insee": "code"},
    )
    codes = read.codes["code"]
    summed = np.bincount(codes.index, weights=read.numbers["offre"], minlength=codes.values.size)
    return codes.values, summed


def write_apl(codes, values, output_path: Path | None) -> None:
    if output_path is None:
        handle = sys.stdout
        write_rows(handle, codes, values)
        return
    temporary = output_path.with_name(output_path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        write_rows(handle, codes, values)
    temporary.replace(output_path)  # atomic: never a half-written result file
    click.echo(f"{codes.size} communes écrites dans {output_path}", err=True)


def write_rows(handle, codes, values) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["code", "apl"])
    writer.writerows(zip(codes.tolist(), (repr(float(v)) for v in values), strict=True))
