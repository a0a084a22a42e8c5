"""Coordination services: figures derived from records, one source of truth with the engine."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.cli import main
from maillage.engine.rules import compute_contract
from maillage.web.accounts.models import User
from maillage.web.coordination import services
from maillage.web.coordination.forms import MissionForm
from maillage.web.coordination.history import contract_history
from maillage.web.coordination.models import (
    Contract,
    Dossier,
    Member,
    Result,
    validate_document,
)
from maillage.web.supply.models import Structure, StructureCommune
from maillage.web.territories.models import Commune

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_links_coordinator(coord_demo):
    counts = (Contract.objects.count(), Result.objects.count())
    coord_demo()
    assert (Contract.objects.count(), Result.objects.count()) == counts
    coordinator = User.objects.get(username="coordinateur")
    assert coordinator.structures_coordonnees.filter(structure__kind="CPTS").count() == 1
    stages = services.stages(["00"])
    assert stages["ACI signé"] >= 3 and stages["lettre d'intention"] >= 1
    assert stages["dissoute"] == 1 and stages["projet de santé validé"] >= 2


def test_coverage_equals_covered_communes_over_departement(coord_demo):
    figures = services.coordinated_care_figures("00", 2024)
    signed = Structure.objects.filter(dossier__contrats__kind="cpts").distinct()
    codes = set(
        StructureCommune.objects.filter(structure__in=signed).values_list("commune_id", flat=True)
    )
    covered = sum(Commune.objects.get(code=c).population for c in codes)
    total = Commune.objects.filter(departement="00").aggregate(p=Sum("population"))["p"]
    assert figures["population_couverte"] == covered
    assert figures["part_population_couverte"] == pytest.approx(covered / total)
    assert figures["cpts_signees"] == 1 and figures["msp_aci"] == 2


def test_overlapping_cpts_count_each_commune_once(coord_demo):
    first = Contract.objects.get(kind="cpts")
    other = Structure.objects.filter(kind="CPTS").exclude(pk=first.dossier.structure_id).first()
    Contract.objects.create(dossier=other.dossier, kind="cpts", date_signature=dt.date(2024, 1, 2))
    cov = services.coverage(["00"], 2024)
    codes = set(
        StructureCommune.objects.filter(
            structure__in=[first.dossier.structure_id, other.pk]
        ).values_list("commune_id", flat=True)
    )
    assert cov["population_couverte"] == sum(
        Commune.objects.filter(code__in=codes).values_list("population", flat=True)
    )
    shared = set(first.dossier.structure.perimetre.values_list("commune_id", flat=True)) & set(
        other.perimetre.values_list("commune_id", flat=True)
    )
    assert len(cov["chevauchements"]) == len(shared)


def test_figures_keys_and_participants_shares(coord_demo):
    figures = services.coordinated_care_figures("00", 2024)
    assert set(figures) >= {
        "cpts_signees",
        "population_couverte",
        "part_population_couverte",
        "msp_aci",
        "participants_par_profession",
        "montants_dus",
        "montants_verses",
    }
    # 2024 ledger of the demo: CPTS fonctionnement + two MSP advances.
    assert figures["montants_verses"] == Decimal(50000 + 2 * 20000)
    assert figures["montants_dus"] > 0


def test_participants_are_the_members_present_in_the_year_of_signed_cpts(coord_demo):
    before = services.participants(["00"], 2024)
    dossier = Contract.objects.filter(kind="cpts").first().dossier
    msp = Dossier.objects.filter(structure__kind=Structure.Kind.MSP).first()
    for kwargs in (
        {"date_entree": dt.date(2024, 3, 1)},  # joined during the year: counts
        {"date_sortie": dt.date(2025, 6, 1)},  # left after the year: counts
        {"date_sortie": dt.date(2023, 12, 31)},  # left before the year
        {"date_entree": dt.date(2025, 1, 2)},  # joined after the year
    ):
        Member.objects.create(dossier=dossier, nom="Test", categorie="sage_femme", **kwargs)
    Member.objects.create(dossier=msp, nom="Test", categorie="sage_femme")  # not a CPTS
    after = services.participants(["00"], 2024)
    assert after.pop("sage_femme") == before.pop("sage_femme", 0) + 2
    assert after == before
    assert services.participants(["99"], 2024) == {}


def test_cli_echeancier_equals_aci_calcul_on_exported_contract(coord_demo, tmp_path):
    contract = Contract.objects.get(kind="cpts")
    runner = CliRunner()
    path = tmp_path / "contrat.json"
    out = runner.invoke(main, ["aci", "export-contrat", str(contract.pk), "-o", str(path)])
    assert out.exit_code == 0, out.output
    from_db = runner.invoke(
        main, ["aci", "echeancier", "--contrat", str(contract.pk), "--annee", "2024", "--json"]
    )
    from_file = runner.invoke(main, ["aci", "calcul", str(path), "--annee", "2024", "--json"])
    assert from_db.exit_code == 0 and from_file.exit_code == 0, from_db.output
    assert json.loads(from_db.output) == json.loads(from_file.output)
    text = runner.invoke(main, ["aci", "echeancier", "--contrat", str(contract.pk)])
    assert "Part variable" in text.output
    assert runner.invoke(main, ["aci", "echeancier", "--contrat", "9999"]).exit_code == 1


def test_statement_matches_engine_and_ledger(coord_demo):
    contract = Contract.objects.get(kind="cpts")
    stmt = services.statement(contract, 2024)
    report = compute_contract(services.contract_json(contract))
    due = sum(
        Decimal(str(p["montant"]))
        for p in report["versements"]
        if p["date"].startswith("2024") and p["montant"] is not None
    )
    assert stmt["total_du"] == due
    assert stmt["total_verse"] == Decimal(50000)
    assert stmt["ecart"] == due - Decimal(50000)


def test_coordinator_result_waits_for_validation(client, coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    contract = Contract.objects.get(kind="cpts")
    indicator = contract.missions.get(code="acces_aux_soins").indicateurs.first()
    client.force_login(User.objects.get(username="coordinateur"))
    client.post(
        reverse("coordination:result_add", args=[contract.pk]),
        {"re-indicateur": indicator.pk, "re-annee_contrat": 2, "re-valeur": "500"},
    )
    result = Result.objects.get(indicateur=indicator, annee_contrat=2)
    assert result.statut == "saisi"
    assert "2" not in services.contract_json(contract)["missions"][0]["indicateurs"][0]["resultats"]
    client.force_login(User.objects.get(username="agent"))
    client.post(reverse("coordination:result_validate", args=[result.pk]))
    result.refresh_from_db()
    assert result.statut == "valide"
    # The history of the contract reaches the result through its links (no free-text tag):
    # the coordinator's entry, then the agent's validation (a change and an explicit event).
    mine = [
        (c.action, c.username)
        for c in contract_history(contract)
        if c.kind == "résultat" and c.object_id == str(result.pk)
    ]
    assert ("création", "coordinateur") in mine
    assert ("modification", "agent") in mine and ("validation", "agent") in mine
    csv_text = client.get(reverse("coordination:audit_csv", args=[contract.pk])).content.decode()
    assert "validation" in csv_text and "coordinateur" in csv_text


def test_mission_amounts_override_needs_reason_and_ceiling(coord_demo):
    contract = Contract.objects.get(kind="cpts")
    size = services.contract_size(contract)
    defaults = services.mission_defaults(
        "accompagnement_professionnels", size, contract.date_signature
    )
    assert defaults["total"] is None  # no national figure: free amounts
    new = Contract.objects.create(
        dossier=contract.dossier,
        kind="cpts",
        date_signature=dt.date(2028, 4, 3),
        taille_override=1,
        taille_override_motif="test",
    )
    over = {"code": "prevention", "part_fixe": "999999", "part_variable": "0"}
    form = MissionForm(over, contract=new)
    assert not form.is_valid() and "montants_motif" in form.errors
    assert MissionForm({**over, "montants_motif": "négocié"}, contract=new).is_valid()
    national = services.mission_defaults(
        "prevention", services.contract_size(new), new.date_signature
    )
    assert national["part_fixe"] is not None and not national["verifie"]
    assert MissionForm(
        {
            "code": "prevention",
            "part_fixe": national["part_fixe"],
            "part_variable": national["part_variable"],
        },
        contract=new,
    ).is_valid()


def test_document_validation():
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("x.pdf", b"not a pdf"))
    validate_document(SimpleUploadedFile("x.pdf", b"%PDF-1.7"))


def test_size_from_population_with_override(coord_demo):
    contract = Contract.objects.get(kind="cpts")
    dossier = contract.dossier
    population = services.perimeter_population(dossier.structure)
    from maillage.engine.rules import cpts_size

    assert services.contract_size(contract) == cpts_size(population, contract.date_signature)
    dossier.population_override = 200000
    dossier.population_override_motif = "communes limitrophes hors département"
    dossier.save()
    assert services.contract_size(Contract.objects.get(pk=contract.pk)) == 4
    with pytest.raises(ValidationError):
        Dossier(structure=dossier.structure, population_override=1).clean()


def test_exports(client, coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    contract = Contract.objects.get(kind="cpts")
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("pdf", "application/pdf")):
        response = client.get(
            reverse("coordination:export", args=[contract.pk, fmt]) + "?annee=2024"
        )
        assert response.status_code == 200 and kind in response["Content-Type"]
    assert response.content.startswith(b"%PDF")


def test_dashboard_shows_coverage_figure(client, coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    figures = services.coordinated_care_figures("00", 2024)
    html = client.get(reverse("coordination:departement", args=["00"]) + "?annee=2024")
    text = html.content.decode()
    expected = f"{figures['part_population_couverte'] * 100:.1f}".replace(".", ",")
    assert f'data-figure="couverture">{expected} %' in text
    assert 'id="carte-donnees"' in text


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    perimeters=st.lists(
        st.sets(st.integers(min_value=1, max_value=150), min_size=1, max_size=30),
        min_size=1,
        max_size=4,
    )
)
def test_coverage_is_the_union_of_perimeters(demo_territory, perimeters):
    """Invariant: covered population = population of the union of the signed perimeters."""
    Structure.objects.filter(identifiant__startswith="H-").delete()
    for i, numbers in enumerate(perimeters):
        s = Structure.objects.create(
            kind="CPTS", identifiant=f"H-{i}", nom=f"H {i}", commune_id=f"00{min(numbers):03d}"
        )
        StructureCommune.objects.bulk_create(
            [StructureCommune(structure=s, commune_id=f"00{n:03d}") for n in numbers]
        )
        Contract.objects.create(
            dossier=services.ensure_dossier(s), kind="cpts", date_signature=dt.date(2023, 6, 1)
        )
    union = {f"00{n:03d}" for numbers in perimeters for n in numbers}
    cov = services.coverage(["00"], 2024)
    expected = sum(Commune.objects.filter(code__in=union).values_list("population", flat=True))
    assert cov["population_couverte"] == expected
    assert 0 < cov["part_population_couverte"] <= 1
    counts = {}
    for numbers in perimeters:
        for n in numbers:
            counts[n] = counts.get(n, 0) + 1
    assert len(cov["chevauchements"]) == sum(1 for v in counts.values() if v > 1)


@pytest.fixture
def agent_client(client, coord_demo, settings, tmp_path):
    from maillage.web.demo import create_demo_accounts

    settings.MEDIA_ROOT = tmp_path
    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    return client


def test_event_document_upload_checked(agent_client):
    contract = Contract.objects.get(kind="cpts")
    url = reverse("coordination:event_add", args=[contract.dossier.structure_id])
    bad = SimpleUploadedFile("avenant.pdf", b"MZ not a pdf")
    agent_client.post(url, {"ev-kind": "avenant", "ev-date": "2024-09-01", "ev-document": bad})
    assert not contract.dossier.evenements.filter(kind="avenant").exists()
    good = SimpleUploadedFile("avenant.pdf", b"%PDF-1.4 avenant")
    agent_client.post(
        url,
        {
            "ev-kind": "avenant",
            "ev-date": "2024-09-01",
            "ev-document": good,
            "ev-titre_document": "Avenant n° 1",
        },
    )
    event = contract.dossier.evenements.get(kind="avenant")
    doc = event.documents.get()
    response = agent_client.get(reverse("coordination:document", args=[doc.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert services.current_stage(contract.dossier) == "aci"


def test_member_linked_to_rpps_and_payment_deletion_audited(agent_client):
    from maillage.web.supply.models import Activity, Professional

    contract = Contract.objects.get(kind="cpts")
    alice = Professional.objects.create(
        identifiant_national="810000000001",
        type_identifiant="8",
        nom="Durand",
        prenom="Alice",
        code_profession="60",
        categorie="infirmier",
    )
    Activity.objects.create(professional=alice, commune_id="00001", mode_exercice="L")
    agent_client.post(
        reverse("coordination:member_add", args=[contract.dossier.structure_id]),
        {"mb-rpps": "810000000001"},
    )
    member = contract.dossier.membres.get(professional__identifiant_national="810000000001")
    assert member.categorie == "infirmier" and member.nom == "Alice Durand"
    payment = contract.paiements.first()
    agent_client.post(reverse("coordination:payment_delete", args=[payment.pk]))
    deleted = [
        c
        for c in contract_history(contract)
        if c.action == "suppression" and c.object_id == str(payment.pk)
    ]
    assert len(deleted) == 1 and deleted[0].after is None
    assert deleted[0].before["montant"] == str(payment.montant)
    assert deleted[0].username == "agent"


def test_api_figures_and_schedule(agent_client):
    data = agent_client.get("/api/exercice-coordonne/departements/00/chiffres?annee=2024").json()
    figures = services.coordinated_care_figures("00", 2024)
    assert data["population_couverte"] == figures["population_couverte"]
    assert data["montants_dus"] == float(figures["montants_dus"])
    contract = Contract.objects.get(kind="cpts")
    schedule = agent_client.get(
        f"/api/exercice-coordonne/contrats/{contract.pk}/echeancier?annee=2024"
    ).json()
    assert schedule == compute_contract(services.contract_json(contract), 2024)


def test_achievements_are_the_rates_the_variable_part_pays(coord_demo):
    """The dashboard's rate of each result is the engine's (no second computation): with a
    level given without its rate, the engine gives it 1/2 (one level) and the page now agrees
    with the amount paid (it used to drop such a level)."""
    contract = Contract.objects.get(kind="cpts")
    indicator = contract.missions.get(code="acces_aux_soins").indicateurs.first()
    indicator.valeur_initiale, indicator.objectif = Decimal(0), Decimal(100)
    indicator.objectifs_annuels = {"1": 40}
    indicator.paliers = [{"valeur": 10}]  # no rate: the engine gives it 1/2
    indicator.mode = "lineaire"
    indicator.save()
    indicator.resultats.all().delete()
    Result.objects.create(
        indicateur=indicator, annee_contrat=1, valeur=Decimal(30), statut=Result.Status.VALIDE
    )
    Result.objects.create(
        indicateur=indicator, annee_contrat=2, valeur=Decimal(60), statut=Result.Status.SAISI
    )
    rows = {
        r["resultat"].annee_contrat: r
        for r in services.achievements(contract)
        if r["indicateur"] == indicator
    }
    # Year 1: objective 40, level 10 at 1/2; 30 is 2/3 of the way from 10 to 40.
    assert rows[1]["objectif"] == Decimal(40)
    assert float(rows[1]["taux"]) == pytest.approx(0.5 + 0.5 * 20 / 30)
    # Year 2 (no yearly objective): objective 100; 60 is 5/9 of the way from 10 to 100.
    assert rows[2]["objectif"] == Decimal(100)
    assert float(rows[2]["taux"]) == pytest.approx(0.5 + 0.5 * 50 / 90)
    report = compute_contract(services.contract_json(contract))
    line = next(
        line
        for line in report["lignes"]
        if line["annee_contrat"] == 1
        and line["mission"] == "acces_aux_soins"
        and line["composante"] == "part_variable"
    )
    assert f"{indicator.code} 83,3 %" in line["detail"]


def test_statement_of_a_2021_cpts_says_which_rule_applied(client, coord_demo):
    """Issue 10 §4: a CPTS signed in 2021 got the 2019 amounts with no alert; its statement
    (page and PDF) now gives the avenant n° 2 uplift of year 1 and says why."""
    from django.template.loader import render_to_string

    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    contract = Contract.objects.get(kind="cpts")
    contract.date_signature = dt.date(2021, 6, 10)
    contract.taille_override = 3
    contract.save()
    stmt = services.statement(contract, 2022)
    uplift = [p for p in stmt["dus"] if p["date"] == "2022-04-01"]
    assert [(p["composante"], p["montant"]) for p in uplift] == [("fonctionnement", 56250.0)]
    client.force_login(User.objects.get(username="agent"))
    page = client.get(reverse("coordination:contrat", args=[contract.pk]) + "?annee=2022")
    html = page.content.decode()
    rules = html.split('id="regles-appliquees"')[1].split("</details>")[0]
    assert "Majoration de l&#x27;avenant n° 2" in rules and "31/12/2021" in rules
    assert "montant national de la taille 3" in rules
    assert "majoré de 75 % par l&#x27;avenant n° 2" in html  # the alert
    pdf_html = render_to_string(
        "coordination/releve_pdf.html", {"releve": stmt, "contrat": contract, "annee": 2022}
    )
    assert "Règles appliquées" in pdf_html and "Majoration de l&#x27;avenant n° 2" in pdf_html
