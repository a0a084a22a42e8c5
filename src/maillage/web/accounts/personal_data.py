"""Reads of personal data: never cached, always logged.

A view whose pages or exports can show professionals' names, contact records or contracts is
decorated with :func:`personal_data`; each of its responses then carries
``Cache-Control: no-store`` (:class:`NoStoreMiddleware`), so that neither a shared proxy nor
the browser's cache keeps a copy. The same view calls ``accounts.audit.log_access`` with the
RPPS numbers it shows, which also marks the response. The Django admin marks its own pages
(``never_cache``); the admin of professionals logs its reads (``accounts.admin``).
"""

from __future__ import annotations

from functools import wraps

from django.utils.cache import add_never_cache_headers

_MARK = "_maillage_personal_data"


def mark(request) -> None:
    """Flag ``request``: its response shows personal data."""
    setattr(request, _MARK, True)


def shows_personal_data(request) -> bool:
    return getattr(request, _MARK, False)


def personal_data(view):
    """Declare that ``view`` shows personal data (pages and exports alike)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        mark(request)
        return view(request, *args, **kwargs)

    wrapper.personal_data = True
    return wrapper


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and no-cache, private, max-age=0) on marked responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if shows_personal_data(request):
            add_never_cache_headers(response)
        return response
