import pytest

from maillage.web.parameters import all_parameters

pytestmark = pytest.mark.django_db


def test_every_parameter_has_a_dated_history_with_reference():
    rows = all_parameters()
    names = {row.nom for row in rows}
    assert "aci.cpts.fonctionnement" in names and "apl.supply.acts_per_fte" in names
    for row in rows:
        assert row.historique, row.nom
        for period in row.historique:
            assert period.debut and period.reference, row.nom


def test_page_shows_status_of_each_value(client):
    html = client.get("/parametres/").content.decode()
    assert "aci.cpts.fonctionnement" in html
    assert "non vérifié" in html and "vérifié" in html
    assert html.count("<tr id=") == len(all_parameters())


def test_api_lists_parameters(client):
    data = client.get("/api/parametres").json()
    by_name = {row["nom"]: row for row in data}
    fonctionnement = by_name["aci.cpts.fonctionnement"]["historique"][0]
    assert fonctionnement["verifie"] is True
    assert fonctionnement["valeur"] == {"1": 50000, "2": 60000, "3": 75000, "4": 90000}


def test_one_registry_feeds_the_page():
    from maillage.engine.rules import list_parameters

    rows = all_parameters()
    assert [row.nom for row in rows] == [item["nom"] for item in list_parameters()]
    steps = next(row for row in rows if row.nom == "apl.decay.steps")
    assert steps.domaine == "apl"
    assert [p.verifie for p in steps.historique] == [True, False]
    assert steps.historique[1].valeur["15"] == 2 / 3


def test_page_says_never_checked_and_missing_urls(client):
    """No check of a source is recorded: every row says « jamais vérifié » instead of a date,
    and a reference without URL says so (it cannot be checked by following a link)."""
    html = client.get("/parametres/").content.decode()
    rows = all_parameters()
    assert html.count("jamais vérifié") >= len(rows)
    assert "(référence sans URL)" in html
    fonctionnement = html.split('<tr id="aci.cpts.fonctionnement">')[1].split("</tr>")[0]
    assert "(référence sans URL)" in fonctionnement and "jamais vérifié" in fonctionnement
    socle = html.split('<tr id="aci.cpts.missions.socle">')[1].split("</tr>")[0]
    assert "référence sans URL" not in socle and "legifrance.gouv.fr" in socle


def test_api_gives_the_last_check_or_null(client):
    data = client.get("/api/parametres").json()
    assert all(row["derniere_verification"] is None for row in data)


def test_page_shows_values_in_french_never_a_python_repr(client):
    import re

    html = client.get("/parametres/").content.decode()
    body = html[html.index("<main") :]
    assert not re.search(r"\{&#x27;|\[&#x27;|\{'|\['|\b\d{4}-\d{2}-\d{2}\b", body)
    # The start-up aid by CPTS size: a table by size with French thousands.
    assert "1 : 15\u202f000 ; 2 : 17\u202f500" in body


def test_readable_value_writes_any_parameter_value_in_french():
    import datetime as dt

    from maillage.web.parameters import readable_value

    assert readable_value({"1": 15000, "2": 17500.5}) == "1 : 15\u202f000 ; 2 : 17\u202f500,5"
    assert readable_value(dt.date(2021, 12, 31)) == "31/12/2021"
    assert readable_value("2021-12-31") == "31/12/2021"
    assert readable_value([True, False]) == "oui, non"
    assert readable_value("hors zonage") == "hors zonage"
