"""Legal populations of several vintages coexist; the commune keeps the newest one."""

import pytest

from maillage.web.territories import importers
from maillage.web.territories.models import Commune, PopulationLegale
from tests.conftest import ETALAB_DIR

pytestmark = pytest.mark.django_db

HEADER = "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"


def populations_file(tmp_path, toulon, year):
    path = tmp_path / f"donnees_communes_{year}.csv"
    path.write_text(
        HEADER
        + f"93;PACA;83;2;99;137;Toulon;{toulon};3000;1\n"
        + "93;PACA;83;2;99;069;La Seyne-sur-Mer;60000;500;1\n"
    )
    return path


def history(code):
    return dict(PopulationLegale.objects.filter(commune_id=code).values_list("annee", "population"))


def test_etalab_import_stores_its_vintage(var_referential):
    assert history("83137") == {2023: 179116}
    assert PopulationLegale.objects.filter(annee=2023).count() == 153
    again = importers.import_etalab(ETALAB_DIR, departement="83")
    assert again.counts["populations (historique)"]["inchangés"] == 153


def test_older_vintage_goes_to_history_only(var_referential, tmp_path):
    report = importers.import_legal_populations(populations_file(tmp_path, 167479, 2017), 2017)
    assert report.counts["populations (historique)"]["créés"] == 2
    assert "gardent leur population d'un millésime plus récent" in report.warnings[-1]
    toulon = Commune.objects.get(code="83137")
    assert (toulon.population, toulon.population_annee) == (179116, 2023)
    assert history("83137") == {2017: 167479, 2023: 179116}
    again = importers.import_legal_populations(populations_file(tmp_path, 167479, 2017), 2017)
    assert again.counts["populations (historique)"] == {
        "créés": 0,
        "mis à jour": 0,
        "inchangés": 2,
        "supprimés": 0,
    }
    fixed = importers.import_legal_populations(populations_file(tmp_path, 167480, 2017), 2017)
    assert fixed.counts["populations (historique)"]["mis à jour"] == 1
    assert history("83137")[2017] == 167480


def test_newer_vintage_becomes_current(var_referential, tmp_path):
    importers.import_legal_populations(populations_file(tmp_path, 181000, 2024), 2024)
    toulon = Commune.objects.get(code="83137")
    assert (toulon.population, toulon.population_annee) == (181000, 2024)
    assert history("83137") == {2023: 179116, 2024: 181000}


def test_bad_file_writes_no_history(var_referential, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "93;PACA;83;2;99;137;Toulon;beaucoup;0;0\n")
    with pytest.raises(importers.populations.SourceError):
        importers.import_legal_populations(bad, 2017)
    assert not PopulationLegale.objects.filter(annee=2017).exists()
    importers.import_legal_populations(populations_file(tmp_path, 1, 2016), 2016, dry_run=True)
    assert not PopulationLegale.objects.filter(annee=2016).exists()
