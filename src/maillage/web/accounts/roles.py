"""Roles are Django groups; permissions are decided in code from the role and the scope.

Deny by default: a view states which roles it admits, and CPAM staff are further limited to
the départements listed on their account.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PUBLIC = "Visiteur public"
    PROFESSIONNEL = "Professionnel de santé"
    COORDINATEUR = "Coordinateur de structure"
    AGENT_CPAM = "Agent CPAM"
    ADMINISTRATEUR = "Administrateur"


STAFF_ROLES = frozenset({Role.AGENT_CPAM, Role.ADMINISTRATEUR})


def roles_of(user) -> set[Role]:
    if not getattr(user, "is_authenticated", False):
        return {Role.PUBLIC}
    names = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATEUR)
    return roles or {Role.PUBLIC}


def role_group(role: Role):
    """The group of ``role`` (created by migration 0002; recreated if a flush removed it)."""
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=role.value)[0]
