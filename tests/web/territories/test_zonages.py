"""Study zonings (TVS, bassins de vie…): parser defects with line numbers, atomic and
idempotent import, CLI, demo zoning, public pages for every role."""

import json

import pytest
from click.testing import CliRunner
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.cli import main
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.zonages import read_zoning
from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.territories import demo, importers, services
from maillage.web.territories.models import Zonage, Zone, ZoneCommune

GOOD = (
    "Code INSEE;Code zone;Libellé zone\n"
    "00001;T1;Zone Nord\n"
    "00002;T1;Zone Nord\n"
    "00003;T2;Zone Sud\n"
    "00004;T2;Zone Sud\n"
)


def write(tmp_path, text, name="zonage.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def memberships():
    return dict(ZoneCommune.objects.values_list("commune_id", "zone__code"))


# --- parser -------------------------------------------------------------------------------


def test_parser_reads_both_separators_and_header_variants(tmp_path):
    rows = read_zoning(write(tmp_path, GOOD))
    first = rows[0]
    assert (first.line, first.commune, first.zone, first.libelle) == (2, "00001", "T1", "Zone Nord")
    assert len(rows) == 4
    comma = "CODE_INSEE,code_zone,LIBELLE_ZONE\n2A004,Z9,Ajaccio\n"
    assert read_zoning(write(tmp_path, comma, "c.csv"))[0].commune == "2A004"


def test_parser_missing_column(tmp_path):
    with pytest.raises(SourceError) as error:
        read_zoning(write(tmp_path, "code_insee;code_zone\n00001;T1\n"))
    assert error.value.line == 1 and error.value.column == "libelle_zone"
    assert "colonne obligatoire" in str(error.value)


def test_parser_duplicate_commune_names_both_lines(tmp_path):
    text = GOOD + "00005;T2;Zone Sud\n00002;T2;Zone Sud\n"
    with pytest.raises(SourceError) as error:
        read_zoning(write(tmp_path, text))
    assert error.value.line == 7 and "ligne 3" in str(error.value)
    assert "00002" in str(error.value)


@pytest.mark.parametrize(
    ("line", "column"),
    [("0001;T1;Zone", "code_insee"), ("00009;;Zone", "code_zone"), ("00009;T3;", "libelle_zone")],
)
def test_parser_bad_values_report_line_and_column(tmp_path, line, column):
    with pytest.raises(SourceError) as error:
        read_zoning(write(tmp_path, GOOD + line + "\n"))
    assert error.value.line == 6 and error.value.column == column
    assert "ligne 6" in str(error.value)


def test_parser_same_zone_with_two_names(tmp_path):
    with pytest.raises(SourceError) as error:
        read_zoning(write(tmp_path, GOOD + "00005;T1;Zone Nord-Est\n"))
    assert error.value.line == 6 and "ligne 2" in str(error.value)


# --- import ---------------------------------------------------------------------------------


def test_import_then_reimport_is_idempotent_and_replaces(demo_territory, tmp_path):
    path = write(tmp_path, GOOD + "99999;T2;Zone Sud\n")
    report = importers.import_zoning(path, type="tvs", millesime=2024)
    assert report.counts["zones"]["créés"] == 2
    assert report.counts["communes des zones"]["créés"] == 4
    assert "99999 (ligne 6)" in report.warnings[0]
    zonage = Zonage.objects.get()
    assert (zonage.code, zonage.type, zonage.millesime) == ("tvs", "tvs", 2024)

    again = importers.import_zoning(path, type="tvs", millesime=2024)
    assert again.total("créés") == 0 and again.total("mis à jour") == 0
    assert again.total("supprimés") == 0
    assert again.counts["communes des zones"]["inchangés"] == 4

    changed = write(
        tmp_path,
        "code_insee;code_zone;libelle_zone\n00001;T1;Zone Nord\n00002;T3;Zone Est\n"
        "00004;T2;Zone Sud renommée\n",
        "v2.csv",
    )
    report = importers.import_zoning(changed, type="tvs", millesime=2024)
    assert report.counts["zones"] == {
        "créés": 1,
        "mis à jour": 1,
        "inchangés": 1,
        "supprimés": 0,
    }
    assert report.counts["communes des zones"] == {
        "créés": 0,
        "mis à jour": 1,
        "inchangés": 2,
        "supprimés": 1,
    }
    assert memberships() == {"00001": "T1", "00002": "T3", "00004": "T2"}
    # Another millésime coexists.
    importers.import_zoning(path, type="tvs", millesime=2025)
    assert Zonage.objects.count() == 2
    assert ZoneCommune.objects.filter(zonage__millesime=2024).count() == 3


def test_bad_file_and_dry_run_write_nothing(demo_territory, tmp_path):
    importers.import_zoning(write(tmp_path, GOOD), type="bv2022", millesime=2022)
    before = (memberships(), list(Zone.objects.values_list("code", "nom")))
    bad = write(tmp_path, "code_insee;code_zone;libelle_zone\n00001;X;X\n00001;Y;Y\n", "bad.csv")
    with pytest.raises(SourceError):
        importers.import_zoning(bad, type="bv2022", millesime=2022)
    other = write(tmp_path, "code_insee;code_zone;libelle_zone\n00001;X;X\n", "other.csv")
    report = importers.import_zoning(other, type="bv2022", millesime=2022, dry_run=True)
    assert report.counts["communes des zones"]["supprimés"] == 3
    assert (memberships(), list(Zone.objects.values_list("code", "nom"))) == before


def test_a_commune_is_in_one_zone_per_zoning(demo_territory, tmp_path):
    importers.import_zoning(write(tmp_path, GOOD), type="tvs", millesime=2024)
    zonage = Zonage.objects.get()
    other = Zone.objects.create(zonage=zonage, code="T9", nom="Autre")
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneCommune.objects.create(zonage=zonage, zone=other, commune_id="00001")


def test_zone_reference_resolution(demo_territory, tmp_path):
    importers.import_zoning(write(tmp_path, GOOD), type="tvs", millesime=2023)
    importers.import_zoning(
        write(tmp_path, "code_insee;code_zone;libelle_zone\n00001;T1;Nord\n", "n.csv"),
        type="tvs",
        millesime=2024,
    )
    assert services.zone_communes(services.find_zone("tvs:T1")) == ["00001"]  # newest
    assert services.zone_communes(services.find_zone("TVS@2023:T1")) == ["00001", "00002"]
    for bad in ("tvs", "tvs:T7", "bv2022:T1", "tvs@20x:T1", "tvs@2020:T1"):
        with pytest.raises(services.ZoneNotFound):
            services.find_zone(bad)


def test_cli_import_and_list(demo_territory, tmp_path):
    runner = CliRunner()
    path = write(tmp_path, GOOD)
    args = ["import", "zonage-etude", str(path), "--type", "autre", "--millesime", "2024"]
    result = runner.invoke(main, [*args, "--code", "Cantons Test", "--libelle", "Test", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["comptes"]["zones"]["créés"] == 2
    assert Zonage.objects.get().code == "cantons-test"
    dry = runner.invoke(main, [*args, "--code", "autre2", "--dry-run"])
    assert dry.exit_code == 0 and "simulation" in dry.output
    assert Zonage.objects.count() == 1
    bad = write(tmp_path, "code_insee;code_zone;libelle_zone\n123;T;T\n", "bad.csv")
    result = runner.invoke(main, ["import", "zonage-etude", str(bad), *args[3:]])
    assert result.exit_code == 1 and "ligne 2" in result.output and "code_insee" in result.output
    listing = json.loads(runner.invoke(main, ["zonages", "--json"]).output)
    assert [z["reference"] for z in listing[0]["zones"]] == [
        "cantons-test@2024:T1",
        "cantons-test@2024:T2",
    ]


# --- demo -------------------------------------------------------------------------------------


def test_demo_tvs_zoning_is_deterministic_and_covers_the_departement(demo_territory):
    first = demo.load_demo()
    assert first.counts["zones"]["créés"] == demo.TVS_COUNT
    snapshot = memberships()
    again = demo.load_demo()
    assert again.total("créés") == 0 and again.total("mis à jour") == 0
    assert memberships() == snapshot and len(snapshot) == 150
    zonage = Zonage.objects.get()
    assert zonage.fictif and "fictifs" in zonage.libelle
    sizes = [z.appartenances.count() for z in Zone.objects.all()]
    assert min(sizes) >= 3 and max(sizes) <= 40
    assert services.population_years() == [demo.OLD_YEAR, 2023]


# --- pages: public, every role ------------------------------------------------------------


def make_user(role):
    if role is None:
        return None
    user = User.objects.create_user(username=f"u-{role.name.lower()}", password="x" * 14)
    user.groups.add(role_group(role))
    return user


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: getattr(r, "name", "anonyme"))
def test_zoning_pages_are_public(client, demo_territory, role):
    demo.load_demo()
    user = make_user(role)
    if user:
        client.force_login(user)
    page = client.get(reverse("territories:zonages"), {"departement": "00"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Territoires de vie-santé fictifs 2024" in html and "?zone=tvs%402024%3AT01" in html
    zone = client.get(reverse("territories:zone", args=["tvs", 2024, "T01"]))
    assert zone.status_code == 200 and "zonage fictif" in zone.content.decode()
    assert client.get(reverse("territories:zone", args=["tvs", 2024, "T99"])).status_code == 404
