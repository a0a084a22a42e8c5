"""« May this user see département X » is decided in one module (issue 12 §1)."""

import ast
from pathlib import Path

import pytest

from maillage.web.accounts.roles import Role
from maillage.web.accounts.scope import can_see_departement, scoped, visible_departements
from maillage.web.territories.models import Departement

from ..outreach.factories import make_user, other_departement

SRC = Path(__file__).resolve().parents[3] / "src" / "maillage"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, set()),
        (Role.PUBLIC, set()),
        (Role.PROFESSIONNEL, set()),
        (Role.COORDINATEUR, set()),
        (Role.AGENT_CPAM, {"00"}),
        (Role.ADMINISTRATEUR, {"00", "99"}),
    ],
)
def test_each_role_sees_its_departements(demo_territory, role, expected):
    from django.contrib.auth.models import AnonymousUser

    other_departement()
    user = make_user(role) if role else AnonymousUser()
    seen = {code for code in ("00", "99") if can_see_departement(user, code)}
    assert seen == expected
    assert not can_see_departement(user, None) or role is Role.ADMINISTRATEUR
    rows = set(scoped(Departement.objects.all(), user, "code").values_list("code", flat=True))
    assert rows == expected
    assert (visible_departements(user) is None) == (role is Role.ADMINISTRATEUR)


def test_only_the_scope_module_reads_the_departements_of_an_account():
    """The rule reads ``user.departements``: no other module may, or a second copy of the rule
    (with its own idea of who is an agent) would grow back."""
    readers = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name in ("scope.py", "demo.py", "admin.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "departements"
                and ast.unparse(node.value).split(".")[-1] in ("user", "auth")
            ):
                readers.append(str(path.relative_to(SRC)))
            if isinstance(node, ast.FunctionDef) and node.name in ("can_see", "_in_scope"):
                readers.append(f"{path.relative_to(SRC)}:{node.name}")
            if (
                isinstance(node, ast.FunctionDef)
                and node.name in ("visible_departements", "can_see_departement")
                and path.name != "scope.py"
            ):
                readers.append(f"{path.relative_to(SRC)}:{node.name}")
    assert readers == []
