"""Key figures recomputed independently from the records: a hand-built dataset whose figures
are known, and the demo (plain Python counts over the rows vs the SQL aggregates)."""

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import types
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.cli import main
from maillage.web.accounts.roles import Role
from maillage.web.outreach import services as outreach
from maillage.web.outreach.models import (
    Contact,
    Contract,
    Installation,
    Milestone,
    Payment,
    Webinar,
)
from maillage.web.reporting import exports, services
from maillage.web.reporting.services import COORDINATION_MISSING, key_figures
from tests.web.outreach.factories import make_user, other_departement, professional, rpps_import

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
Y = 2025


def contact(p, day, canal="visite", dep="00", **extra):
    return Contact.objects.create(
        professional=p, departement_id=dep, canal=canal, date=day, equipe="DAM", sujet="s", **extra
    )


@pytest.fixture
def known(demo_territory):
    """10 individual contacts (8 with GPs), 2 webinars with 12 participants, 3 installations
    (2 accompanied, 1 nurse checked), 2 contracts (86 000 €), one payment of 25 000 €."""
    other_departement()
    gps = [professional("medecin_generaliste", f"0000{i}") for i in range(1, 5)]
    nurses = [professional("infirmier", "00005"), professional("infirmier", "00006")]
    channels = ["visite"] * 5 + ["telephone"] * 3 + ["visio", "email"]
    for i, canal in enumerate(channels):
        p = gps[i % 4] if i < 8 else nurses[i - 8]
        contact(p, dt.date(Y, 1 + i, 3), canal)
    contact(gps[0], dt.date(Y - 1, 12, 31))  # other year
    contact(professional("medecin_generaliste", "99001"), dt.date(Y, 5, 1), dep="99")  # other dep
    for title, identified, anonymous in (("w1", 4, 2), ("w2", 3, 3)):
        w = Webinar.objects.create(
            titre=title,
            date=dt.date(Y, 6, 1),
            departement_id="00",
            participants_non_identifies=anonymous,
        )
        for p in (gps + nurses)[:identified]:
            contact(p, w.date, "webinaire", webinaire=w)
    nurse_a, _ = outreach.create_installation(nurses[0], "00", dt.date(Y, 2, 1))
    outreach.create_installation(nurses[1], "00", dt.date(Y, 3, 1))
    gp_inst, _ = outreach.create_installation(gps[3], "00", dt.date(Y, 4, 1))
    outreach.create_installation(gps[2], "00", dt.date(Y - 1, 4, 1))  # other year
    Milestone.objects.filter(installation__in=[nurse_a, gp_inst], kind="rdv_installation").update(
        realise_le=dt.date(Y, 5, 1)
    )
    Installation.objects.filter(pk=nurse_a.pk).update(
        controle_date=dt.date(Y, 8, 1), controle_resultat="conforme"
    )
    caim = outreach.create_contract(gps[0], "00", "caim", dt.date(Y, 3, 1), {"jours": 4})
    outreach.create_contract(
        gps[1], "00", "assistant_medical", dt.date(Y, 5, 1), {"annees": 3, "montant": "36000"}
    )
    Payment.objects.create(contrat=caim, date=dt.date(Y, 3, 20), montant=Decimal("25000"))
    return {"gps": gps, "nurses": nurses}


def test_known_dataset_figures(known):
    a = key_figures("00", Y)["accompagnement"]
    assert a["accompagnements"]["valeur"] == 10
    assert a["part_medecins_generalistes"]["valeur"] == 80.0
    assert {r["canal"]: r["valeur"] for r in a["par_canal"]} == {
        "visite": 5,
        "telephone": 3,
        "visio": 1,
        "email": 1,
    }
    assert {r["categorie"]: r["valeur"] for r in a["par_profession"]} == {
        "medecin_generaliste": 8,
        "infirmier": 2,
    }
    assert a["webinaires"]["valeur"] == 2
    assert a["participants_webinaires"] == {
        **a["participants_webinaires"],
        "valeur": 12,
        "identifies": 7,
        "non_identifies": 5,
    }
    inst = a["installations"]
    assert [inst["nouveaux"][k]["valeur"] for k in ("installes", "accompagnes", "controles")] == [
        3,
        2,
        1,
    ]
    assert [inst["infirmiers"][k]["valeur"] for k in ("installes", "accompagnes", "controles")] == [
        2,
        1,
        1,
    ]
    assert a["contrats_total"]["valeur"] == 2 and a["montant_contrats"] == 86000.0
    assert {
        r["type"]: (r["nombre"], r["montant_prevu"], r["verse_dans_annee"]) for r in a["contrats"]
    } == {
        "caim": (1, 50000.0, 25000.0),
        "assistant_medical": (1, 36000.0, 0.0),
    }
    assert a["versements_total"]["valeur"] == 25000.0


def test_every_figure_drills_down_to_exactly_its_records(client, known):
    client.force_login(make_user(Role.AGENT_CPAM))
    a = key_figures("00", Y)["accompagnement"]
    figures = [
        a["accompagnements"],
        a["webinaires"],
        *a["par_canal"],
        *a["par_profession"],
        a["contrats_total"],
    ]
    figures += [v for block in a["installations"].values() for v in block.values()]
    for figure in figures:
        response = client.get(figure["detail"])
        assert response.status_code == 200
        assert response.context["count"] == figure["valeur"], figure["detail"]
    gp = client.get(a["part_medecins_generalistes"]["detail"])
    assert gp.context["count"] == a["part_medecins_generalistes"]["numerateur"] == 8
    webinar_people = client.get(a["participants_webinaires"]["detail"])
    assert webinar_people.context["count"] == a["participants_webinaires"]["identifies"]


def test_supply_year_on_year_from_rpps_imports(demo_territory):
    first, second = rpps_import(dt.date(Y - 1, 12, 1)), rpps_import(dt.date(Y, 12, 1))
    professional("medecin_generaliste", first=first, last=second)
    professional("medecin_generaliste", first=first, last=first, actif=False)  # left
    professional("medecin_generaliste", first=second, last=second)  # arrived
    professional("infirmier", first=first, last=second)
    professional("infirmier", "00002")  # never imported: not in the supply table
    o = key_figures("00", Y)["offre"]
    rows = {r["categorie"]: r for r in o["lignes"]}
    assert (
        rows["medecin_generaliste"]["nombre_precedent"],
        rows["medecin_generaliste"]["nombre"],
    ) == (2, 2)
    assert (rows["infirmier"]["nombre_precedent"], rows["infirmier"]["nombre"]) == (1, 1)
    population = o["population"]
    assert population > 0
    assert rows["medecin_generaliste"]["densite"] == round(2 * 100000 / population, 1)
    # A year without any import before it: no figure rather than a false zero.
    earlier = key_figures("00", Y - 1)["offre"]
    assert all(r["nombre_precedent"] is None for r in earlier["lignes"])


def test_coordination_figures_used_when_present_and_absence_reported(demo_territory, monkeypatch):
    fake = types.ModuleType("maillage.web.coordination.services")
    fake.coordinated_care_figures = lambda code, year: {
        "cpts_signees": 2,
        "population_couverte": 1000,
        "departement": code,
        "annee": year,
    }
    monkeypatch.setitem(sys.modules, "maillage.web.coordination.services", fake)
    c = key_figures("00", Y)["exercice_coordonne"]
    assert c["disponible"] and c["chiffres"]["cpts_signees"] == 2 and c["chiffres"]["annee"] == Y
    monkeypatch.setitem(sys.modules, "maillage.web.coordination.services", types.ModuleType("x"))
    assert key_figures("00", Y)["exercice_coordonne"] == {
        "disponible": False,
        "message": COORDINATION_MISSING,
    }
    monkeypatch.setitem(sys.modules, "maillage.web.coordination.services", None)
    assert (
        key_figures("00", Y)["exercice_coordonne"]["message"]
        == "module exercice coordonné non chargé"
    )


@pytest.fixture
def demo(db):
    from maillage.web.demo import load_demo

    load_demo()
    from maillage.web.outreach.demo import DEMO_YEAR

    return DEMO_YEAR


def test_demo_figures_recomputed_in_python(demo):
    year = demo
    f = key_figures("00", year)
    a = f["accompagnement"]
    rows = list(
        Contact.objects.values(
            "departement_id", "date", "canal", "professional__categorie", "webinaire_id"
        )
    )
    mine = [r for r in rows if r["departement_id"] == "00" and r["date"].year == year]
    individual = [r for r in mine if r["canal"] != "webinaire"]
    assert a["accompagnements"]["valeur"] == len(individual) > 100
    by_channel = Counter(r["canal"] for r in individual)
    assert {r["canal"]: r["valeur"] for r in a["par_canal"]} == {
        c: by_channel[c] for c in ("visite", "telephone", "visio", "email")
    }
    gp = sum(r["professional__categorie"] == "medecin_generaliste" for r in individual)
    assert a["part_medecins_generalistes"]["valeur"] == round(100 * gp / len(individual), 1)
    webinars = [
        w for w in Webinar.objects.all() if w.departement_id == "00" and w.date.year == year
    ]
    assert a["webinaires"]["valeur"] == len(webinars) == 3
    assert a["participants_webinaires"]["valeur"] == sum(
        r["canal"] == "webinaire" for r in mine
    ) + sum(w.participants_non_identifies for w in webinars)
    installs = [
        i
        for i in Installation.objects.select_related("professional")
        if i.departement_id == "00" and i.date_installation.year == year
    ]
    assert a["installations"]["nouveaux"]["installes"]["valeur"] == len(installs) > 0
    nurses = [i for i in installs if i.professional.categorie == "infirmier"]
    assert a["installations"]["infirmiers"]["controles"]["valeur"] == sum(
        bool(i.controle_resultat) for i in nurses
    )
    done = {m.installation_id for m in Milestone.objects.all() if m.realise_le}
    assert a["installations"]["infirmiers"]["accompagnes"]["valeur"] == sum(
        i.pk in done for i in nurses
    )
    contracts = [
        c
        for c in Contract.objects.all()
        if c.date_signature.year == year and c.departement_id == "00"
    ]
    assert a["contrats_total"]["valeur"] == len(contracts)
    assert a["montant_contrats"] == float(sum(c.montant_total for c in contracts))
    # Coordinated care comes from the coordination module when it is loaded.
    c = f["exercice_coordonne"]
    if c["disponible"]:
        assert {"cpts_signees", "population_couverte", "msp_aci"} <= set(c["chiffres"])
    supply = {r["categorie"]: r["nombre"] for r in f["offre"]["lignes"]}
    present = services.supply_present("00", year)
    assert sum(supply.values()) == present.count() > 0


def test_exports_and_pdf_artifact(demo):
    year = demo
    figures = key_figures("00", year)
    assert json.loads(exports.as_json(figures))["annee"] == year
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(exports.as_xlsx(figures)))
    assert workbook.sheetnames == [
        "Accompagnement",
        "Contrats",
        "Exercice coordonné",
        "Offre de soins",
    ]
    values = {r[0].value: r[1] for r in workbook["Accompagnement"].iter_rows()}
    accompanied = values["Accompagnements (hors webinaires)"]
    assert accompanied.value == figures["accompagnement"]["accompagnements"]["valeur"]
    assert accompanied.data_type == "n"
    pdf = exports.as_pdf(figures)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "chiffres-cles-demo.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(target),
                str(ARTIFACTS / "chiffres-cles-demo"),
            ],
            check=True,
        )
        assert (ARTIFACTS / "chiffres-cles-demo.png").exists()


def test_cli_rapport(demo, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["rapport", "--departement", "00", "--annee", str(demo)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["accompagnement"]["webinaires"]["valeur"] == 3
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        main,
        [
            "rapport",
            "--departement",
            "00",
            "--annee",
            str(demo),
            "--format",
            "xlsx",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0 and out.stat().st_size > 1000
    result = runner.invoke(main, ["rapport", "--departement", "42", "--annee", "2024"])
    assert result.exit_code == 1 and "département inconnu" in result.output
    assert reverse("reporting:index")
