"""The "ASGI" side of the serving baseline: the same project through Django's own ASGI handler.

``watercooler.asgi`` hands HTTP to Django's WSGI handler in one thread hop
(``core/wsgi_bridge.py``); this module serves the same settings, URLs and middleware the way the
app was served before that change, so ``bench.scenario_feed`` measures both in one run.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
application = get_asgi_application()
