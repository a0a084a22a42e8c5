"""Statistical secrecy: every commune-level count is protected ONCE, territories are sums.

Design (see ``docs/diagnostic.md``, « Secret statistique »):

- A *cell* is one count of one commune: the general practitioners whose main practice is in
  commune c, the patients in ALD of commune c in 2024, the liberal physiotherapists counted by
  the APL in commune c… Each cell is protected once, here, before anything else reads it:
  a count of at least ``seuil`` enters exactly; 0 stays 0; a count between 1 and seuil − 1 is
  replaced by a *stand-in* in 1..seuil − 1 drawn from a keyed hash (keyed BLAKE2b) of the
  cell's name, with a key that only the server knows (law 1/k: :func:`stand_in_law`). The
  stand-in does not depend on the true count: it says nothing more than « between 1 and
  seuil − 1 ».
- Every published territory value is a plain sum of protected cells (and every ratio uses
  that sum as its numerator). The difference of any two published territories is therefore a
  sum of protected cells: averaging over as many territories as one likes converges to the
  stand-ins, never to the hidden counts.
- A territory total is shown as « secret statistique » when its smallest possible true value,
  knowing only what is public (exact cells, zeros, and how many cells are small), is below the
  threshold: ``0 < Σ floor < seuil`` with floor = the exact count, 1 for a small cell, 0 for
  zero. Every territory whose TRUE total is below the threshold is hidden (true ≥ Σ floor), and
  the decision itself depends on public knowledge only, so it reveals nothing either.

Consequence: whatever is published — any territory, any number of queries, any channel — is a
function of the exact large cells, of which cells are zero or small, and of the key. Two
databases that differ only by the values of small cells publish exactly the same thing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

SECRET_LABEL = "secret statistique"  # noqa: S105 (a label, not a password)
#: Families of counts, each with its own dated threshold (``secret_statistique.seuil_*``).
PROFESSIONNELS = "professionnels"
PATIENTS = "patients"
FAMILIES = (PROFESSIONNELS, PATIENTS)


@dataclass(frozen=True)
class SecrecyPolicy:
    """Thresholds per family of counts and the server key of the stand-ins."""

    key: bytes
    seuils: Mapping[str, int] = field(default_factory=lambda: {PROFESSIONNELS: 5, PATIENTS: 10})

    def __post_init__(self) -> None:
        if not 16 <= len(self.key) <= 64:
            raise ValueError("clé du secret statistique : de 16 à 64 octets attendus")
        for family, seuil in self.seuils.items():
            if family not in FAMILIES:
                raise ValueError(f"famille de secret inconnue : {family!r}")
            if int(seuil) != seuil or seuil < 1:
                raise ValueError(f"seuil « {family} » : entier ≥ 1 attendu, reçu {seuil!r}")

    @property
    def seuil(self) -> int:
        """Threshold of counts of professionals (the general one)."""
        return int(self.seuils[PROFESSIONNELS])

    def seuil_of(self, family: str) -> int:
        try:
            return int(self.seuils[family])
        except KeyError:
            raise ValueError(f"famille de secret inconnue : {family!r}") from None

    def fingerprint(self) -> str:
        """Short digest of the policy (thresholds and key) for cache keys; not reversible."""
        text = repr(sorted(self.seuils.items())).encode()
        return hmac.new(self.key, b"policy:" + text, hashlib.sha256).hexdigest()[:16]


def stand_in_law(seuil: int) -> np.ndarray:
    """Probabilities of the stand-ins 1 .. seuil − 1: proportional to 1/k.

    Any law that ignores the true count keeps the guarantee; this one is close to how small
    counts are spread in practice (generated Var supply: 50 / 25 / 15 / 10 % of the cells of
    1 / 2 / 3 / 4 professionals; 1/k gives 48 / 24 / 16 / 12 %), so that the stand-ins of many
    small cells add up to about the sum of the true counts (docs/diagnostic.md, « Coût »).
    """
    weights = 1.0 / np.arange(1, max(seuil, 2), dtype=np.float64)
    return weights / weights.sum()


def stand_ins(names: Iterable[str], seuil: int, key: bytes) -> np.ndarray:
    """Stand-in values in ``1 .. seuil − 1`` of the named cells (law :func:`stand_in_law`):
    a keyed hash of the name (BLAKE2b in keyed mode, RFC 7693: a pseudo-random function of the
    name for whoever lacks the key) picks the value, so a cell always gets the same."""
    names = list(names)
    if seuil <= 2:
        return np.ones(len(names), dtype=np.float64)
    draws = [
        int.from_bytes(hashlib.blake2b(name.encode(), key=key, digest_size=8).digest(), "big")
        for name in names
    ]
    uniform = np.array(draws, dtype=np.float64) / 2.0**64
    cumulative = np.cumsum(stand_in_law(seuil))
    position = np.searchsorted(cumulative, uniform, side="right")
    return np.minimum(position, seuil - 2).astype(np.float64) + 1.0


@dataclass(frozen=True)
class ProtectedCells:
    """Protected commune-level counts (any shape; communes along the first axis).

    ``value``: what enters every sum (exact, stand-in or 0); ``floor``: the smallest true
    count compatible with what is public (exact, 1 or 0), for the territory rule.
    """

    value: np.ndarray
    floor: np.ndarray
    seuil: int

    def total(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Sums of values and floors over the communes ``rows`` (all when None)."""
        if rows is None:
            return self.value.sum(axis=0), self.floor.sum(axis=0)
        return self.value[rows].sum(axis=0), self.floor[rows].sum(axis=0)


def protect(
    counts: np.ndarray,
    names: Callable[[tuple[np.ndarray, ...]], Iterable[str]],
    seuil: int,
    key: bytes,
    ceiling: np.ndarray | None = None,
) -> ProtectedCells:
    """THE protection step of commune-level counts.

    ``names(positions)`` names the small cells at ``positions`` (the ``np.nonzero`` tuple):
    the name must identify the cell (what is counted, the commune, the vintage) and nothing
    else, so that a cell always gets the same stand-in. ``ceiling``: protected values of an
    enclosing count (the liberal professionals are some of the professionals): a stand-in
    never exceeds it, so that published parts never exceed their whole.
    """
    counts = np.nan_to_num(np.asarray(counts, dtype=np.float64), nan=0.0)
    if np.any(counts < 0):
        raise ValueError("effectifs : valeurs positives ou nulles attendues")
    small = (counts > 0) & (counts < seuil)
    value = counts.copy()
    floor = counts.copy()
    positions = np.nonzero(small)
    if positions[0].size:
        stand = stand_ins(names(positions), seuil, key)
        if ceiling is not None:
            stand = np.minimum(stand, np.asarray(ceiling, dtype=np.float64)[positions])
        value[positions] = stand
        floor[positions] = 1.0
    return ProtectedCells(value, floor, int(seuil))


def public(values: np.ndarray) -> ProtectedCells:
    """Cells of an already-public figure (population, a published APL): exact, never secret."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    return ProtectedCells(values, np.zeros_like(values), 1)


def is_secret(floor_total: np.ndarray | float, seuil: int) -> np.ndarray:
    """Territory rule: secret when the smallest possible true total is in ``1 .. seuil − 1``."""
    floor_total = np.asarray(floor_total, dtype=np.float64)
    return (floor_total > 0) & (floor_total < seuil)


@dataclass(frozen=True)
class Published:
    """Published territory values: ``valeur`` is NaN where ``secret`` is True."""

    valeur: np.ndarray
    secret: np.ndarray


def publish(cells: ProtectedCells, rows: np.ndarray | None = None) -> Published:
    """Published totals of ``cells`` over the communes ``rows``."""
    value, floor = cells.total(rows)
    secret = is_secret(floor, cells.seuil)
    return Published(np.where(secret, np.nan, value), secret)
