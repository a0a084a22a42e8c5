"""Readable values: what a parameter or an option looks like on a page, never a Python repr."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from maillage.engine import formatting, vocabulary


def test_mappings_lists_codes_numbers_and_dates_read_as_french():
    assert formatting.readable(["ZIP", "ZAC", "hors_zonage"]) == (
        "zone d'intervention prioritaire (ZIP), zone d'action complémentaire (ZAC), hors zonage"
    )
    assert (
        formatting.readable({"1": 50000, "2": 60000}, "€")
        == "1 : 50\u202f000,00 € ; 2 : 60\u202f000,00 €"
    )
    assert formatting.readable(Decimal("0.75")) == "0,75"
    assert formatting.readable(5, "années") == "5 années"
    assert formatting.readable("2021-12-31") == "31/12/2021"
    assert formatting.readable(True) == "oui" and formatting.readable(None) == "—"
    assert formatting.readable("borne_inferieure_incluse") == "borne inferieure incluse"


def test_codes_take_their_vocabulary_label():
    assert formatting.code_label("medecin_generaliste") == "médecin généraliste"
    assert formatting.code_label("tres_sous_dotee") == "zone très sous-dotée"
    assert formatting.code_label("caim") == vocabulary.AID_LABELS["caim"]
    assert formatting.code_label("Texte libre") == "Texte libre"


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9
    )
    | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
    | st.sampled_from([*vocabulary.ZONE_LABELS, *vocabulary.PROFESSION_LABELS, "acces_aux_soins"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["1", "2", "ZIP", "infirmier"]), children, max_size=3)
    ),
    max_leaves=10,
)


@given(values)
def test_no_python_repr_ever(value):
    text = formatting.readable(value)
    assert "{'" not in text and "['" not in text and "None" not in text
    assert "True" not in text and "False" not in text
    assert not any(code in text for code in ("hors_zonage", "medecin_generaliste", "acces_aux"))
