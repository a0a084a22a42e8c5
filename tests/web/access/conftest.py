"""Fixtures of the access app: practitioners created directly with the ORM."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group


def make_practitioners(codes, categorie="medecin_generaliste", seed=0, n=40, annee=2025):
    """``n`` liberal practitioners in ``codes``: mixed ages (some over 65), acts or FTE only."""
    from maillage.web.supply.models import Activity, Professional

    rng = np.random.default_rng(seed)
    created = []
    for k in range(n):
        pro = Professional.objects.create(
            identifiant_national=f"8{seed:02d}{categorie[:2]}{k:06d}",
            type_identifiant="8",
            nom=f"Praticien {k}",
            code_profession="10",
            categorie=categorie,
            annee_naissance=int(annee - rng.integers(30, 72)),
            actes_annuels=float(rng.integers(2000, 7000)) if k % 3 else None,
            etp=float(rng.choice([0.5, 0.8, 1.0])) if k % 3 == 0 else None,
        )
        Activity.objects.create(
            professional=pro,
            commune_id=codes[int(rng.integers(0, len(codes)))],
            mode_exercice="L",
        )
        created.append(pro)
    return created


@pytest.fixture
def demo_gps(demo_territory):
    from maillage.web.territories.models import Commune

    codes = list(Commune.objects.filter(departement_id="00").values_list("code", flat=True))
    return make_practitioners(codes)


ROLES = [None, *Role]


def make_user(role):
    if role is None:
        return None
    user = User.objects.create_user(username=f"u-{role.name.lower()}", password="x" * 14)
    user.groups.add(role_group(role))
    if role is Role.ADMINISTRATEUR:
        user.is_staff = user.is_superuser = True
        user.save()
    return user
