"""Deny-by-default access rules for views and API endpoints.

A view declares the roles it admits with :func:`role_required`; anonymous visitors are sent
to the login page, authenticated users without the role get 403. CPAM agents are further
limited to the départements of their account (``accounts.scope``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from ninja.security import SessionAuth

from .roles import STAFF_ROLES, Role, roles_of
from .scope import visible_departements  # noqa: F401 — historical import path of the scope


def role_required(*roles: Role):
    admitted = set(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles_of(request.user) & admitted:
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        wrapper.admitted_roles = admitted
        return wrapper

    return decorator


staff_required = role_required(*STAFF_ROLES)


def admits(roles: set[Role], view) -> bool:
    """Whether a visitor with ``roles`` passes the access rule :func:`role_required` put on
    ``view`` (a URL's callback; a view without one is public). The navigation asks this, so
    that it never links to a refusal: one rule, read where the view declares it."""
    admitted = getattr(view, "admitted_roles", None)
    return admitted is None or bool(roles & admitted)


class RoleAuth(SessionAuth):
    """django-ninja authentication: a logged-in session (CSRF checked) with one of ``roles``."""

    def __init__(self, *roles: Role):
        super().__init__()
        self.roles = set(roles)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not roles_of(user) & self.roles:
            raise PermissionDenied("Votre rôle ne donne pas accès à cette ressource.")
        return user


staff_auth = RoleAuth(*STAFF_ROLES)
