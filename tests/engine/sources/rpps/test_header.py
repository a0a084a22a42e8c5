"""RPPS ``Personne_activite``: opening the zip or text file, the header, its columns."""

from __future__ import annotations

import pytest

from maillage.engine.sources import rpps
from maillage.engine.sources.errors import SourceError

from ..generated import (
    HEADER_52,
    HEADER_56,
    doctor,
    rpps_line,
    write_rpps,
    write_zip,
)
from .readers import SAMPLE, batches_as_rows


def test_zip_with_timestamped_member(tmp_path):
    content = write_rpps(tmp_path / "a.txt", [doctor()])
    archive = write_zip(
        tmp_path / "PS_LibreAcces.zip",
        {
            "PS_LibreAcces_Dipl_AutExerc_202602170848.txt": b"x|\n",
            "PS_LibreAcces_Personne_activite_202602170848.txt": content.read_bytes(),
            "PS_LibreAcces_SavoirFaire_202602170848.txt": b"x|\n",
        },
    )
    assert [a.identifiant_national for a in rpps.iter_activities(archive)] == ["810001234567"]
    assert batches_as_rows(archive)[0]["code_profession"] == "10"


def test_zip_without_activity_member(tmp_path):
    archive = write_zip(tmp_path / "PS_LibreAcces.zip", {"autre.txt": b"a|b|\n"})
    with pytest.raises(SourceError, match="aucun fichier « Personne_activite »"):
        list(rpps.iter_activities(archive))


def test_header_case_and_accents_do_not_matter(tmp_path):
    header = [name.upper().replace("É", "E").replace("È", "E") for name in HEADER_52]
    path = tmp_path / "f.txt"
    row = {name.upper().replace("É", "E").replace("È", "E"): value
           for name, value in doctor().items() if name in HEADER_52}  # fmt: skip
    write_rpps(path, [row], header)
    (activity,) = rpps.iter_activities(path)
    assert activity.code_commune == "83023" and activity.categorie == "medecin_generaliste"
    assert batches_as_rows(path)[0]["prenom"] == "Alix"


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_missing_column_names_the_file_and_column(tmp_path, reader):
    header = [name for name in HEADER_56 if name != "Code profession"]
    path = write_rpps(tmp_path / "f.txt", [{}], header)
    with pytest.raises(SourceError) as caught:
        list(reader(path))
    assert caught.value.column == "Code profession"
    assert str(path) in str(caught.value) and "colonne obligatoire absente" in str(caught.value)


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_semicolon_separated_file(tmp_path, reader):
    path = tmp_path / "f.txt"
    path.write_text(";".join(HEADER_56) + ";\n" + ";" * 56 + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="séparateur inattendu \\(point-virgule\\)") as caught:
        list(reader(path))
    assert caught.value.line == 1


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(SourceError, match="introuvable"):
        list(rpps.iter_activities(tmp_path / "absent.txt"))
    (tmp_path / "vide.txt").write_bytes(b"")
    with pytest.raises(SourceError, match="vide"):
        list(rpps.iter_activities(tmp_path / "vide.txt"))


def test_rpps_line_helper_matches_the_real_header(shared_data):
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert header == "|".join(HEADER_52) + "|"
    assert rpps_line({}, HEADER_52).count("|") == header.count("|")
