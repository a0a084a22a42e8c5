"""A diagnosis is never stale: each write path of the data it reads — every importer, the
APL recomputation, administrators' edits, the CPTS form, the demo loader — is followed by a
diagnosis that shows the change.

Each test first takes a diagnosis (the snapshot of the current version is then in memory and
in its file), runs one write path, preferably one that changes values only (the case the old
row-count / largest-id version missed), and checks that the next diagnosis differs from the
first and equals a diagnosis computed from the database with every cache bypassed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest
from django import forms
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.dataversion import tracking
from maillage.web.diagnostics import services
from maillage.web.supply import importers as supply_importers
from maillage.web.supply.models import (
    DepartementIndicatorValue,
    Establishment,
    IndicatorValue,
    Professional,
    Structure,
)
from maillage.web.territories import importers as territory_importers
from maillage.web.territories.models import Commune
from tests.conftest import ETALAB_DIR, GEOJSON_VAR, POINTS_VAR, SAMPLES
from tests.engine.sources.generated import doctor, write_apl_workbook, write_rpps
from tests.web.access.conftest import make_practitioners, make_user

from . import factories

pytestmark = pytest.mark.django_db

AT = dt.date(2026, 6, 1)
VAR = ["83137", "83069", "83126"]  # Toulon, La Seyne-sur-Mer, Six-Fours
AIN = ["01053", "01451"]  # Bourg-en-Bresse, Viriat


def diagnosis(codes) -> dict:
    result = services.diagnose(codes, at=AT)
    return {k: v for k, v in result.items() if k != "version_donnees"}


def rebuilt(codes) -> dict:
    """The diagnosis from a snapshot built now from the database (no memory, no file)."""
    services.invalidate()
    with override_settings(MAILLAGE_SNAPSHOT_DIR=""):
        result = diagnosis(codes)
    services.invalidate()
    return result


def assert_next_diagnosis_sees(write, codes) -> tuple[dict, dict]:
    before = diagnosis(codes)  # the snapshot of this version is now cached
    version = tracking.current()
    write()
    after = diagnosis(codes)
    assert tracking.current() != version, "the write path did not bump the data version"
    assert after != before, "the write changed nothing the diagnosis shows: the test proves nothing"
    assert after == rebuilt(codes), "the next diagnosis is stale"
    return before, after


def entry(result: dict, code: str) -> dict:
    return next(e for e in result["indicateurs"] if e["code"] == code)


def raw_execute(sql: str, params=()) -> None:
    """Write through the DB-API connection, below Django: sets up a state without bumping the
    version, so that only the write path under test can bump it."""
    cursor = connection.connection.cursor()
    cursor.execute(sql.replace("%s", "?") if connection.vendor == "sqlite" else sql, params)
    cursor.close()


@pytest.fixture
def ain(db, shared_data):
    territory_importers.import_etalab(ETALAB_DIR, departement="01")


# ------------------------------------------------------------------- what the diagnosis reads


def tables_read(action) -> set[str]:
    """Tables named by the SQL that ``action`` runs."""
    from django.apps import apps

    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return {name for name in names for sql in statements if re.search(rf"\b{name}\b", sql)}


def test_every_table_the_diagnosis_reads_bumps_the_version(demo_territory):
    """The guard against a forgotten table: the snapshot builder and every selection read only
    tables whose writes bump the data version."""
    factories.professionals_in("00001", 6)
    factories.structure("CPTS", "CPTS Nord", ["00001", "00002"])
    zoning = demo_territory_zoning()

    def everything():
        services.build_snapshot("essai")
        for selection in (
            {"communes": ["00001"]},
            {"epci": Commune.objects.get(code="00001").epci_id},
            {"cpts": Structure.objects.get(kind="CPTS").identifiant},
            {"zone": zoning},
            {"autour": "00001", "km": 10},
            {"autour": "00001", "minutes": 20},
        ):
            codes, label = services.resolve(**selection)
            services.diagnose(codes, at=AT, label=label)

    read = tables_read(everything) - {tracking.TABLE}
    assert {"supply_activity", "territories_commune", "supply_indicatorvalue"} <= read
    assert read <= tracking.watched_tables(), read - tracking.watched_tables()


def demo_territory_zoning() -> str:
    from maillage.web.territories.demo import load_demo

    load_demo()
    return "tvs:T01"


# ------------------------------------------------------------------------------ territories


def test_etalab_reimport_with_corrected_population(var_referential, tmp_path):
    folder = tmp_path / "etalab"
    shutil.copytree(ETALAB_DIR, folder)
    communes = json.loads((folder / "communes.json").read_text(encoding="utf-8"))
    communes = [c for c in communes if c.get("departement") == "83"]
    for c in communes:
        if c["code"] == "83137":
            c["population"] += 1000
    (folder / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
    before, after = assert_next_diagnosis_sees(
        lambda: territory_importers.import_etalab(folder, departement="83"), VAR
    )
    assert after["territoire"]["population"] == before["territoire"]["population"] + 1000


def test_cog_import_renames(var_referential, tmp_path):
    path = tmp_path / "v_commune_2026.csv"
    path.write_text(
        "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
        "COM,83137,93,83,83D,832,0,TOULON,Toulon,Toulon-sur-Mer,8399,\n",
        encoding="utf-8",
    )
    _, after = assert_next_diagnosis_sees(lambda: territory_importers.import_cog(path), VAR)
    assert "Toulon-sur-Mer" in after["territoire"]["noms"]


def test_legal_populations_import_corrects_the_current_vintage(var_referential, tmp_path):
    path = tmp_path / "donnees_communes.csv"
    path.write_text(
        "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"
        "93;PACA;83;2;99;137;Toulon;179200;3000;1\n",
        encoding="utf-8",
    )
    _, after = assert_next_diagnosis_sees(
        lambda: territory_importers.import_legal_populations(path, 2023), VAR
    )
    assert Commune.objects.get(code="83137").population == 179200
    assert entry(after, "population")["valeur"] == sum(
        Commune.objects.filter(code__in=VAR).values_list("population", flat=True)
    )


def test_age_populations_import(var_referential, tmp_path):
    bands = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
    path = tmp_path / "base-cc-evol-struct-pop-2021.CSV"
    header = ";".join(["CODGEO", "P21_POP", *(f"P21_POP{b}" for b in bands)])
    lines = [f"{code};1000;" + ";".join(str(100 + 50 * i) for i in range(7)) for code in VAR]
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    _, after = assert_next_diagnosis_sees(
        lambda: territory_importers.import_age_populations(path), VAR
    )
    assert entry(after, "age.0014")["valeur"] is not None


def test_points_import_moves_a_centre(var_referential, tmp_path):
    path = tmp_path / "points.csv"
    text = POINTS_VAR.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(83137,[^,]*,[^,]*,83,93,)43\.", r"\g<1>42.", text), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    assert_next_diagnosis_sees(lambda: territory_importers.import_points(path), VAR)


def test_geojson_import_changes_a_surface(var_referential, tmp_path):
    collection = json.loads(GEOJSON_VAR.read_text(encoding="utf-8"))
    toulon = next(f for f in collection["features"] if f["properties"]["code"] == "83137")
    ring = toulon["geometry"]["coordinates"][0]
    if toulon["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    x0, y0 = ring[0]
    ring[:] = [[x0 + (x - x0) * 1.1, y0 + (y - y0) * 1.1] for x, y in ring]
    path = tmp_path / "var.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    before, after = assert_next_diagnosis_sees(
        lambda: territory_importers.import_geojson([path]), VAR
    )
    assert entry(after, "surface")["valeur"] > entry(before, "surface")["valeur"]


def test_study_zoning_import_changes_a_zone(demo_territory, tmp_path):
    def zone_diagnosis():
        codes, _ = services.resolve(zone="tvs:T1")
        return diagnosis(codes)

    path = tmp_path / "tvs.csv"
    path.write_text("code_insee;code_zone;libelle_zone\n00001;T1;Nord\n00002;T1;Nord\n")
    territory_importers.import_zoning(path, type="tvs", millesime=2024)
    before = zone_diagnosis()
    path.write_text("code_insee;code_zone;libelle_zone\n00001;T1;Nord\n00003;T1;Nord\n")
    territory_importers.import_zoning(path, type="tvs", millesime=2024)
    after = zone_diagnosis()
    assert after["territoire"]["communes"] == ["00001", "00003"] != before["territoire"]["communes"]


# ---------------------------------------------------------------------------------- supply


def gps(commune="01053", n=8, **fields):
    return [
        doctor(**{
            "Identification nationale PP": f"8100000000{k:02d}",
            "Code commune (coord. structure)": commune,
            "Code postal (coord. structure)": "01000",
            **fields,
        })
        for k in range(n)
    ]  # fmt: skip


def test_rpps_reimport_with_corrected_specialty(ain, tmp_path):
    supply_importers.import_rpps(write_rpps(tmp_path / "1.txt", gps()))
    corrected = write_rpps(tmp_path / "2.txt", gps(**{"Code savoir-faire": "SM20"}))
    _, after = assert_next_diagnosis_sees(lambda: supply_importers.import_rpps(corrected), AIN)
    assert {p.categorie for p in Professional.objects.all()} == {"gynecologue"}
    assert "offre.gynecologue.effectif" in {e["code"] for e in after["indicateurs"]}


def test_professional_activity_import_sets_ages(ain, tmp_path):
    supply_importers.import_rpps(write_rpps(tmp_path / "1.txt", gps()))
    path = tmp_path / "activite.csv"
    path.write_text(
        "identifiant_national;annee_naissance;annee;actes;etp\n"
        + "".join(f"8100000000{k:02d};{1950 if k < 6 else 1990};2024;4000;1\n" for k in range(8)),
        encoding="utf-8",
    )
    assert_next_diagnosis_sees(lambda: supply_importers.import_professional_activity(path), AIN)


def test_finess_reimport_with_a_corrected_name(ain, tmp_path):
    source = SAMPLES / "finess" / "finess_etablissements_reexposition_sample_2026-05.csv"
    Commune.objects.filter(code__in=AIN).update(centre_lon=5.2092, centre_lat=46.2223)  # Fleyriat
    supply_importers.import_finess(source)
    name = Establishment.objects.get(finess="010000024").nom
    corrected = tmp_path / source.name
    corrected.write_text(
        source.read_text(encoding="utf-8").replace(name, "CH RENOMMÉ"), encoding="utf-8"
    )
    _, after = assert_next_diagnosis_sees(lambda: supply_importers.import_finess(corrected), AIN)
    assert "CH RENOMMÉ" in json.dumps(after["etablissements"], ensure_ascii=False)


def test_cpts_reimport_with_a_new_name(ain, tmp_path):
    path = tmp_path / "cpts.csv"
    path.write_text("cpts_id;nom;code_insee\nA;CPTS A;01053\nA;CPTS A;01451\n", encoding="utf-8")
    supply_importers.import_cpts(path)
    path.write_text("cpts_id;nom;code_insee\nA;CPTS Bresse;01053\nA;CPTS Bresse;01451\n")
    _, after = assert_next_diagnosis_sees(lambda: supply_importers.import_cpts(path), AIN)
    assert "CPTS Bresse" in json.dumps(after["structures"], ensure_ascii=False)


def indicator_file(tmp_path, numerator):
    path = tmp_path / f"ind-{numerator}.csv"
    path.write_text(
        "indicateur;code_insee;annee;numerateur;denominateur\n"
        f"ald;01053;2024;{numerator};40000\nald;01451;2024;1500;7000\n",
        encoding="utf-8",
    )
    return path


def test_indicator_reimport_with_a_corrected_value(ain, tmp_path):
    supply_importers.import_indicators(indicator_file(tmp_path, 8000))
    corrected = indicator_file(tmp_path, 9000)
    before, after = assert_next_diagnosis_sees(
        lambda: supply_importers.import_indicators(corrected), AIN
    )
    assert entry(after, "ald")["valeur"] > entry(before, "ald")["valeur"]


def test_apl_drees_reimport_with_a_corrected_value(ain, tmp_path):
    supply_importers.import_apl(
        write_apl_workbook(tmp_path / "a.xlsx", {2022: [("01053", 3.0), ("01451", 2.0)]})
    )
    corrected = write_apl_workbook(tmp_path / "b.xlsx", {2022: [("01053", 4.5), ("01451", 2.0)]})
    before, after = assert_next_diagnosis_sees(lambda: supply_importers.import_apl(corrected), AIN)
    assert entry(after, "apl_mg")["valeur"] > entry(before, "apl_mg")["valeur"]


def test_registry_reload_renames_an_indicator(ain, tmp_path):
    supply_importers.import_indicators(indicator_file(tmp_path, 8000))
    registry = tmp_path / "indicateurs.yaml"
    text = supply_importers.REGISTRY.read_text(encoding="utf-8")
    label = entry(diagnosis(AIN), "ald")["libelle"]
    registry.write_text(text.replace(label, label + " (révisé)", 1), encoding="utf-8")
    _, after = assert_next_diagnosis_sees(
        lambda: supply_importers.sync_registry(path=registry), AIN
    )
    assert entry(after, "ald")["libelle"] == label + " (révisé)"


def test_ameli_import_bumps_the_version(ain, tmp_path):
    """data.ameli figures are per département and not part of the diagnosis: the import still
    bumps the version (its table is reference data) and the diagnosis stays right."""
    path = tmp_path / "ameli.csv"
    path.write_text(
        "annee;profession_sante;region;libelle_region;departement;libelle_departement;"
        "classe_age;libelle_classe_age;libelle_sexe;effectif;densite\n"
        "2023;Infirmiers;84;ARA;01;Ain;00;Tout âge;tout sexe;420;62,5\n",
        encoding="utf-8",
    )
    diagnosis(AIN)
    version = tracking.current()
    supply_importers.import_ameli(path)
    assert DepartementIndicatorValue.objects.exists() and tracking.current() != version
    assert diagnosis(AIN) == rebuilt(AIN)


# ---------------------------------------------------------------------------------- access


def test_apl_recomputation_updates_values_in_place(demo_territory):
    """The recomputation rewrites the stored APL with ``bulk_update`` (same rows, new values):
    the case the old version missed."""
    from maillage.web.access import services as access

    codes = list(Commune.objects.filter(departement_id="00").values_list("code", flat=True))
    # On three communes, so that their counts pass the secrecy threshold: a commune under it
    # enters the APL with stand-in activity, which doubling the acts does not move.
    make_practitioners(codes[:3])
    access.compute_and_store("medecin_generaliste", 2025, "00")
    rows = IndicatorValue.objects.filter(indicator_id="apl_medecin_generaliste").count()
    table = Professional._meta.db_table
    raw_execute(f"UPDATE {table} SET actes_annuels = actes_annuels * 2")
    before, after = assert_next_diagnosis_sees(
        lambda: access.compute_and_store("medecin_generaliste", 2025, "00"), codes[:10]
    )
    assert IndicatorValue.objects.filter(indicator_id="apl_medecin_generaliste").count() == rows
    code = "apl_medecin_generaliste"
    assert entry(after, code)["valeur"] != entry(before, code)["valeur"]


def test_official_zoning_import_bumps_the_version(demo_territory, tmp_path):
    from maillage.web.access.importers import import_zoning

    path = tmp_path / "zonage.csv"
    path.write_text("code;zone\n00001;ZIP\n", encoding="utf-8")
    diagnosis(["00001"])
    version = tracking.current()
    import_zoning(path, "medecin_generaliste", dt.date(2023, 6, 1))
    assert tracking.current() != version
    assert diagnosis(["00001"]) == rebuilt(["00001"])


# ---------------------------------------------------------------------- web: admin and forms


def admin_save(client, obj, **changes):
    """Post the admin change form of ``obj`` as a browser would, with ``changes``."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    bound = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({
            f"{formset.prefix}-{k}": v
            for k, v in formset.management_form.initial.items()
        })  # fmt: skip
        bound.extend(formset.forms)
    for form in bound:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value if isinstance(value, list | str | int | float) else str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def admin_client_demo(client, demo_territory):
    client.force_login(make_user(Role.ADMINISTRATEUR))
    return client


def test_admin_edit_of_a_population(admin_client_demo):
    commune = Commune.objects.get(code="00001")
    assert_next_diagnosis_sees(
        lambda: admin_save(admin_client_demo, commune, population=commune.population + 500),
        ["00001", "00002"],
    )
    assert Commune.objects.get(code="00001").population == commune.population + 500


def test_admin_edit_of_an_indicator_value(admin_client_demo):
    factories.indicator("ald", {"00001": (800.0, 4000.0), "00002": (900.0, 5000.0)})
    value = IndicatorValue.objects.get(indicator_id="ald", commune_id="00001")
    assert_next_diagnosis_sees(
        lambda: admin_save(admin_client_demo, value, numerateur="1600"), ["00001", "00002"]
    )


def test_admin_deactivates_a_professional(admin_client_demo):
    factories.professionals_in("00001", 12)
    professional = Professional.objects.first()
    assert_next_diagnosis_sees(
        lambda: admin_save(admin_client_demo, professional, actif=False), ["00001"]
    )


def test_admin_bulk_delete_of_establishments(admin_client_demo):
    factories.establishment("hopital", "00001", -2.0, 47.0, nom="CH Démo")
    url = reverse("admin:supply_establishment_changelist")
    ids = [str(pk) for pk in Establishment.objects.values_list("pk", flat=True)]

    def delete():
        admin_client_demo.post(
            url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
        )
        assert not Establishment.objects.exists()

    assert_next_diagnosis_sees(delete, ["00001"])


def test_cpts_form_changes_a_perimeter(admin_client_demo):
    cpts = factories.structure("CPTS", "CPTS Littoral", ["00001", "00002"])
    url = reverse("supply:cpts_edit", args=[cpts.pk])

    def save():
        response = admin_client_demo.post(
            url, {"nom": "CPTS Littoral Sud", "identifiant": cpts.identifiant,
                  "communes": ["00001", "00002"]},
        )  # fmt: skip
        assert response.status_code == 302

    _, after = assert_next_diagnosis_sees(save, ["00001", "00002"])
    assert "CPTS Littoral Sud" in json.dumps(after["structures"], ensure_ascii=False)
    assert Structure.objects.get(pk=cpts.pk).nom == "CPTS Littoral Sud"


# ------------------------------------------------------------------------------------ demo


def test_demo_loader_restores_drifted_values(demo_territory):
    from maillage.web.demo import load_demo_territory

    population = Commune.objects.get(code="00001").population
    raw_execute(f"UPDATE {Commune._meta.db_table} SET population = 1 WHERE code = '00001'")
    services.invalidate()
    before, after = assert_next_diagnosis_sees(load_demo_territory, ["00001"])
    assert before["territoire"]["population"] == 1
    assert after["territoire"]["population"] == population
