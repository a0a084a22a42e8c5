"""A CPTS from its letter of intent to its first dialogue de gestion, as a CPAM agent."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.supply.models import Structure, StructureCommune
from maillage.web.territories.models import Commune

pytestmark = pytest.mark.django_db(transaction=True)


def _digits(text: str) -> str:
    return re.sub(r"[\s\u202f\u00a0€]", "", text)


def _serious(page):
    results = Axe().run(page)
    return [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_cpts_lifecycle_to_first_dialogue(
    page, live_server, demo_territory, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path
    seat = Commune.objects.get(code="00010")
    cpts = Structure.objects.create(
        kind="CPTS", identifiant="T-1", nom="CPTS du test", commune=seat
    )
    for code in ("00010", "00011", "00012"):
        StructureCommune.objects.create(structure=cpts, commune_id=code)
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill("agent")
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/exercice-coordonne/structures/{cpts.pk}/")
    pdf = tmp_path / "lettre.pdf"
    pdf.write_bytes(b"%PDF-1.4 lettre d'intention")
    for kind, date in (
        ("lettre_intention", "2023-09-01"),
        ("validation_ars", "2023-10-02"),
        ("projet_sante", "2023-12-15"),
    ):
        form = page.locator("form[aria-label='Ajouter un événement']")
        form.get_by_label("Étape").select_option(kind)
        form.get_by_label("Date").fill(date)
        if kind == "lettre_intention":
            form.get_by_label("Document joint").set_input_files(str(pdf))
        with page.expect_navigation():
            form.get_by_role("button", name="Enregistrer l'événement").click()
    assert page.locator("#etape").inner_text() == "projet de santé validé"
    assert page.get_by_role("link", name="lettre.pdf").count() == 1
    assert _serious(page) == []
    form = page.locator("form[aria-label='Enregistrer un contrat']")
    form.get_by_label("Date de signature").fill("2024-01-01")
    form.get_by_role("button", name="Enregistrer le contrat").click()
    page.wait_for_url(re.compile(r"/contrats/\d+/"))
    assert page.locator("[data-figure=taille]").inner_text() == "1"
    mission = page.locator("form[aria-label='Ajouter une mission']")
    mission.get_by_label("Code").select_option("prevention")
    mission.get_by_label("Part fixe annuelle").fill("10000")
    mission.get_by_label("Part variable annuelle (100 %)").fill("10000")
    mission.get_by_label("Date de démarrage").fill("2024-01-01")
    with page.expect_navigation():
        mission.get_by_role("button", name="Ajouter la mission").click()
    ind = page.locator("form[aria-label='Indicateur de la mission Prévention']")
    ind.get_by_label("Code").fill("depistage")
    ind.get_by_label("Libellé").fill("Actions de dépistage")
    ind.get_by_label("Poids").fill("1")
    ind.get_by_label("Valeur initiale").fill("0")
    ind.get_by_label("Objectif final").fill("10")
    with page.expect_navigation():
        ind.get_by_role("button", name="Ajouter l'indicateur").click()
    res = page.locator("form[aria-label='Saisir un résultat']")
    res.get_by_label("Indicateur").select_option(label="Actions de dépistage")
    res.get_by_label("Année de contrat").fill("1")
    res.get_by_label("Valeur").fill("5")
    with page.expect_navigation():
        res.get_by_role("button", name="Enregistrer le résultat").click()
    dia = page.locator("form[aria-label='Dialogue de gestion']")
    dia.get_by_label("Année de contrat").fill("1")
    dia.get_by_label("Date").fill("2025-02-01")
    with page.expect_navigation():
        dia.get_by_role("button", name="Enregistrer le dialogue").click()
    page.goto(page.url.split("?")[0] + "?annee=2025")
    variable = page.locator("#echeancier tr[data-composante=part_variable] td.num")
    # 50 % achieved × weight 1 × 10 000 € (full first year) = 5 000 €, paid at the dialogue.
    assert _digits(variable.inner_text()) == "5000,00"
    fonctionnement = page.locator("#echeancier tr[data-composante=fonctionnement] td.num")
    assert _digits(fonctionnement.inner_text()) == "50000,00"
    # 2025: fonctionnement 50 000 + solde 2 500 + avance 7 500 + variable 5 000.
    assert _digits(page.locator("[data-figure=du]").inner_text()) == "65000,00"
    assert page.locator("#atteintes td", has_text="50 %").count() == 1
    assert page.locator("#historique tbody tr").count() >= 4
    screenshot("coordination-contrat-dialogue")
    assert _serious(page) == []
