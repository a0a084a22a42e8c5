"""The statistical secrecy policy of this installation: dated thresholds and the server key.

Every web module that publishes a count of professionals or patients gets its policy here and
protects the counts with ``maillage.engine.indicators.secrecy.protect`` (docs/diagnostic.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings

from maillage.engine import parameters
from maillage.engine.indicators.secrecy import FAMILIES, SecrecyPolicy


def policy(on: dt.date | None = None) -> SecrecyPolicy:
    """Thresholds ``secret_statistique.seuil_<family>`` in force on ``on`` (today) and the key
    derived from ``settings.MAILLAGE_SECRET_STATISTIQUE_CLE``."""
    seuils = {
        family: int(parameters.value(f"secret_statistique.seuil_{family}", on))
        for family in FAMILIES
    }
    secret = str(settings.MAILLAGE_SECRET_STATISTIQUE_CLE).encode()
    key = hmac.new(secret, b"maillage:secret-statistique:v1", hashlib.sha256).digest()
    return SecrecyPolicy(key=key, seuils=seuils)
