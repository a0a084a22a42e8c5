"""Imports of the supply referential: real samples, defects (atomic), idempotence, CPTS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from maillage.engine.sources.errors import SourceError
from maillage.web.supply import importers, services
from maillage.web.supply.models import (
    Activity,
    DepartementIndicatorValue,
    Establishment,
    IndicatorDefinition,
    IndicatorValue,
    Professional,
    Structure,
    StructureCommune,
    SupplyImport,
)
from maillage.web.territories.importers import import_etalab
from maillage.web.territories.models import Commune
from tests.conftest import ETALAB_DIR, SAMPLES
from tests.engine.sources.generated import doctor, write_apl_workbook, write_rpps

pytestmark = pytest.mark.django_db

RPPS_SAMPLE = SAMPLES / "rpps" / "PS_LibreAcces_Personne_activite_sample_2021.txt"
FINESS = SAMPLES / "finess"
REEXPOSITION = FINESS / "finess_etablissements_reexposition_sample_2026-05.csv"
RAW_GEOLOC = FINESS / "etalab-cs1100507-geoloc_ASSEMBLED_fixture.csv"
RAW = FINESS / "etalab-cs1100502-stock-20260512-0339_excerpt.csv"
T_FINESS = FINESS / "t-finess_etalab_small_20201231.csv"


@pytest.fixture
def ain(shared_data):
    import_etalab(ETALAB_DIR, departement="01")


def _state(model, *fields):
    return sorted(model.objects.values_list(*fields))


# --------------------------------------------------------------------------- RPPS


def test_rpps_real_sample_is_idempotent(ain):
    report = importers.import_rpps(RPPS_SAMPLE)
    assert report.counts["professionnels"]["créés"] == 22
    assert Professional.objects.count() == 22
    viriat = Activity.objects.get(professional__identifiant_national="0176031372")
    assert viriat.commune_id == "01451" and viriat.finess_site == "010000024"
    assert viriat.mode_exercice == "S" and viriat.origine_commune == "commune"
    gyneco = Professional.objects.get(identifiant_national="811547280385")
    assert gyneco.categorie == "gynecologue" and gyneco.specialite == "SM20"
    before = _state(Activity, "professional__identifiant_national", "commune_id", "code_postal")
    again = importers.import_rpps(RPPS_SAMPLE)
    assert again.counts["professionnels"] == {
        "créés": 0, "mis à jour": 0, "inchangés": 22, "supprimés": 0
    }  # fmt: skip
    assert again.counts["activités"]["créés"] == 0
    assert before == _state(
        Activity, "professional__identifiant_national", "commune_id", "code_postal"
    )
    assert SupplyImport.objects.filter(kind="rpps").count() == 2
    assert services.new_professionals().count() == 0


def test_rpps_dry_run_writes_nothing(ain):
    report = importers.import_rpps(RPPS_SAMPLE, dry_run=True)
    assert report.counts["professionnels"]["créés"] == 22
    assert Professional.objects.count() == 0 and SupplyImport.objects.count() == 0


def test_rpps_defect_is_atomic(ain, tmp_path):
    path = write_rpps(tmp_path / "a.txt", [doctor()])
    path.write_text(path.read_text() + "8|1|81|DR|truncated\n")
    with pytest.raises(SourceError) as error:
        importers.import_rpps(path)
    assert "ligne 3" in str(error.value)
    assert Professional.objects.count() == 0 and SupplyImport.objects.count() == 0


def test_rpps_successive_imports_reveal_new_and_departed(ain, tmp_path):
    first = write_rpps(
        tmp_path / "1.txt",
        [
            doctor(**{"Code commune (coord. structure)": "01053"}),
            doctor(**{
                "Identification nationale PP": "810000000002",
                "Code commune (coord. structure)": "01053",
            }),
        ],
    )  # fmt: skip
    importers.import_rpps(first)
    second = write_rpps(
        tmp_path / "2.txt",
        [
            doctor(**{"Code commune (coord. structure)": "01451"}),  # moved
            doctor(**{
                "Identification nationale PP": "810000000003",
                "Code commune (coord. structure)": "01053",
            }),
        ],
    )  # fmt: skip
    report = importers.import_rpps(second)
    assert report.counts["professionnels"]["créés"] == 1
    assert report.counts["professionnels"]["mis à jour"] == 1
    assert report.counts["professionnels absents du fichier (désactivés)"]["mis à jour"] == 1
    assert [p.identifiant_national for p in services.new_professionals()] == ["810000000003"]
    assert not Professional.objects.get(identifiant_national="810000000002").actif
    moved = Activity.objects.get(professional__identifiant_national="810001234567")
    assert moved.commune_id == "01451"
    offer = services.commune_offer(Commune.objects.get(code="01053"), exact=True)
    assert offer["professionnels"]["medecin_generaliste"] == {
        "libelle": "Médecin généraliste", "effectif": 1, "liberaux": 1
    }  # fmt: skip


def test_rpps_postcode_fallback_only_when_unambiguous(ain, tmp_path):
    by_postcode: dict[str, list[str]] = {}
    for code, postcodes in Commune.objects.values_list("code", "codes_postaux"):
        for postcode in postcodes:
            by_postcode.setdefault(postcode, []).append(code)
    unique = next(p for p, c in sorted(by_postcode.items()) if len(c) == 1)
    shared = next(p for p, c in sorted(by_postcode.items()) if len(c) > 1)
    path = write_rpps(
        tmp_path / "cp.txt",
        [
            doctor(**{"Code commune (coord. structure)": "",
                      "Code postal (coord. structure)": unique}),
            doctor(**{"Identification nationale PP": "810000000009",
                      "Code commune (coord. structure)": "",
                      "Code postal (coord. structure)": shared}),
        ],
    )  # fmt: skip
    report = importers.import_rpps(path)
    found = Activity.objects.get(professional__identifiant_national="810001234567")
    assert found.commune_id == by_postcode[unique][0] and found.origine_commune == "code_postal"
    ambiguous = Activity.objects.get(professional__identifiant_national="810000000009")
    assert ambiguous.commune_id is None and ambiguous.origine_commune == ""
    assert any("1 lignes sans commune" in w and "1 ambigus" in w for w in report.warnings)


def test_rpps_paris_arrondissements_stay_on_their_rows(shared_data, tmp_path):
    import_etalab(ETALAB_DIR, departement="75")
    path = write_rpps(tmp_path / "p.txt", [doctor(**{"Code commune (coord. structure)": "75113"})])
    importers.import_rpps(path)
    assert Activity.objects.get().commune_id == "75113"
    paris = services.commune_offer(Commune.objects.get(code="75056"), exact=True)
    assert paris["professionnels"]["medecin_generaliste"]["effectif"] == 1


def test_professional_activity_file(ain, tmp_path):
    importers.import_rpps(RPPS_SAMPLE)
    path = tmp_path / "activite.csv"
    path.write_text(
        "identifiant_national;annee_naissance;annee;actes;etp\n"
        "811547280385;1961;2023;4000;0,9\n"
        "811547280385;1961;2024;4200,5;1\n"
        "899999999999;1970;2024;10;\n",
        encoding="utf-8",
    )
    report = importers.import_professional_activity(path)
    gyneco = Professional.objects.get(identifiant_national="811547280385")
    assert (gyneco.annee_naissance, gyneco.actes_annuels, gyneco.etp) == (1961, 4200.5, 1.0)
    assert gyneco.activite_annee == 2024
    assert "1 identifiants absents" in report.warnings[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "identifiant_national;annee_naissance;annee;actes;etp\n811547280385;19x1;2024;1;1\n"
    )
    with pytest.raises(SourceError, match="ligne 2, colonne « annee_naissance »"):
        importers.import_professional_activity(bad)


# --------------------------------------------------------------------------- FINESS


def test_finess_all_layouts_and_fleyriat(ain):
    for path in (RAW, RAW_GEOLOC, T_FINESS):
        importers.import_finess(path)
    report = importers.import_finess(REEXPOSITION)
    assert report.counts["établissements"]["créés"] == 0
    fleyriat = Establishment.objects.get(finess="010000024")
    assert fleyriat.commune_id == "01451" and fleyriat.classe == "hopital"
    assert fleyriat.lon == pytest.approx(5.20918, abs=1e-4)
    assert fleyriat.lat == pytest.approx(46.22229, abs=1e-4)
    runner = CliRunner()
    from maillage.cli import main

    result = runner.invoke(main, ["etablissement", "010000024", "--json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert set(card) == {
        "finess", "nom", "categorie", "categorie_libelle", "code_insee", "lon", "lat",
        "geocodage_commune",
    }  # fmt: skip
    assert card["code_insee"] == "01451" and card["geocodage_commune"] is False


def test_reexposed_and_raw_give_the_same_rows(ain):
    fields = [f.name for f in Establishment._meta.fields if f.name != "categorie_libelle"]
    importers.import_finess(REEXPOSITION)
    reexposed = _state(Establishment, *fields)
    Establishment.objects.all().delete()
    importers.import_finess(RAW_GEOLOC)
    assert _state(Establishment, *fields) == reexposed
    assert importers.import_finess(REEXPOSITION).counts["établissements"]["mis à jour"] == 0


def test_finess_overseas_communes(shared_data):
    import_etalab(ETALAB_DIR, departement="976")
    import_etalab(ETALAB_DIR, departement="973")
    importers.import_finess(REEXPOSITION)
    assert Establishment.objects.get(finess="980500060").commune_id == "97611"
    codes = set(Establishment.objects.exclude(commune=None).values_list("commune_id", flat=True))
    assert codes and all(c.startswith(("976", "973")) for c in codes)
    assert any(c.startswith("973") for c in codes)


def test_finess_defect_is_atomic(ain, tmp_path):
    path = tmp_path / "f.csv"
    lines = RAW.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # duplicate FINESS
    with pytest.raises(SourceError, match="déjà vu"):
        importers.import_finess(path)
    assert Establishment.objects.count() == 0


def test_msp_and_centres_de_sante_become_structures(ain, tmp_path):
    from tests.engine.sources.generated import structure_line, write_raw_finess

    path = write_raw_finess(
        tmp_path / "msp.csv",
        [
            structure_line("010000999", category="603", name="MSP TEST"),
            structure_line("010000998", category="124", name="CDS TEST"),
        ],
    )
    importers.import_finess(path)
    kinds = _state(Structure, "kind", "identifiant", "source", "commune_id")
    assert kinds == [
        ("CDS", "010000998", "finess", "01451"), ("MSP", "010000999", "finess", "01451")
    ]  # fmt: skip
    offer = services.commune_offer(Commune.objects.get(code="01451"))
    assert [s["nom"] for s in offer["structures"]["MSP"]] == ["MSP TEST"]


# --------------------------------------------------------------------------- CPTS


def _cpts_file(tmp_path, lines, name="cpts.csv"):
    path = tmp_path / name
    path.write_text("cpts_id;nom;code_insee\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cpts_import_and_conflicts(ain, tmp_path):
    good = _cpts_file(tmp_path, ["A;CPTS A;01053", "A;CPTS A;01451", "B;CPTS B;01004"])
    importers.import_cpts(good)
    assert _state(StructureCommune, "structure__identifiant", "commune_id") == [
        ("A", "01053"), ("A", "01451"), ("B", "01004")
    ]  # fmt: skip
    assert importers.import_cpts(good).counts["communes des périmètres"]["créés"] == 0
    inside = _cpts_file(tmp_path, ["C;CPTS C;01034", "D;CPTS D;01034"], "in.csv")
    with pytest.raises(SourceError, match="01034 : C, D"):
        importers.import_cpts(inside)
    against_db = _cpts_file(tmp_path, ["E;CPTS E;01053"], "db.csv")
    with pytest.raises(SourceError, match="01053 : E, A"):
        importers.import_cpts(against_db)
    assert not Structure.objects.filter(identifiant__in=["C", "D", "E"]).exists()
    report = importers.import_cpts(against_db, accept_overlaps=True)
    assert "chevauchements acceptés" in report.warnings[0]
    # A CPTS re-imported with a smaller perimeter loses the communes it no longer lists.
    importers.import_cpts(_cpts_file(tmp_path, ["A;CPTS A;01053"], "a.csv"), accept_overlaps=True)
    assert _state(StructureCommune, "structure__identifiant", "commune_id") == [
        ("A", "01053"), ("B", "01004"), ("E", "01053")
    ]  # fmt: skip


def test_cpts_unknown_commune_refused(ain, tmp_path):
    with pytest.raises(SourceError, match="absentes du référentiel"):
        importers.import_cpts(_cpts_file(tmp_path, ["A;CPTS A;83023"]))
    assert Structure.objects.count() == 0


# --------------------------------------------------------------------------- indicators


def test_registry_is_loaded_on_migrate(db):
    assert IndicatorDefinition.objects.get(code="apl_mg").agregation == "moyenne_ponderee"
    assert IndicatorDefinition.objects.filter(code="sans_mt_ald").exists()


def test_indicator_import(ain, tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text(
        "indicateur;code_insee;annee;numerateur;denominateur\n"
        "ald;01053;2024;8 000;40 000\nc2s;01053;2024;3000;40000\n",
        encoding="utf-8",
    )
    importers.import_indicators(path)
    value = IndicatorValue.objects.get(indicator="ald", commune="01053")
    assert (value.numerateur, value.denominateur) == (8000.0, 40000.0)
    assert importers.import_indicators(path).counts["valeurs d'indicateurs"]["inchangés"] == 2
    unknown = tmp_path / "u.csv"
    unknown.write_text(
        "indicateur;code_insee;annee;numerateur;denominateur\n"
        "ald;01053;2025;1;2\ninconnu;01053;2024;1;2\n"
    )
    with pytest.raises(SourceError, match="ligne 3, colonne « indicateur »"):
        importers.import_indicators(unknown)
    assert not IndicatorValue.objects.filter(annee=2025).exists()


def test_apl_is_population_weighted(ain, tmp_path):
    bourg, viriat = Commune.objects.in_bulk(["01053", "01451"]).values()
    path = write_apl_workbook(tmp_path / "apl.xlsx", {2022: [("01053", 3.0), (1451, "NA")]})
    report = importers.import_apl(path)
    value = IndicatorValue.objects.get(indicator="apl_mg")
    assert value.commune_id == "01053" and value.denominateur == bourg.population
    assert value.numerateur == pytest.approx(3.0 * bourg.population)
    assert "1 cellules APL vides" in report.warnings[0]
    assert viriat.code == "01451"


def test_ameli_ns_is_null(ain, tmp_path):
    path = tmp_path / "ameli.csv"
    header = (
        "annee;profession_sante;region;libelle_region;departement;libelle_departement;"
        "classe_age;libelle_classe_age;libelle_sexe;effectif;densite"
    )
    path.write_text(
        header + "\n"
        "2023;Infirmiers;84;Auvergne-Rhône-Alpes;01;Ain;00;Tout âge;tout sexe;NS;NS\n"
        "2023;Médecins généralistes;84;Auvergne-Rhône-Alpes;01;Ain;00;Tout âge;tout sexe;"
        "420;62,5\n",
        encoding="utf-8",
    )
    importers.import_ameli(path)
    values = dict(
        DepartementIndicatorValue.objects.filter(indicateur="effectif").values_list(
            "profession", "valeur"
        )
    )
    assert values == {"Infirmiers": None, "Médecins généralistes": 420.0}


# --------------------------------------------------------------------------- command line


def test_cli_imports_zip_and_reports_errors_in_french(ain, tmp_path):
    from maillage.cli import main
    from tests.engine.sources.generated import write_zip

    archive = write_zip(
        tmp_path / "PS_LibreAcces_202611.zip",
        {"PS_LibreAcces_Personne_activite_202611.txt": RPPS_SAMPLE.read_bytes()},
    )
    runner = CliRunner()
    result = runner.invoke(main, ["import", "rpps", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["comptes"]["professionnels"]["créés"] == 22
    bad = tmp_path / "bad.txt"
    bad.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    result = runner.invoke(main, ["import", "rpps", str(bad)])
    assert result.exit_code == 1 and "séparateur inattendu" in result.output
    cpts = _cpts_file(tmp_path, ["C;CPTS C;01034", "D;CPTS D;01034"])
    result = runner.invoke(main, ["import", "cpts", str(cpts)])
    assert result.exit_code == 1 and "--accepter-chevauchements" in result.output
    result = runner.invoke(main, ["import", "cpts", str(cpts), "--accepter-chevauchements"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["indicateurs", "charger"])
    assert result.exit_code == 0 and "11 inchangés" in result.output


def _defects(tmp_path):
    from tests.engine.sources.generated import (
        HEADER_56,
        geoloc_line,
        structure_line,
        write_raw_finess,
    )

    without_column = [name for name in HEADER_56 if name != "Code profession"]
    row = {k: v for k, v in doctor().items() if k != "Code profession"}
    yield "rpps", write_rpps(tmp_path / "col.txt", [row], without_column), "colonne"
    semicolons = tmp_path / "sep.txt"
    semicolons.write_text(";".join(HEADER_56) + "\n", encoding="utf-8")
    yield "rpps", semicolons, "séparateur"
    latin = write_rpps(tmp_path / "enc.txt", [doctor(**{"Nom d'exercice": "GRÉGOIRE"})])
    latin.write_bytes(latin.read_bytes().replace("É".encode(), b"\xc9"))
    yield "rpps", latin, "encodage"
    truncated = write_rpps(tmp_path / "cut.txt", [doctor(), doctor()])
    truncated.write_bytes(truncated.read_bytes()[:-40])
    yield "rpps", truncated, "nombre de champs"
    duplicate = write_raw_finess(
        tmp_path / "dup.csv", [structure_line("010000999"), structure_line("010000999")]
    )
    yield "finess", duplicate, "déjà vu"
    activity = tmp_path / "act.csv"
    activity.write_text(
        "identifiant_national;annee_naissance;annee;actes;etp\n"
        "810001234567;1960;2024;1;1\n810001234567;1960;2024;2;1\n"
    )
    yield "activite", activity, "en double"
    crs = write_raw_finess(
        tmp_path / "crs.csv",
        [structure_line("010000997")],
        [geoloc_line("010000997", source="1,ATLASANTE,96,BAN,EPSG:99999 Inconnu")],
    )
    yield "finess-crs", crs, None


def test_every_defect_leaves_the_database_untouched(ain, tmp_path):
    importers.import_rpps(RPPS_SAMPLE)
    importers.import_finess(REEXPOSITION)
    snapshot = (
        _state(Professional, "identifiant_national", "nom", "annee_naissance"),
        _state(Activity, "professional_id", "commune_id"),
        _state(Establishment, "finess", "lon"),
        SupplyImport.objects.count(),
    )
    run = {
        "rpps": importers.import_rpps,
        "finess": importers.import_finess,
        "activite": importers.import_professional_activity,
    }
    for kind, path, message in _defects(tmp_path):
        if kind == "finess-crs":
            # Documented: an unknown CRS leaves the coordinates empty, with a warning.
            report = importers.import_finess(path)
            assert any("010000997" in w or "système" in w for w in report.warnings)
            found = Establishment.objects.get(finess="010000997")
            assert found.lon is None and found.lat is None
            continue
        with pytest.raises(SourceError, match=message):
            run[kind](path)
        assert snapshot == (
            _state(Professional, "identifiant_national", "nom", "annee_naissance"),
            _state(Activity, "professional_id", "commune_id"),
            _state(Establishment, "finess", "lon"),
            SupplyImport.objects.count(),
        ), path.name


def test_extraction_date_from_the_file_name():
    from datetime import date

    from maillage.web.supply.rpps_import import extraction_date

    name = Path("PS_LibreAcces_Personne_activite_202611240845.txt")
    assert extraction_date(name) == date(2026, 11, 24)
    assert extraction_date(Path("ps-libreacces-personne-activite.txt")) is None


def test_savoir_faire_lines_make_one_activity(ain, tmp_path):
    path = write_rpps(
        tmp_path / "sf.txt",
        [
            doctor(**{"Code savoir-faire": "SM04"}),
            doctor(**{"Code savoir-faire": "SM54"}),  # same activity, GP savoir-faire wins
            doctor(**{"Code commune (coord. structure)": "01451", "Code mode exercice": "S"}),
        ],
    )
    importers.import_rpps(path)
    professional = Professional.objects.get()
    assert professional.categorie == "medecin_generaliste"
    assert professional.activites.count() == 2


def _registry(tmp_path, entry: dict) -> Path:
    import yaml

    base = {"code": "x", "libelle": "X", "unite": "%", "numerateur": "n", "source": "s"}
    path = tmp_path / "indicateurs.yaml"
    path.write_text(yaml.safe_dump({"indicateurs": [{**base, **entry}]}), encoding="utf-8")
    return path


def test_registry_counts_are_protected_by_default(tmp_path):
    definition = importers.load_registry(_registry(tmp_path, {"denominateur": "d"}))["x"]
    assert definition["numerateur_public"] == definition["denominateur_public"] == ""
    assert definition["secret"] == "patients" and definition["agregation"] == "ratio"
    assert importers.load_registry(_registry(tmp_path, {}))["x"]["agregation"] == "somme"
    # Only numerators already published commune by commune opt out, naming their source.
    shipped = importers.load_registry()
    public = {code: d["numerateur_public"] for code, d in shipped.items() if d["numerateur_public"]}
    assert public == {"apl_mg": "DREES, APL publiée par commune (data.drees)"}
    assert {shipped[c]["secret"] for c in ("densite_mg", "densite_kines")} == {"professionnels"}
    assert shipped["apl_mg"]["agregation"] == "moyenne_ponderee"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"ponderation": "population"}, "remplacée par « agregation: moyenne_ponderee »"),
        ({"secret_seuil": 10}, "clé inconnue « secret_seuil »"),
        ({"secret": "aucun"}, "valeur inconnue pour « secret »"),
        ({"agregation": "moyenne"}, "valeur inconnue pour « agregation »"),
        ({"agregation": "moyenne_ponderee"}, "sans dénominateur"),
    ],
)
def test_registry_errors_name_the_entry(tmp_path, entry, message):
    with pytest.raises(SourceError, match=message) as error:
        importers.load_registry(_registry(tmp_path, entry))
    assert "indicateurs[1]" in str(error.value)
