"""Project-wide endpoints that belong to no app: the health check.

The home page belongs to an app above core (core may not import those): ``watercooler/urls.py``
wires it.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer ``{"status": "ok"}`` once the database answers a trivial query; no sign-in needed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
