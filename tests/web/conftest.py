"""The whole demo (every module's content and the demo accounts), loaded once per module.

Loaded inside a transaction that is rolled back after the module, so that other modules see
the database as before; each test still runs in its own savepoint (``db``).
"""

from __future__ import annotations

import pytest
from django.db import transaction

DEMO_USERNAMES = ("professionnel", "coordinateur", "agent", "admin")


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    from maillage.web.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)
