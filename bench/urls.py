"""The real URL map plus Django's own minimal view (``/bench/minimal/``), for bench.settings_bench."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from watercooler.urls import urlpatterns as real_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    # A plain (sync) function view like the home page's, so both run the same way under ASGI.
    return HttpResponse("ok")


# Appended last: resolving it walks the whole real URL map first, as a real page's lookup may.
urlpatterns = [*real_urlpatterns, path("bench/minimal/", minimal, name="bench-minimal")]
