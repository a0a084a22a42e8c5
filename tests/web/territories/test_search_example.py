"""The home page's search example finds something in the referential that is loaded (the
fictitious demo territory has no Toulon) — issue 13, item 6."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _example(client) -> str:
    html = client.get("/").content.decode()
    return re.search(r'id="q" name="q"[^>]*placeholder="ex\. ([^"]*)"', html).group(1)


def test_each_part_of_the_demo_example_finds_a_commune(client, demo_territory):
    example = _example(client)
    assert "Toulon" not in example
    for part in example.replace("&#x27;", "'").split(", "):
        html = client.get("/", {"q": part}).content.decode()
        assert 'class="results"' in html, f"« {part} » ne trouve rien"


def test_with_the_var_loaded_the_example_is_toulon(client, var_referential):
    assert _example(client) == "Toulon, 83137, 83000"
