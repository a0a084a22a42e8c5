"""Every published indicator of random territories, recomputed from the raw tables by an
independent path: plain SQL read into pandas, the aggregation rules and the statistical secrecy
written again here (keyed BLAKE2b stand-ins, law 1/k, territory rule), compared with the diagnosis.

A new indicator that this file does not recompute makes the test fail (the sets of codes must
be equal), so « every indicator » stays true.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from maillage.web.access import services as access_services
from maillage.web.diagnostics import services
from maillage.web.secrecy import policy
from maillage.web.territories.models import Commune

from . import factories

pytestmark = pytest.mark.django_db

AGES = ["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_89", "pop_90_plus"]
AGE_CODES = ["0014", "1529", "3044", "4559", "6074", "7589", "90P"]


def sql(query: str) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(query)
        columns = [c[0] for c in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def stand_in(name: str, seuil: int, key: bytes) -> int:
    """Written again from docs/diagnostic.md: keyed BLAKE2b → uniform in [0, 1) → law 1/k."""
    digest = hashlib.blake2b(name.encode(), key=key, digest_size=8).digest()
    u = int.from_bytes(digest, "big") / 2**64
    weights = np.array([1 / k for k in range(1, seuil)])
    cumulative = np.cumsum(weights / weights.sum())
    return int(min(np.searchsorted(cumulative, u, side="right"), seuil - 2)) + 1


class Tables:
    """The raw tables and the protected commune cells, computed here."""

    def __init__(self):
        pol = policy()
        self.key, self.seuils = pol.key, dict(pol.seuils)
        self.communes = sql(
            "SELECT code, population, surface_km2, " + ", ".join(AGES) + " FROM territories_commune"
            " WHERE statut = 'actuelle' AND nature = 'COM' ORDER BY code"
        ).set_index("code")
        assert sql("SELECT COUNT(*) AS n FROM territories_commune WHERE nature = 'ARM'").n[0] == 0
        activities = sql(
            "SELECT a.id, a.professional_id, a.commune_id, a.mode_exercice, p.categorie, "
            "p.annee_naissance FROM supply_activity a JOIN supply_professional p "
            "ON p.id = a.professional_id WHERE p.actif AND a.commune_id IS NOT NULL ORDER BY a.id"
        )
        liberal = set(activities.professional_id[activities.mode_exercice == "L"])
        pros = activities.drop_duplicates("professional_id").copy()  # first practice
        pros["liberal"] = pros.professional_id.isin(liberal)
        year = dt.date.today().year
        pros["aged"] = pros.annee_naissance.notna() & (pros.categorie == "medecin_generaliste")
        pros["old"] = pros.aged & (year - pros.annee_naissance.astype(float) >= 60)
        self.categories = sorted(pros.categorie.unique())
        seuil = self.seuils["professionnels"]
        self.cells = {}
        for what, rows in (
            ("effectif", pros),
            ("liberaux", pros[pros.liberal]),
        ):
            counts = rows.groupby(["commune_id", "categorie"]).size()
            self.cells[what] = self.protect(counts, lambda c, k, w=what: f"rpps|{w}|{k}|{c}", seuil)
        for what, flag in (("gp_ages", "aged"), ("gp_60", "old")):
            counts = pros[pros[flag]].groupby("commune_id").size()
            label = f"ages_connus_{year}" if what == "gp_ages" else f"60_ans_ou_plus_{year}"
            self.cells[what] = self.protect(
                counts, lambda c, label=label: f"rpps|{label}|medecin_generaliste|{c}", seuil
            )
        # Stand-ins never exceed the enclosing count (liberal ≤ all, 60+ ≤ known ages ≤ GPs).
        self.clamp("liberaux", lambda key: self.cells["effectif"][0].get(key, 0))
        self.clamp(
            "gp_ages", lambda c: self.cells["effectif"][0].get((c, "medecin_generaliste"), 0)
        )
        self.clamp("gp_60", lambda c: self.cells["gp_ages"][0].get(c, 0))
        self.indicators = self.registry()
        self.history = sql("SELECT commune_id, annee, population FROM territories_populationlegale")
        self.establishments = sql(
            "SELECT classe, commune_id FROM supply_establishment WHERE commune_id IS NOT NULL"
        )

    def protect(self, counts: pd.Series, name, seuil: int):
        values, floors = {}, {}
        for key, count in counts.items():
            if 0 < count < seuil:
                names = key if isinstance(key, tuple) else (key,)
                values[key], floors[key] = stand_in(name(*names), seuil, self.key), 1
            else:
                values[key] = floors[key] = float(count)
        return values, floors, seuil

    def clamp(self, what: str, ceiling) -> None:
        values, floors, seuil = self.cells[what]
        for key in values:
            if floors[key] == 1 and seuil > 1:
                values[key] = min(values[key], ceiling(key))

    def registry(self) -> dict:
        definitions = sql(
            "SELECT code, facteur, agregation, secret, numerateur_public, denominateur_public "
            "FROM supply_indicatordefinition"
        )
        values = sql("SELECT indicator_id, commune_id, annee, numerateur, denominateur "
                     "FROM supply_indicatorvalue")  # fmt: skip
        out = {}
        for d in definitions.itertuples():
            rows = values[values.indicator_id == d.code]
            if rows.empty:
                continue
            latest = rows.annee.max()
            rows = rows[(rows.annee == latest) & rows.commune_id.isin(self.communes.index)]
            seuil = self.seuils[d.secret]
            cells = {}
            for part, public in (
                ("numerateur", d.numerateur_public),
                ("denominateur", d.denominateur_public),
            ):
                series = rows.set_index("commune_id")[part].astype(float)
                if public:
                    cells[part] = (series.fillna(0).to_dict(), {}, 1)
                else:
                    counts = series.fillna(0)
                    cells[part] = self.protect(
                        counts,
                        lambda c, p=part, d=d, y=latest: f"indicateur|{d.code}|{y}|{p}|{c}",
                        seuil,
                    )
            known = rows.set_index("commune_id")
            both = set(known.index[known.numerateur.notna() & known.denominateur.notna()])
            out[d.code] = (d, cells, both, set(known.index))
        return out

    @staticmethod
    def total(cells, keys) -> tuple[float, bool]:
        values, floors, seuil = cells
        value = sum(values.get(k, 0) for k in keys)
        floor = sum(floors.get(k, 0) for k in keys)
        return value, 0 < floor < seuil

    def expected(self, codes: list[str]) -> dict[str, tuple[float | None, bool]]:
        """Published value and secret flag of every indicator for the communes ``codes``."""
        c = self.communes.loc[codes]
        out: dict[str, tuple[float | None, bool]] = {}
        population = float(c.population.fillna(0).sum())
        surface = float(c.surface_km2.fillna(0).sum())
        out["population"] = (population, False)
        out["surface"] = (surface, False)
        out["densite"] = (population / surface if surface > 0 else None, False)
        aged = c[AGES].dropna()
        total = float(aged.to_numpy().sum())
        for code, column in zip(AGE_CODES, AGES, strict=True):
            out[f"age.{code}"] = (aged[column].sum() / total * 100 if total else None, False)
        old = float(aged[["pop_75_89", "pop_90_plus"]].to_numpy().sum())
        out["age.75_plus"] = (old / total * 100 if total else None, False)
        for k in self.categories:
            keys = [(code, k) for code in codes]
            value, secret = self.total(self.cells["effectif"], keys)
            out[f"offre.{k}.effectif"] = (None if secret else value, secret)
            lib, lib_secret = self.total(self.cells["liberaux"], keys)
            out[f"offre.{k}.liberaux"] = (None if lib_secret else lib, lib_secret)
            density = value / population * 100_000 if population > 0 and not secret else None
            out[f"offre.{k}.densite"] = (density, secret)
        aged_gp, s1 = self.total(self.cells["gp_ages"], codes)
        old_gp, s2 = self.total(self.cells["gp_60"], codes)
        share = None if s1 or s2 or not aged_gp else min(100.0, old_gp / aged_gp * 100)
        out["offre.medecin_generaliste.part_60_plus"] = (share, s1 or s2)
        for code, (d, cells, both, present) in self.indicators.items():
            rows = [x for x in codes if x in (both if d.agregation != "somme" else present)]
            num, secret = self.total(cells["numerateur"], rows)
            if d.agregation == "somme":
                value = num * d.facteur
            else:
                den, den_secret = self.total(cells["denominateur"], rows)
                secret = secret or den_secret
                value = num / den * d.facteur if den > 0 else None
            out[code] = (None if secret else value, secret)
        history = self.history[self.history.commune_id.isin(codes)]
        if history.annee.nunique() >= 2:
            start, end = history.annee.min(), history.annee.max()
            wide = history.pivot(index="commune_id", columns="annee", values="population")
            both = wide[[start, end]].dropna()
            p0, p1 = float(both[start].sum()), float(both[end].sum())
            out["evolution.population_debut"] = (p0, False)
            out["evolution.population_fin"] = (p1, False)
            out["evolution.absolue"] = (p1 - p0, False)
            rate = ((p1 / p0) ** (1 / (end - start)) - 1) * 100 if p0 > 0 and p1 > 0 else None
            out["evolution.taux_annuel"] = (rate, False)
        return out


def same(published, expected) -> bool:
    if expected is None or published is None:
        return published is expected
    return published == pytest.approx(expected, rel=1e-9, abs=1e-9)


def check(tables: Tables, codes: list[str]) -> None:
    result = services.diagnose(codes)
    expected = tables.expected(codes)
    everywhere = tables.expected(list(tables.communes.index))
    published = {e["code"]: e for e in result["indicateurs"]}
    assert set(published) == set(expected), set(published) ^ set(expected)
    for code, entry in published.items():
        value, secret = expected[code]
        assert entry["secret"] == secret, (code, codes)
        assert same(entry["valeur"], value), (code, codes, entry["valeur"], value)
        # One département in these data: its level, the région and France are all communes.
        france, france_secret = everywhere[code]
        assert same(entry["comparaisons"]["france"], france), code
        assert entry["comparaisons"]["departement"] == entry["comparaisons"]["france"]
        assert entry.get("secret_comparaisons", {}).get("france", False) == france_secret
    counts = tables.establishments[tables.establishments.commune_id.isin(codes)].classe
    for row in result["etablissements"]:
        assert row["nombre"] == int((counts == row["classe"]).sum())


def territories(codes: list[str], seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    sizes = [1, 1, 2, 3, 5, 8, 12, 12, 20, 40]
    return [sorted(rng.choice(codes, size, replace=False).tolist()) for size in sizes]


def test_every_indicator_recomputed_on_the_demo(demo_territory):
    from maillage.web.access.demo import load_demo as access_demo
    from maillage.web.supply.demo import load_demo as supply_demo

    supply_demo()
    access_demo()
    tables = Tables()
    codes = list(tables.communes.index)
    assert any(d.agregation == "moyenne_ponderee" for d, *_ in tables.indicators.values())
    for territory in [*territories(codes, 1), codes]:
        check(tables, territory)
    # The APL of a territory is the population-weighted mean of its communes' APL.
    apl = sql("SELECT commune_id, apl, population FROM access_aplcommune").set_index("commune_id")
    for territory in territories(codes, 2):
        rows = apl.loc[territory]
        entry = next(
            e for e in services.diagnose(territory)["indicateurs"]
            if e["code"] == "apl_medecin_generaliste"
        )  # fmt: skip
        assert entry["valeur"] == pytest.approx(np.average(rows.apl, weights=rows.population))


@pytest.mark.slow
def test_every_indicator_recomputed_on_the_var(var_referential):
    from maillage.web.supply.demo import load_generated_supply

    codes = list(
        Commune.objects.filter(departement_id="83", nature="COM").values_list("code", flat=True)
    )
    load_generated_supply(codes)
    access_services.compute_and_store("medecin_generaliste", 2024, departement="83")
    rng = np.random.default_rng(5)
    factories.indicator(
        "test_patients",
        {c: (float(rng.integers(0, 40)), float(rng.integers(40, 400))) for c in codes},
        agregation="ratio",
        secret="patients",
    )
    factories.indicator(
        "test_visites",
        {c: (float(rng.integers(0, 12)), None) for c in codes},
        agregation="somme",
        secret="professionnels",
        facteur=1.0,
    )
    services.invalidate()
    tables = Tables()
    assert {"test_patients", "test_visites", "apl_medecin_generaliste"} <= set(tables.indicators)
    for territory in [*territories(codes, 3), codes]:
        check(tables, territory)
