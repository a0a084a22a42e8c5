"""Template filters of the formatting layer (built in: no ``{% load %}`` needed).

They call :mod:`maillage.engine.formatting`, like the exports and the CLI, so a page, its PDF
and its spreadsheet show the same figure the same way::

    {{ montant|fr_money }}        12 345,67 €
    {{ valeur|fr_number:1 }}      1 234,6
    {{ part|fr_percent }}         12,3 %     ({{ ratio|fr_percent:"ratio" }} for 0.123)
    {{ r.date|fr_date }}          25/11/2026 (a date, a datetime or an ISO string)
    {{ e.at|fr_datetime }}        25/11/2026 14:05 (local time)
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from maillage.engine import formatting

register = template.Library()


@register.filter
def fr_number(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def fr_money(value):
    return formatting.money(value)


@register.filter
def fr_percent(value, arg=None):
    return formatting.percent(value, ratio=arg == "ratio")


@register.filter
def fr_date(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.date(value)


@register.filter
def fr_datetime(value):
    if not isinstance(value, dt.datetime):
        return formatting.date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.datetime(value)
