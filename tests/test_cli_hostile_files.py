"""Every file-reading command against hostile files (issue 11 item 9).

Each importer of ``maillage import --help`` (and ``maillage access apl``, which reads CSV
files without a database) gets: a Windows-1252 file, UTF-16 LE and BE files with a BOM, a
binary file, a bad byte after the first megabyte, a 50 MB line, an empty file and a header
alone. Every one must end with a French message naming the file, the line and the column (or
the character), exit status 1, no traceback, and the database exactly as before.

Two exceptions: the DREES workbook (xlsx) is not text, so a text file given to it is
refused as a whole (no line to name); for JSON, « header only » is a valid document without
any record, refused naming the key.

The Windows-1252 and UTF-16 files hold a row the importer refuses for its content, with
accented text: an importer that accepts the encoding must quote that text decoded right
(proof that the encoding was detected); one that does not must say which it expected.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from maillage.cli import main
from tests.conftest import ETALAB_DIR, SAMPLES
from tests.engine.sources.generated import HEADER_56, doctor, rpps_line
from tests.engine.sources.test_indicators_sources import AMELI_HEADER
from tests.web.outreach.factories import professional

pytestmark = pytest.mark.django_db

HOSTILE = (
    "cp1252",
    "utf16le",
    "utf16be",
    "binary",
    "bad_byte_after_1mb",
    "line_50mb",
    "empty",
    "header_only",
)
MEGABYTE = 1 << 20


@dataclass(frozen=True)
class Reader:
    """A command that reads a file, and what a refused row of that file looks like."""

    command: tuple[str, ...]
    header: str
    bad_row: str
    shows: str  # text of the error message about ``bad_row``, decoded
    encodings: frozenset[str] = frozenset({"cp1252", "utf16"})
    kind: str = "csv"  # csv, json (whole-document formats), xlsx
    arguments: Callable[[Path, Path], list[str]] = field(default=lambda path, tmp: [str(path)])


def _etalab_directory(path: Path, tmp: Path) -> list[str]:
    """A copy of the real package with ``communes.json`` replaced by the hostile file."""
    if not ETALAB_DIR.is_dir():
        pytest.skip(f"données réelles absentes : {ETALAB_DIR}")
    directory = tmp / "etalab"
    directory.mkdir(exist_ok=True)
    for name in ("regions.json", "departements.json", "epci.json"):
        shutil.copy(ETALAB_DIR / name, directory / name)
    shutil.copy(path, directory / "communes.json")
    return [str(directory)]


def _apl(path: Path, tmp: Path) -> list[str]:
    supply = tmp / "offre.csv"
    supply.write_text("code,offre\n00001,10\n", encoding="utf-8")
    points = tmp / "points.csv"
    points.write_text("code,latitude,longitude\n00001,43.1,5.9\n", encoding="utf-8")
    return ["--population", str(path), "--supply", str(supply), "--crow-fly", str(points)]


POPULATION_AGES = ";".join(
    ["CODGEO", "P21_POP"] + [f"P21_POP{b}" for b in ("0014", "1529", "3044", "4559")]
    + [f"P21_POP{b}" for b in ("6074", "7589", "90P")]
)  # fmt: skip
FINESS_SAMPLE = SAMPLES / "finess" / "finess_etablissements_reexposition_sample_2026-05.csv"
# The real header and first row of the sample (written out so that collecting this module
# does not need ../shared/data).
FINESS_HEADER = (
    "nofinesset;nofinessej;rs;rslongue;complrs;compldistrib;numvoie;typvoie;voie;compvoie;"
    "lieuditbp;commune;departement;libdepartement;ligneacheminement;telephone;telecopie;"
    "categetab;libcategetab;categagretab;libcategagretab;siret;codeape;codemft;libmft;codesph;"
    "libsph;dateouv;dateautor;datemaj;numuai;coordxet;coordyet;sourcecoordet;datemaj_geoloc"
)
FINESS_ROW = (
    "010000024;010780054;CH DE FLEYRIAT;CENTRE HOSPITALIER DE BOURG-EN-BRESSE FLEYRIAT;;;900;"
    "RTE;DE PARIS;;;451;01;AIN;01440 VIRIAT;0474454647;0474454114;355;"
    "Centre Hospitalier (C.H.);1102;Centres Hospitaliers;26010004500012;8610Z;03;"
    "ARS établissements Publics de santé dotation globale;1;Etablissement public de santé;"
    "1979-02-13;1979-02-13;2020-02-04;;870262.2;6571540.8;"
    "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole);2026-05-04"
)

READERS = {
    "contacts": Reader(
        ("import", "contacts"),
        "rpps;date;canal;equipe",
        "Dupré;2024-01-05;telephone;drsm",
        "« Dupré »",
    ),
    "cpts": Reader(("import", "cpts"), "cpts_id;nom;code_insee", "C1;Étang;Brignolès", "BRIGNOLÈS"),
    "zonage": Reader(
        (
            "import",
            "zonage",
            "--profession",
            "medecin_generaliste",
            "--arrete-date",
            "2024-01-01",
        ),
        "code;zone",
        "00001;Zone très spéciale",
        "« Zone très spéciale »",
    ),
    "zonage-etude": Reader(
        ("import", "zonage-etude", "--type", "tvs", "--millesime", "2024"),
        "code_insee;code_zone;libelle_zone",
        "Brignolès;T1;Vallée",
        "Brignolès",
    ),
    "indicateurs": Reader(
        ("import", "indicateurs"),
        "indicateur;code_insee;annee;numerateur;denominateur",
        "apl;Brignolès;2024;1;2",
        "BRIGNOLÈS",
    ),
    "activite-ps": Reader(
        ("import", "activite-ps"),
        "identifiant_national;annee_naissance;annee;actes;etp",
        "Dupré;1960;2024;1;1",
        "« Dupré »",
    ),
    "ameli": Reader(
        ("import", "ameli"),
        AMELI_HEADER,
        "année;Médecins;93;PACA;83;Var;00;Tout âge;tout sexe;1200;108,5",
        "« année »",
    ),
    "cog": Reader(
        ("import", "cog"),
        "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT",
        "COMMUNÉ,01001,84,01,,,5,A,A,A,,",
        "COMMUNÉ",
        encodings=frozenset({"cp1252"}),
    ),
    "populations": Reader(
        ("import", "populations", "--annee", "2021"),
        "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT",
        "84;Rhône;0é;1;04;009;Andert;326;9;335",
        "0é009",
        encodings=frozenset({"cp1252"}),
    ),
    "populations-ages": Reader(
        ("import", "populations-ages"),
        POPULATION_AGES,
        "Brignolès;1;1;1;1;1;1;1;1",
        "Brignolès",
        encodings=frozenset({"cp1252"}),
    ),
    "communes-points": Reader(
        ("import", "communes-points"),
        "code_insee,latitude,longitude",
        "Brignolès,43.4,6.06",
        "Brignolès",
    ),
    "finess": Reader(
        ("import", "finess"),
        FINESS_HEADER,
        FINESS_ROW.replace("1979-02-13;1979-02-13", "1979-02-13;1979-é2-13"),
        "1979-é2-13",
        encodings=frozenset({"cp1252"}),
    ),
    "rpps": Reader(
        ("import", "rpps"),
        "|".join(HEADER_56) + "|",
        rpps_line(doctor(**{"Nom d'exercice": "GRÉGOIRE"})),
        "",
        encodings=frozenset(),
        arguments=lambda path, tmp: [str(path)],
    ),
    "communes-geojson": Reader(
        ("import", "communes-geojson"),
        '{"type": "FeatureCollection", "features": []}',
        '{"type": "FeatureCollection", "features": [], "nom": "Brignolès"}',
        "",
        encodings=frozenset(),
        kind="json",
    ),
    "communes-etalab": Reader(
        ("import", "communes-etalab"),
        "[]",
        '[{"code": "Brignolès"}]',
        "",
        encodings=frozenset(),
        kind="json",
        arguments=_etalab_directory,
    ),
    "apl-drees": Reader(("import", "apl-drees"), "", "", "", encodings=frozenset(), kind="xlsx"),
    "access-apl": Reader(
        ("access", "apl"),
        "code,population",
        "00001,mille habitants é",
        "mille habitants é",
        arguments=_apl,
    ),
}


def _content(reader: Reader, variant: str) -> bytes | None:
    """Bytes of the hostile file (None: the 50 MB file, written in place)."""
    text = f"{reader.header}\n{reader.bad_row}\n"
    if reader.kind == "json":
        text = reader.bad_row + "\n"
    if variant == "cp1252":
        return text.encode("cp1252")
    if variant == "utf16le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if variant == "utf16be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if variant == "binary":
        return bytes(range(256)) * 64
    if variant == "bad_byte_after_1mb":
        padding = b" " * MEGABYTE if reader.kind == "json" else b"\n" * MEGABYTE
        first = reader.header.encode() + b"\n" if reader.kind == "csv" else b""
        return first + padding + "« Brignolès »".encode("cp1252") + b"\n"
    if variant == "line_50mb":
        return None
    if variant == "empty":
        return b""
    assert variant == "header_only"
    return (reader.header + "\n").encode()


def _database_state() -> dict[str, str]:
    """A digest of every row of every table."""
    from django.apps import apps

    state = {}
    for model in apps.get_models():
        rows = list(model.objects.order_by("pk").values_list())
        state[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


def _write_big_line(path: Path, first_line: bytes) -> Path:
    """``first_line`` (the importer's header), then a line of 50 MB."""
    with open(path, "wb") as handle:
        handle.write(first_line)
        block = b"x" * MEGABYTE
        for _ in range(50):
            handle.write(block)
        handle.write(b"\n")
    return path


@pytest.fixture
def referential(db):
    """A few rows in the tables the importers write, so that « unchanged » means something."""
    from maillage.web.outreach.models import Contact
    from maillage.web.territories.models import Commune, Departement, Region

    region = Region.objects.create(code="99", nom="Région fictive")
    departement = Departement.objects.create(code="00", nom="Département fictif", region=region)
    Commune.objects.create(
        code="00001", nom="Port-Fictif", departement=departement, region=region, population=10
    )
    person = professional()
    Contact.objects.create(
        professional=person,
        departement=departement,
        date="2024-01-05",
        canal=Contact._meta.get_field("canal").choices[0][0],
        equipe=Contact._meta.get_field("equipe").choices[0][0],
    )


@pytest.mark.parametrize("variant", HOSTILE)
@pytest.mark.parametrize("name", list(READERS))
def test_hostile_file_is_refused_in_french(name, variant, tmp_path, referential):
    reader = READERS[name]
    content = _content(reader, variant)
    suffix = {"json": ".json", "xlsx": ".xlsx"}.get(reader.kind, ".csv")
    if name == "rpps":
        suffix = ".txt"
    path = tmp_path / f"{variant}{suffix}"
    if content is None:
        first = reader.header.encode() + b"\n" if reader.kind == "csv" else b""
        _write_big_line(path, first)
    else:
        path.write_bytes(content)
    arguments = reader.arguments(path, tmp_path)
    before = _database_state()
    result = CliRunner().invoke(main, [*reader.command, *arguments])
    output = result.output
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit), (result.exception, output)
    assert "Traceback" not in output
    assert _database_state() == before
    shown = tmp_path / "etalab" / "communes.json" if name == "communes-etalab" else path
    assert str(shown) in output, output
    if reader.kind == "xlsx":
        assert "classeur" in output, output  # a whole-file defect: no line to name
        return
    if reader.kind == "json" and variant == "header_only":
        # A valid document without any record: the defect is a key, not a line.
        assert "aucune commune" in output and "colonne «" in output, output
        return
    assert re.search(r"ligne \d+", output), output
    assert "colonne «" in output or "caractère" in output, output
    encoding = "utf16" if variant.startswith("utf16") else variant
    if variant in ("cp1252", "utf16le", "utf16be"):
        if encoding in reader.encodings:
            assert reader.shows in output, output  # decoded right, refused for its content
        else:
            assert "attendu" in output and "UTF-8" in output, output


def test_the_finess_lines_are_those_of_the_real_sample(shared_data):
    assert FINESS_SAMPLE.read_text(encoding="utf-8").splitlines()[:2] == [FINESS_HEADER, FINESS_ROW]


def test_accepted_encodings_import_the_same_rows(tmp_path, referential):
    """The same CPTS file in UTF-8, Windows-1252 and UTF-16 gives the same perimeter."""
    from maillage.web.supply.models import Structure

    text = "cpts_id;nom;code_insee\nC1;CPTS de l'Étang;00001\n"
    names = []
    for encoding, bom in (("utf-8", b""), ("cp1252", b""), ("utf-16-le", b"\xff\xfe")):
        path = tmp_path / f"cpts-{encoding}.csv"
        path.write_bytes(bom + text.encode(encoding))
        result = CliRunner().invoke(main, ["import", "cpts", str(path), "--json"])
        assert result.exit_code == 0, result.output
        names.append(Structure.objects.get(identifiant="C1").nom)
        counts = json.loads(result.output)["comptes"]
        assert counts["CPTS"]["créés"] + counts["CPTS"]["inchangés"] == 1
    assert names == ["CPTS de l'Étang"] * 3
