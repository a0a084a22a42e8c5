"""French formats of Django's own filters (``intcomma``, ``floatformat``, ``{{ date }}``),
aligned with :mod:`maillage.engine.formatting`: one thousands separator everywhere (narrow
no-break space, where Django's default is a no-break space) and dates as 25/11/2026. Only what
differs from Django's ``fr`` formats is listed; the rest falls through to them."""

THOUSAND_SEPARATOR = "\u202f"
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
