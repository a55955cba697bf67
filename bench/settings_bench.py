"""Django settings for the HTML page's baseline: the real settings with one extra URL.

``DJANGO_SETTINGS_MODULE=bench.settings_bench`` serves ``watercooler.asgi:application`` exactly as
configured in ``watercooler.settings`` (same middleware, same database, same ASGI server), but with
``ROOT_URLCONF = "bench.urls"``: the real URL map plus ``/bench/minimal/``, Django's own minimal
view. The home page and the minimal view are then measured on one server process.

Static files: the production storage (hashed, compressed, read from a manifest) needs
``collectstatic`` first, which takes ~30 s; ``bench.scenario_feed`` runs it once into
``BENCH_STATIC_ROOT`` (kept between runs). Without that variable (the smoke run) pages name
static files by their plain paths, found by the finders: same templates, same work per request
except the manifest look-up.
"""

import os
from pathlib import Path

from watercooler.settings import *  # noqa: F403
from watercooler.settings import STORAGES

ROOT_URLCONF = "bench.urls"

_static_root = os.environ.get("BENCH_STATIC_ROOT")
if _static_root:
    STATIC_ROOT = Path(_static_root)
else:
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = True
