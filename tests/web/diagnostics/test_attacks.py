"""Attack suite of the statistical secrecy, on every output channel.

1. Blindness: two databases that differ only by hidden counts (professionals added to
   communes that keep between 1 and seuil − 1 of them, patient counts of 1..seuil − 1
   redrawn) publish byte for byte the same thing on every channel — page, API (GET, POST),
   CSV, XLSX, JSON and PDF exports, map data, command line, accessibility API, page, map,
   scenarios and candidates, public supply API. Whatever an attacker does with these
   channels, however many queries, the hidden counts cannot change what they see: no hidden
   count is recovered more often than by chance. On the demo and on real Var communes with
   generated professionals.
2. The averaging attack of issue 10 through the public API (150 base territories of 12
   communes): the average difference is the cell's stand-in, not its count.
3. No channel publishes a count between 1 and seuil − 1.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from django.db import connection
from django.db.models import Count
from openpyxl import load_workbook

from maillage.cli import main
from maillage.web.access import services as access_services
from maillage.web.diagnostics import services, views
from maillage.web.secrecy import policy
from maillage.web.supply.models import Activity, IndicatorDefinition, IndicatorValue, Professional
from maillage.web.territories.models import Commune

from . import factories
from .attacks import api_query, averaging_attack, recovered
from .test_recomputation import stand_in

pytestmark = pytest.mark.django_db

APL_PROFESSIONS = set(access_services.METHODS)


def load_demo_world() -> tuple[str, int]:
    from maillage.web.access.demo import load_demo as access_demo
    from maillage.web.supply.demo import load_demo as supply_demo

    supply_demo()
    access_demo()
    return "00", access_services.latest_year("medecin_generaliste")


def load_var_world() -> tuple[str, int]:
    from maillage.web.supply.demo import load_generated_supply

    codes = list(
        Commune.objects.filter(departement_id="83", nature="COM").values_list("code", flat=True)
    )
    load_generated_supply(codes)
    rng = np.random.default_rng(83)
    factories.indicator(
        "test_patients",
        {c: (float(rng.integers(0, 30)), float(rng.integers(30, 300))) for c in codes},
        agregation="ratio",
        secret="patients",
    )
    access_services.compute_and_store("medecin_generaliste", 2024, departement="83")
    return "83", 2024


def main_counts() -> Counter:
    """(commune, category) → professionals whose first practice is there."""
    first = {}
    for pro, commune, category in (
        Activity.objects.filter(professional__actif=True, commune__isnull=False)
        .order_by("pk")
        .values_list("professional_id", "commune_id", "professional__categorie")
    ):
        first.setdefault(pro, (commune, category))
    return Counter(first.values())


def liberal_practitioners() -> Counter:
    """(commune, category) → distinct professionals with a liberal practice there (the APL
    cell, before its age cap)."""
    rows = set(
        Activity.objects.filter(mode_exercice="L", professional__actif=True).values_list(
            "commune_id", "professional__categorie", "professional_id"
        )
    )
    return Counter((commune, category) for commune, category, _pro in rows)


def hide_more(departement: str, seed: int, cells: int = 12) -> list[str]:
    """Change hidden counts only: clone single-practice professionals into cells that stay
    between 1 and seuil − 1 (their liberal, age and APL cells too), redraw patient counts of
    1..seuil − 1. Returns the communes whose hidden counts changed."""
    seuil = policy().seuil
    counts, liberal = main_counts(), liberal_practitioners()
    single = Activity.objects.values("professional_id").annotate(n=Count("id")).filter(n=1)
    candidates = (
        Activity.objects.filter(
            professional__actif=True,
            commune__departement_id=departement,
            professional_id__in=single.values("professional_id"),
            finess_site="",
        )
        .select_related("professional")
        .order_by("pk")
    )
    rng = np.random.default_rng(seed)
    changed = []
    for activity in candidates:
        pro = activity.professional
        cell = (activity.commune_id, pro.categorie)
        apl_cell = liberal[cell] if activity.mode_exercice == "L" else 0
        if not 0 < counts[cell] <= seuil - 2 or apl_cell > seuil - 2 or rng.random() < 0.5:
            continue
        clone = Professional.objects.create(
            identifiant_national=f"7{len(changed):05d}{pro.pk:05d}",
            type_identifiant="8",
            nom="CLONE",
            code_profession=pro.code_profession,
            categorie=pro.categorie,
            annee_naissance=pro.annee_naissance,
            actes_annuels=pro.actes_annuels,
            etp=pro.etp,
        )
        Activity.objects.create(
            professional=clone, commune_id=activity.commune_id, mode_exercice=activity.mode_exercice
        )
        counts[cell] += 1
        liberal[cell] += activity.mode_exercice == "L"
        changed.append(activity.commune_id)
        if len(changed) >= cells:
            break
    assert len(changed) >= 5, "not enough small cells to change"
    for definition in IndicatorDefinition.objects.filter(numerateur_public=""):
        top = policy().seuil_of(definition.secret)
        small = IndicatorValue.objects.filter(
            indicator=definition, numerateur__gt=0, numerateur__lt=top
        )
        for value in small:
            value.numerateur = float(
                (int(value.numerateur) + rng.integers(1, top - 2)) % (top - 1) + 1
            )
            value.save()
            changed.append(value.commune_id)
    services.invalidate()
    return sorted(set(changed))


def _json(data) -> str:
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "version_donnees"}
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _html(content: bytes | str) -> str:
    """A page or PDF source without the data version (a hash that changes with any write)."""
    text = content.decode() if isinstance(content, bytes) else content
    return re.sub(r"version des données [0-9a-z-]+", "version des données …", text)


def _xlsx(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]


def observe(client, departement: str, annee: int, territories, communes) -> dict[str, object]:
    """Everything the public channels show for the territories and communes."""
    seen: dict[str, object] = {}
    runner = CliRunner()
    for i, codes in enumerate(territories):
        joined = ",".join(codes)
        seen[f"api get {i}"] = _json(client.get("/api/diagnostics/", {"communes": joined}).json())
        seen[f"api post {i}"] = _json(
            client.post(
                "/api/diagnostics/", {"communes": codes}, content_type="application/json"
            ).json()
        )
        seen[f"page {i}"] = _html(
            client.get("/diagnostic/territoire/", {"communes": joined}).content
        )
        for fmt in ("csv", "json"):
            content = client.get(f"/diagnostic/export.{fmt}", {"communes": joined}).content
            seen[f"{fmt} {i}"] = _json(json.loads(content)) if fmt == "json" else content
        seen[f"xlsx {i}"] = _xlsx(
            client.get("/diagnostic/export.xlsx", {"communes": joined}).content
        )
        seen[f"pdf {i}"] = _html(views.pdf_html(codes))
        for fmt in ("json", "csv"):
            result = runner.invoke(main, ["diagnostic", "--communes", joined, "--format", fmt])
            assert result.exit_code == 0, result.output
            output = result.output
            seen[f"cli {fmt} {i}"] = _json(json.loads(output)) if fmt == "json" else output
    seen["carte"] = client.get(f"/diagnostic/carte/{departement}.geojson").content
    seen["zonage"] = client.get(
        "/api/accessibilite/zonage", {"departement": departement, "geojson": "true"}
    ).content
    seen["candidats"] = client.get(
        "/api/accessibilite/candidats", {"departement": departement}
    ).content
    for code in communes:
        seen[f"fiche api {code}"] = client.get(f"/api/accessibilite/communes/{code}").content
        seen[f"fiche page {code}"] = client.get(f"/accessibilite/communes/{code}/").content
        seen[f"scenario {code}"] = client.get(
            "/api/accessibilite/scenario",
            {"departement": departement, "commune": code, "etp": 1, "annee": annee},
        ).content
        seen[f"offre api {code}"] = client.get(f"/api/offre/communes/{code}").content
        result = runner.invoke(main, ["commune", code, "--json"])
        assert result.exit_code == 0, result.output
        seen[f"cli commune {code}"] = result.output
    return seen


def blind(client, departement: str, annee: int, seed: int) -> None:
    codes = sorted(
        Commune.objects.filter(departement_id=departement, nature="COM").values_list(
            "code", flat=True
        )
    )
    before_counts = main_counts()
    rng = np.random.default_rng(seed)
    # The world is changed after the first observation; pick the communes it will change
    # from a dry run on a copy of the random generator's choices (same seed, same picks).
    sid = connection.savepoint()
    targets = hide_more(departement, seed)
    connection.savepoint_rollback(sid)
    services.invalidate()
    territories = [
        [t] for t in targets[:4]
    ] + [
        sorted({*rng.choice(codes, 11, replace=False).tolist(), t}) for t in targets[:4]
    ] + [codes]  # fmt: skip
    first = observe(client, departement, annee, territories, targets[:6])
    assert hide_more(departement, seed) == targets
    if access_services.AplCommune.objects.exists():
        access_services.compute_and_store("medecin_generaliste", annee, departement=departement)
    assert main_counts() != before_counts  # the hidden counts did change…
    second = observe(client, departement, annee, territories, targets[:6])
    different = [name for name in first if first[name] != second[name]]
    assert not different  # …and nothing published changed


def test_every_channel_is_blind_to_hidden_counts_on_the_demo(client, demo_territory):
    departement, annee = load_demo_world()
    blind(client, departement, annee, seed=1)


@pytest.mark.slow
def test_every_channel_is_blind_to_hidden_counts_on_the_var(client, var_referential):
    departement, annee = load_var_world()
    blind(client, departement, annee, seed=2)


def test_no_channel_publishes_a_small_count(client, demo_territory):
    load_demo_world()
    seuil = policy().seuil
    counts = main_counts()
    small = sorted({c for (c, _k), n in counts.items() if 0 < n < seuil})
    for code in small[:20]:
        data = client.get("/api/diagnostics/", {"communes": code}).json()
        for entry in data["indicateurs"]:
            if entry.get("mesure") in ("effectif", "liberaux") or entry["bloc"] == "sante":
                for value in (entry["valeur"], entry["numerateur"]):
                    if entry.get("mesure") in ("effectif", "liberaux"):
                        assert value is None or value == 0 or value >= seuil, entry
        # Registry numerators are counts too: a small one is never published (issue 10:
        # densite_kines published its numerator 1.0 while the count was secret).
        for entry in data["indicateurs"]:
            if entry["bloc"] == "sante" and entry["numerateur"] is not None:
                assert entry["numerateur"] == 0 or entry["numerateur"] >= seuil, entry
        card = client.get(f"/api/accessibilite/communes/{code}").json()["apl"]
        if card and card["secret"]:
            assert card["praticiens"] is None and card["etp"] is None and card["offre"] is None
        offer = client.get(f"/api/offre/communes/{code}").json()["professionnels"]
        for row in offer.values():
            for value in (row["effectif"], row["liberaux"]):
                assert value is None or value == 0 or value >= seuil
    # The accessibility card of a commune with 1 to 4 eligible GPs: exact counts gone.
    hidden = access_services.AplCommune.objects.filter(secret=True).first()
    assert hidden is not None
    card = client.get(f"/api/accessibilite/communes/{hidden.commune_id}").json()["apl"]
    assert card["secret"] and card["praticiens"] is None and card["etp"] is None


def attack(client, departement: str, targets_wanted: int = 6) -> None:
    pol = policy()
    counts = main_counts()
    codes = sorted(
        Commune.objects.filter(departement_id=departement, nature="COM").values_list(
            "code", flat=True
        )
    )
    hidden = [c for c in codes if 0 < counts[(c, "medecin_generaliste")] < pol.seuil]
    targets = hidden[:: max(1, len(hidden) // targets_wanted)][:targets_wanted]
    code = "offre.medecin_generaliste.effectif"
    estimates = averaging_attack(api_query(client), codes, [(c, code) for c in targets])
    truths = [counts[(c, "medecin_generaliste")] for c in targets]
    substitutes = [
        stand_in(f"rpps|effectif|medecin_generaliste|{c}", pol.seuil, pol.key) for c in targets
    ]
    # What the attack learns is the stand-in of each cell, exactly — never its count.
    assert estimates == substitutes
    assert recovered(estimates, truths) == sum(
        s == t for s, t in zip(substitutes, truths, strict=True)
    )


@pytest.mark.slow
def test_averaging_attack_through_the_api_on_the_demo(client, demo_territory):
    departement, _ = load_demo_world()
    attack(client, departement)


@pytest.mark.slow
def test_averaging_attack_through_the_api_on_the_var(client, var_referential):
    departement, _ = load_var_world()
    attack(client, departement)
