"""WSGI entry point: what a WSGI server (gunicorn in the scale-out layout) serves for HTTP.

Websockets are not WSGI: they go to ``watercooler.asgi`` (``manage.py serve``), behind the same
proxy, routed by path (docs/deploy.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watercooler.settings")
application = get_wsgi_application()
