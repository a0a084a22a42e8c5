"""« May this user see département X »: the one place that decides it.

CPAM agents see the personal data of the départements listed on their account, administrators
every département, everyone else none (coordinators reach their structures through the
coordination dossier they are linked to, not through a département). Pages, API endpoints,
forms and services all ask here, for reads and for writes alike.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .roles import Role, roles_of

OUT_OF_SCOPE = "Ce département n'est pas dans votre périmètre."


def visible_departements(user) -> set[str] | None:
    """Codes of the départements whose personal data ``user`` may see; ``None`` = all."""
    roles = roles_of(user)
    if Role.ADMINISTRATEUR in roles:
        return None
    if Role.AGENT_CPAM in roles:
        return set(user.departements.values_list("code", flat=True))
    return set()


def can_see_departement(user, code: str | None) -> bool:
    codes = visible_departements(user)
    return codes is None or (code is not None and code in codes)


def require_departement(user, code: str | None) -> None:
    """Refuse (403) unless ``user`` may see and write the data of département ``code``."""
    if not can_see_departement(user, code):
        raise PermissionDenied(OUT_OF_SCOPE)


def scoped(queryset: QuerySet, user, field: str = "departement_id") -> QuerySet:
    """Rows of the départements ``user`` may see (all for administrators, none otherwise)."""
    codes = visible_departements(user)
    if codes is None:
        return queryset
    return queryset.filter(**{f"{field}__in": codes})
