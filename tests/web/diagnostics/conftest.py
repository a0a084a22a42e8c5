import pytest

from maillage.web.diagnostics import services


@pytest.fixture(autouse=True)
def fresh_snapshot():
    """Each test has its own database: never reuse a snapshot across tests."""
    services.invalidate()
    yield
    services.invalidate()
