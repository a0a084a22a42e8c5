"""Template filters of the formatting layer, and Django's own filters aligned with it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.template import engines

from maillage.engine.formatting import NNBSP


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_filters_need_no_load_and_match_the_engine():
    out = render(
        "{{ a|fr_money }}|{{ b|fr_number:1 }}|{{ c|fr_percent }}|{{ d|fr_percent:'ratio' }}|"
        "{{ e|fr_date }}|{{ f|fr_date }}|{{ g|fr_money }}|{{ h|fr_number }}",
        a=Decimal("1234.5"), b=30.7983902793923, c=12.34, d=0.5, e="2026-11-25",
        f=dt.date(2026, 1, 2), g=None, h="secret statistique",
    )  # fmt: skip
    assert out == (
        f"1{NNBSP}234,50 €|30,8|12,3 %|50,0 %|25/11/2026|02/01/2026|—|secret statistique"
    )


def test_datetimes_in_local_time():
    moment = dt.datetime(2026, 7, 1, 12, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert render("{{ m|fr_datetime }}", m=moment) == "01/07/2026 14:05"
    assert render("{{ m|fr_date }}", m=moment) == "01/07/2026"


def test_django_filters_use_the_same_separator_and_date_format():
    out = render(
        "{% load humanize %}{{ n|intcomma }}|{{ x|floatformat:2 }}|{{ d }}",
        n=1234567, x=1234.5, d=dt.date(2026, 11, 25),
    )  # fmt: skip
    assert out == f"1{NNBSP}234{NNBSP}567|1{NNBSP}234,50|25/11/2026"
