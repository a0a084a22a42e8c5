"""Coordination forms: an error shows next to its field with what was typed (no redirect, no
flash), numbers and years are bounded with French messages, and a saved management dialogue
shows on the contract page."""

import pytest
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.coordination.models import Contract, Dialogue, Member, Payment, Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    return {
        "contract": Contract.objects.filter(kind="cpts").first(),
        "agent": User.objects.get(username="agent"),
        "coordinateur": User.objects.get(username="coordinateur"),
    }


def field_block(html: str, field_id: str) -> str:
    """The ``<div>`` Django's ``as_div`` renders for one field: label, errors and input."""
    start = html.index(f'for="{field_id}"')
    block_start = html.rindex("<div", 0, start)
    return html[block_start : html.index("</div>", html.index(f'id="{field_id}"')) + 6]


def test_negative_payment_is_refused_next_to_the_amount_with_the_input_kept(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    before = Payment.objects.count()
    response = client.post(
        reverse("coordination:payment_add", args=[contract.pk]),
        {"pa-date": "2025-03-01", "pa-montant": "-50", "pa-reference": "VIR-123"},
    )
    assert response.status_code == 422
    assert Payment.objects.count() == before
    html = response.content.decode()
    amount = field_block(html, "id_pa-montant")
    assert "positif" in amount and 'value="-50"' in amount
    assert 'value="VIR-123"' in field_block(html, "id_pa-reference")
    assert not list(response.context["messages"])  # no flash: the error is at the field


def test_contract_year_is_bounded_by_the_contract_duration(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    response = client.post(
        reverse("coordination:payment_add", args=[contract.pk]),
        {"pa-date": "2025-03-01", "pa-montant": "100", "pa-annee_contrat": "999"},
    )
    assert response.status_code == 422
    block = field_block(response.content.decode(), "id_pa-annee_contrat")
    assert "de 1 à 5" in block and 'value="999"' in block


def test_payment_date_outside_the_documented_years_is_refused(client, world):
    client.force_login(world["agent"])
    response = client.post(
        reverse("coordination:payment_add", args=[world["contract"].pk]),
        {"pa-date": "0999-03-01", "pa-montant": "100"},
    )
    assert response.status_code == 422
    assert "année de 1900 à 2100" in field_block(response.content.decode(), "id_pa-date")


def test_a_valid_payment_is_saved(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    response = client.post(
        reverse("coordination:payment_add", args=[contract.pk]),
        {"pa-date": "2025-03-01", "pa-montant": "1234,56", "pa-annee_contrat": "2"},
    )
    assert response.status_code == 302
    payment = Payment.objects.filter(contrat=contract).latest("id")
    assert str(payment.montant) == "1234.56" and payment.saisi_par == world["agent"]


def test_dialogue_errors_stay_at_the_field_and_a_saved_dialogue_is_listed(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    contract.dialogues.all().delete()
    url = reverse("coordination:dialogue_add", args=[contract.pk])
    bad = client.post(
        url, {"di-annee_contrat": "9", "di-date": "", "di-participants": "Mme Durand"}
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "de 1 à 5" in field_block(html, "id_di-annee_contrat")
    assert "Mme Durand" in field_block(html, "id_di-participants")
    ok = client.post(
        url,
        {
            "di-annee_contrat": "1",
            "di-date": "2025-05-12",
            "di-participants": "Mme Durand (CPAM), Dr Martin (CPTS)",
            "di-compte_rendu": "Objectifs de la mission accès aux soins atteints.",
        },
    )
    assert ok.status_code == 302
    page = client.get(reverse("coordination:contrat", args=[contract.pk])).content.decode()
    table = page[
        page.index('id="dialogues"') : page.index("</table>", page.index('id="dialogues"'))
    ]
    assert "12/05/2025" in table
    assert "Dr Martin (CPTS)" in table
    assert "Objectifs de la mission accès aux soins atteints." in table
    assert Dialogue.objects.filter(contrat=contract).count() == 1


def test_member_error_is_next_to_the_field_with_the_name_kept(client, world):
    client.force_login(world["agent"])
    structure = world["contract"].dossier.structure_id
    before = Member.objects.count()
    response = client.post(
        reverse("coordination:member_add", args=[structure]), {"mb-nom": "Camille Petit"}
    )
    assert response.status_code == 422 and Member.objects.count() == before
    html = response.content.decode()
    assert "Indiquer la profession" in field_block(html, "id_mb-categorie")
    assert 'value="Camille Petit"' in field_block(html, "id_mb-nom")


def test_event_error_keeps_the_comment(client, world):
    client.force_login(world["agent"])
    structure = world["contract"].dossier.structure_id
    response = client.post(
        reverse("coordination:event_add", args=[structure]),
        {"ev-kind": "dialogue", "ev-date": "pas une date", "ev-commentaire": "Réunion annuelle"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "date valide" in field_block(html, "id_ev-date").lower()
    assert "Réunion annuelle" in field_block(html, "id_ev-commentaire")


def test_result_entry_error_is_shown_at_the_field(client, world):
    client.force_login(world["coordinateur"])
    contract = world["contract"]
    indicator = Result.objects.filter(indicateur__mission__contrat=contract).first().indicateur
    response = client.post(
        reverse("coordination:result_add", args=[contract.pk]),
        {"re-indicateur": indicator.pk, "re-annee_contrat": "7", "re-valeur": "12"},
    )
    assert response.status_code == 422
    block = field_block(response.content.decode(), "id_re-annee_contrat")
    assert 'value="7"' in block and "de 1 à 5" in block


def test_a_coordinator_cannot_overwrite_a_validated_result(client, world):
    client.force_login(world["coordinateur"])
    contract = world["contract"]
    result = Result.objects.filter(indicateur__mission__contrat=contract).first()
    result.statut = Result.Status.VALIDE
    result.save()
    response = client.post(
        reverse("coordination:result_add", args=[contract.pk]),
        {
            "re-indicateur": result.indicateur_id,
            "re-annee_contrat": result.annee_contrat,
            "re-valeur": "1",
        },
    )
    assert response.status_code == 422
    assert "déjà validé" in str(response.context["result_form"].errors), response.context[
        "result_form"
    ].errors
    result.refresh_from_db()
    assert result.valeur != 1


@pytest.mark.parametrize("year", ["abc", "99999", "1800", "2100"])
def test_contract_year_in_the_query_string_is_bounded(client, world, year):
    client.force_login(world["agent"])
    contract = world["contract"]
    response = client.get(reverse("coordination:contrat", args=[contract.pk]), {"annee": year})
    assert response.status_code == 400
    text = response.content.decode()
    assert "annee" in text and "Traceback" not in text and "year" not in text
    export = client.get(reverse("coordination:export", args=[contract.pk, "csv"]), {"annee": year})
    assert export.status_code == 400


def test_contract_year_default_and_choices_stay_within_the_contract(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    response = client.get(reverse("coordination:contrat", args=[contract.pk]))
    assert response.status_code == 200
    years = response.context["annees"]
    assert years[0] == contract.date_signature.year and response.context["annee"] in years


def test_contract_edit_error_keeps_the_stored_contract_in_the_page(client, world):
    client.force_login(world["agent"])
    contract = world["contract"]
    response = client.post(
        reverse("coordination:contract_edit", args=[contract.pk]),
        {"ct-kind": "cpts", "ct-date_signature": "1800-01-01", "ct-commentaire": "à revoir"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "1800" in field_block(html, "id_ct-date_signature")
    assert "à revoir" in field_block(html, "id_ct-commentaire")
    # The page itself still shows the stored signature date, not the refused one.
    assert response.context["contrat"].date_signature == contract.date_signature


def test_mission_edit_error_is_shown_in_that_mission_s_form(client, world):
    client.force_login(world["agent"])
    mission = world["contract"].missions.first()
    prefix = f"me{mission.pk}"
    response = client.post(
        reverse("coordination:mission_edit", args=[mission.pk]),
        {f"{prefix}-code": mission.code, f"{prefix}-part_fixe": "abc"},
    )
    assert response.status_code == 422
    forms_by_mission = dict(response.context["mission_edit_forms"])
    assert forms_by_mission[mission].errors["part_fixe"]
    assert 'value="abc"' in field_block(response.content.decode(), f"id_{prefix}-part_fixe")


def test_exercise_year_is_bounded(client, coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    msp = Contract.objects.filter(kind="msp").first()
    response = client.post(
        reverse("coordination:exercise_add", args=[msp.pk]),
        {"ex-annee": "1800", "ex-patientele": "1000"},
    )
    assert response.status_code == 422
    assert "1900" in field_block(response.content.decode(), "id_ex-annee")
