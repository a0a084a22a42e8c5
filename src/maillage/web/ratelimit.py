"""Budget of the anonymous JSON API: a per-client request budget, 429 beyond (French JSON).

Defence in depth only: the statistical secrecy does not rely on it (docs/diagnostic.md). The
budget is ``settings.MAILLAGE_API_ANONYMOUS_BUDGET = (requests, seconds)`` per client address,
counted in Django's cache in fixed windows. Logged-in users are not limited.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

API_PREFIX = "/api/"


def client_address(request) -> str:
    header = settings.MAILLAGE_API_CLIENT_HEADER
    address = request.META.get(header, "") if header else ""
    return (address or request.META.get("REMOTE_ADDR") or "inconnue").strip()


class AnonymousApiBudgetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and not request.user.is_authenticated:
            refused = self._spend(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _spend(self, request) -> JsonResponse | None:
        limit, window = settings.MAILLAGE_API_ANONYMOUS_BUDGET
        now = time.time()
        slot = int(now // window)
        key = f"maillage:budget-api:{client_address(request)}:{slot}"
        cache.add(key, 0, timeout=window + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr: a fresh window
            cache.add(key, 1, timeout=window + 1)
            used = 1
        if used <= limit:
            return None
        retry = max(1, math.ceil((slot + 1) * window - now))
        response = JsonResponse(
            {
                "detail": f"Trop de requêtes : l'API publique accepte {limit} requêtes par "
                f"{window} secondes et par adresse sans compte. Réessayez dans {retry} "
                "secondes, ou connectez-vous."
            },
            status=429,
        )
        response["Retry-After"] = str(retry)
        return response
