"""APL from the database equals the engine on the same inputs; stored as an indicator."""

import datetime as dt

import numpy as np
import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.engine.accessibility import apl_decay, crow_fly_times, e2sfca, weight_matrix
from maillage.engine.accessibility.traveltimes import add_self_pairs
from maillage.web.access import services
from maillage.web.access.models import AplCommune, SimulatedZone
from maillage.web.supply.models import IndicatorDefinition, IndicatorValue
from maillage.web.territories.models import Commune

pytestmark = pytest.mark.django_db


def test_apl_from_database_equals_the_engine(demo_gps):
    _, _, inputs, apl = services.compute_and_store("medecin_generaliste", 2025, "00")
    communes = list(
        Commune.objects.filter(departement_id="00")
        .order_by("code")
        .values_list("code", "population", "centre_lat", "centre_lon")
    )
    codes = [c[0] for c in communes]
    assert sorted(inputs.codes.tolist()) == codes
    order = np.argsort(inputs.codes.astype(str))
    # Independent supply: acts, else FTE × 5 400, over-65s left out; a commune with 1 to 4
    # such GPs counts as the mean stand-in (Σ k · (1/k) / Σ 1/k = 4 / (1 + 1/2 + 1/3 + 1/4))
    # GPs at the mean activity of communes with 5 or more — none here: 1 FTE = 5 400 acts.
    from maillage.web.supply.models import Activity

    supply = np.zeros(len(codes))
    gps = np.zeros(len(codes))
    for a in Activity.objects.select_related("professional"):
        pro = a.professional
        if 2025 - pro.annee_naissance > 65:
            continue
        acts = pro.actes_annuels if pro.actes_annuels is not None else pro.etp * 5400
        supply[codes.index(a.commune_id)] += acts
        gps[codes.index(a.commune_id)] += 1
    small = (gps > 0) & (gps < 5)
    supply[small] = 4 / (1 + 1 / 2 + 1 / 3 + 1 / 4) * 5400
    assert small.sum() > 10 and (gps >= 5).sum() == 0  # 40 GPs on 150 communes: all small
    population = np.array([c[1] for c in communes], dtype=float)
    lat = np.array([c[2] for c in communes])
    lon = np.array([c[3] for c in communes])
    decay = apl_decay(dt.date(2025, 12, 31))
    o, d, t = crow_fly_times(lat, lon, 20)
    o, d, t = add_self_pairs(o, d, t, len(codes))
    expected = e2sfca(weight_matrix(o, d, t, decay, (len(codes),) * 2), population, supply)
    np.testing.assert_allclose(apl[order], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(inputs.supply[order], supply)
    assert inputs.params["offre"]["exclus_age"] > 0


def test_invariant_on_the_stored_result(demo_gps):
    services.compute_and_store("medecin_generaliste", 2025, "00")
    rows = list(AplCommune.objects.values_list("apl", "demande", "offre"))
    apl, p_star, supply = (np.array(c) for c in zip(*rows, strict=True))
    assert (p_star * apl).sum() == pytest.approx(supply.sum(), rel=1e-9)
    assert supply.sum() > 0
    values = IndicatorValue.objects.filter(indicator_id="apl_medecin_generaliste", annee=2025)
    assert values.count() == 150
    num = np.array(values.values_list("numerateur", flat=True))
    den = np.array(values.values_list("denominateur", flat=True))
    total = AplCommune.objects.values_list("population", flat=True)
    assert den.sum() == pytest.approx(sum(total))
    # Same Σ P·APL through the indicator (population weights, no standardisation profile).
    assert num.sum() == pytest.approx(supply.sum(), rel=1e-9)
    definition = IndicatorDefinition.objects.get(code="apl_medecin_generaliste")
    assert definition.unite == "consultations/an/hab."
    assert definition.agregation == IndicatorDefinition.Aggregation.MOYENNE_PONDEREE


def test_rerun_is_idempotent_and_stores_the_simulation(demo_gps):
    services.compute_and_store("medecin_generaliste", 2025, "00")
    _, report, _, _ = services.compute_and_store("medecin_generaliste", 2025, "00")
    assert report.total("créés") == 0 and report.total("mis à jour") == 0
    assert SimulatedZone.objects.count() == 150
    for zone in SimulatedZone.objects.all()[:20]:
        expected = (
            "ZIP"
            if zone.apl_territoire < 2.5
            else ("vivier" if zone.apl_territoire < 4 else "hors_zonage")
        )
        assert zone.zone == expected


def test_fte_and_age_cap_inputs(demo_territory):
    from tests.web.access.conftest import make_practitioners

    # One commune with at least 5 eligible GPs: its supply is exact (no secret).
    pros = make_practitioners(["00001"], n=12)
    inputs = services.load_inputs("medecin_generaliste", 2025, services.Scope.of("00"))
    eligible = [p for p in pros if 2025 - p.annee_naissance <= 65]
    assert len(eligible) >= 5 and not inputs.secret.any()
    acts = sum(p.actes_annuels if p.actes_annuels is not None else p.etp * 5400 for p in eligible)
    assert inputs.supply.sum() == pytest.approx(acts)
    assert inputs.practitioners.sum() == len(eligible)


def test_nurses_in_fte_per_100000(demo_territory):
    from tests.web.access.conftest import make_practitioners

    codes = list(Commune.objects.values_list("code", flat=True))
    make_practitioners(codes, categorie="infirmier", n=30, seed=3)
    _, _, inputs, apl = services.compute_and_store("infirmier", 2025, "00")
    assert (inputs.demand * apl).sum() == pytest.approx(inputs.fte.sum() * 1e5, rel=1e-9)
    zones = set(SimulatedZone.objects.filter(profession="infirmier").values_list("zone", flat=True))
    assert zones <= {"tres_sous_dotee", "sous_dotee", "intermediaire", "tres_dotee", "sur_dotee"}


def test_cli_from_database_and_dask_backend_agree(demo_gps, tmp_path):
    runner = CliRunner()
    local = tmp_path / "local.csv"
    result = runner.invoke(
        main,
        [
            "access",
            "apl",
            "--depuis-base",
            "--annee",
            "2025",
            "--departement",
            "00",
            "--output",
            str(local),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "zonage SIMULÉ" in result.output
    distributed = tmp_path / "dask.csv"
    result = runner.invoke(
        main,
        [
            "access",
            "apl",
            "--depuis-base",
            "--annee",
            "2025",
            "--departement",
            "00",
            "--backend",
            "dask",
            "--output",
            str(distributed),
        ],
    )
    assert result.exit_code == 0, result.output
    assert local.read_text() == distributed.read_text()
    result = runner.invoke(main, ["access", "apl", "--depuis-base", "--supply", "x.csv"])
    assert result.exit_code == 2 and "--depuis-base" in result.output


def test_travel_time_file_from_database(demo_gps, tmp_path):
    path = tmp_path / "temps.csv"
    path.write_text("origine,destination,minutes\n00001,00002,5\n00002,00001,5\n")
    _, _, inputs, apl = services.compute_and_store(
        "medecin_generaliste", 2025, "00", travel_times=path
    )
    assert inputs.params["temps"]["source"] == "fichier"
    assert inputs.weights.nnz == 150 + 2
    assert (inputs.demand * apl).sum() == pytest.approx(inputs.supply.sum())
