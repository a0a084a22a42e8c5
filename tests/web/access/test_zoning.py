"""Official zoning import (atomic, idempotent, French errors) and simulated zoning rules."""

import datetime as dt

import numpy as np
import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.engine.accessibility.zoning import classify_doctors, simulate_zoning
from maillage.engine.sources.errors import SourceError
from maillage.web.access import services
from maillage.web.access.importers import import_zoning
from maillage.web.access.models import OfficialZone

pytestmark = pytest.mark.django_db
DATE = dt.date(2024, 3, 1)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_is_idempotent_and_replaces_the_arrete(demo_territory, tmp_path):
    path = write(tmp_path, "z.csv", "code;zone\n00001;ZIP\n00002;zac\n00003;Hors zonage\n")
    report = import_zoning(path, "medecin_generaliste", DATE, "Arrêté ARS test")
    assert report.total("créés") == 3
    again = import_zoning(path, "medecin_generaliste", DATE, "Arrêté ARS test")
    assert again.total("créés") == 0 and again.total("inchangés") == 3
    assert set(OfficialZone.objects.values_list("zone", flat=True)) == {"ZIP", "ZAC", "hors_zonage"}
    smaller = write(tmp_path, "z2.csv", "code;zone\n00001;ZAC\n")
    report = import_zoning(smaller, "medecin_generaliste", DATE)
    assert report.total("supprimés") == 2 and report.total("mis à jour") == 1
    assert OfficialZone.objects.get().zone == "ZAC"


def test_errors_name_line_and_column_and_nothing_is_written(demo_territory, tmp_path):
    import_zoning(write(tmp_path, "ok.csv", "code;zone\n00001;ZIP\n"), "medecin_generaliste", DATE)
    bad = write(tmp_path, "bad.csv", "code;zone\n00001;ZAC\n00002;rouge\n")
    with pytest.raises(SourceError) as error:
        import_zoning(bad, "medecin_generaliste", DATE)
    assert str(error.value).startswith(f"{bad}, ligne 3, colonne « zone » : zone inconnue")
    assert OfficialZone.objects.get().zone == "ZIP"  # untouched
    unknown = write(tmp_path, "unk.csv", "code;zone\n99999;ZIP\n")
    with pytest.raises(SourceError, match="ligne 2, colonne « code » : commune absente"):
        import_zoning(unknown, "medecin_generaliste", DATE)
    repeated = write(tmp_path, "rep.csv", "code;zone\n00001;ZIP\n00001;ZAC\n")
    with pytest.raises(SourceError, match=r"ligne 3.*code répété"):
        import_zoning(repeated, "medecin_generaliste", DATE)
    header = write(tmp_path, "h.csv", "commune;zone\n00001;ZIP\n")
    with pytest.raises(SourceError, match="ligne 1, colonne « code » : colonne obligatoire"):
        import_zoning(header, "medecin_generaliste", DATE)
    with pytest.raises(SourceError, match="aucune valeur avant le 10/01/2020"):
        import_zoning(bad, "infirmier", dt.date(2019, 1, 1))


def test_physiotherapist_classes_depend_on_the_arrete_date(demo_territory, tmp_path):
    path = write(tmp_path, "k.csv", "code;zone\n00001;Très sous-dotée\n00002;Sur-dotée\n")
    with pytest.raises(SourceError, match="zone inconnue"):
        import_zoning(path, "masseur_kinesitherapeute", dt.date(2024, 6, 1))
    import_zoning(path, "masseur_kinesitherapeute", dt.date(2019, 1, 1))
    assert OfficialZone.objects.filter(zone="tres_sous_dotee").count() == 1


def test_tvs_import_and_tvs_simulation(demo_gps, tmp_path):
    mapping = write(tmp_path, "tvs.csv", "tvs;commune\nT1;00001\nT1;00002\nT2;00003\nT2;99999\n")
    zoning = write(tmp_path, "z.csv", "code;zone\nT1;ZIP\nT2;ZAC\n")
    report = import_zoning(zoning, "medecin_generaliste", DATE, tvs_communes=mapping)
    assert report.total("créés") == 3 and "99999" in report.warnings[0]
    assert OfficialZone.objects.get(commune_id="00002").territoire == "T1"
    missing = write(tmp_path, "m.csv", "code;zone\nT9;ZIP\n")
    with pytest.raises(SourceError, match=r"ligne 2.*TVS absent"):
        import_zoning(missing, "medecin_generaliste", DATE, tvs_communes=mapping)
    services.compute_and_store("medecin_generaliste", 2025, "00")
    card = services.commune_card(services.Commune.objects.get(code="00001"), "medecin_generaliste")
    assert card["zonage_simule"]["territoire"] == "T1"
    assert card["zonage_officiel"]["zone"] == "ZIP"


@pytest.mark.parametrize(
    ("apl", "zone"),
    [(2.4999, "ZIP"), (2.5, "vivier"), (3.9999, "vivier"), (4.0, "hors_zonage"), (0, "ZIP")],
)
def test_doctor_thresholds_at_the_boundaries(apl, zone):
    assert classify_doctors([apl], 2.5, 4)[0] == zone
    result = simulate_zoning("medecin_generaliste", [apl], [100], dt.date(2018, 1, 1), ["a"])
    assert result.zones[0] == zone
    assert {u["statut"] for u in result.used} == {"verifie", "non_verifie"}  # vivier unverified


def test_rules_are_dated():
    with pytest.raises(ValueError, match="aucun zonage"):
        simulate_zoning("medecin_generaliste", [1.0], [1], dt.date(2017, 1, 1), ["a"])
    # Physiotherapists: 5 classes under the 2018 arrêté, 4 from 20 March 2024.
    apl, pop = np.arange(20.0), np.ones(20)
    codes = [str(i) for i in range(20)]
    old = simulate_zoning("masseur_kinesitherapeute", apl, pop, dt.date(2024, 3, 19), codes)
    new = simulate_zoning("masseur_kinesitherapeute", apl, pop, dt.date(2024, 3, 20), codes)
    assert len(set(old.zones)) == 5 and "sur_dotee" in set(old.zones)
    assert set(new.zones) == {"tres_sous_dotee", "sous_dotee", "intermediaire", "non_prioritaire"}
    assert new.zones[0] == "tres_sous_dotee" and not new.verified


def test_cli_import_simulate_and_export(demo_gps, tmp_path):
    runner = CliRunner()
    path = write(tmp_path, "z.csv", "code;zone\n00001;ZIP\n")
    args = ["import", "zonage", str(path), "--profession", "medecin_generaliste"]
    result = runner.invoke(main, [*args, "--arrete-date", "2024-03-01", "--dry-run"])
    assert result.exit_code == 0 and "rien n'a été écrit" in result.output
    assert not OfficialZone.objects.exists()
    result = runner.invoke(main, [*args, "--arrete-date", "2024-03-01"])
    assert result.exit_code == 0 and OfficialZone.objects.count() == 1
    bad = write(tmp_path, "b.csv", "code;zone\n00001;violet\n")
    result = runner.invoke(
        main,
        [
            "import",
            "zonage",
            str(bad),
            "--profession",
            "medecin_generaliste",
            "--arrete-date",
            "2024-03-01",
        ],
    )
    assert result.exit_code == 1 and "ligne 2, colonne « zone »" in result.output
    result = runner.invoke(
        main,
        [
            "zonage",
            "simuler",
            "--profession",
            "medecin_generaliste",
            "--annee",
            "2025",
            "--departement",
            "00",
        ],
    )
    assert result.exit_code == 1 and "aucune APL" in result.output
    services.compute_and_store("medecin_generaliste", 2025, "00")
    result = runner.invoke(
        main,
        [
            "zonage",
            "simuler",
            "--profession",
            "medecin_generaliste",
            "--annee",
            "2025",
            "--departement",
            "00",
            "--date",
            "2026-01-01",
        ],
    )
    assert result.exit_code == 0 and result.output.startswith("SIMULATION")
    out = tmp_path / "sim.csv"
    result = runner.invoke(
        main,
        [
            "zonage",
            "exporter",
            "--profession",
            "medecin_generaliste",
            "--source",
            "simulation",
            "--departement",
            "00",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "code;nom;zone;nature;apl" and len(lines) == 151
    assert all(line.split(";")[3] == "simulation" for line in lines[1:])
    result = runner.invoke(
        main,
        [
            "zonage",
            "exporter",
            "--profession",
            "medecin_generaliste",
            "--source",
            "officiel",
            "--departement",
            "00",
        ],
    )
    assert result.output.splitlines()[1].startswith("00001;") and ";officiel;" in result.output


def test_aides_cli_resolves_the_zone_of_a_commune(demo_gps, tmp_path):
    import json

    runner = CliRunner()
    services.compute_and_store("medecin_generaliste", 2025, "00")
    zip_commune = services.SimulatedZone.objects.filter(zone="ZIP").first().commune_id
    args = [
        "aides",
        "--commune",
        zip_commune,
        "--profession",
        "medecin_generaliste",
        "--date",
        "2025-06-01",
        "--jours-par-semaine",
        "4",
        "--json",
    ]
    data = json.loads(runner.invoke(main, args).output)
    assert data["source_zone"]["nature"] == "simulation" and data["zone"] == "ZIP"
    assert data["aides"][0]["code"] == "caim" and float(data["aides"][0]["montant"]) == 50000
    import_zoning(
        write(tmp_path, "z.csv", f"code;zone\n{zip_commune};ZAC\n"),
        "medecin_generaliste",
        DATE,
        "Arrêté test",
    )
    data = json.loads(runner.invoke(main, args).output)
    assert data["source_zone"]["nature"] == "officiel" and data["zone"] == "ZAC"
    text = runner.invoke(main, args[:-1]).output
    assert "zonage officiel, arrêté du 01/03/2024" in text
    result = runner.invoke(
        main,
        ["aides", "--commune", "00001", "--zone", "ZIP", "--profession", "medecin_generaliste"],
    )
    assert result.exit_code == 2
