"""ASGI entry point: HTTP to Django's WSGI handler in one thread hop, websockets to Channels.

HTTP goes through ``core.wsgi_bridge`` rather than Django's ASGI handler: our views are
synchronous, and the bridge crosses into a thread once a request instead of five or six times
(docs/performance.md, "Serving"). ``HTTP_THREADS`` sets the bridge's threads (default 2).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watercooler.settings")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from watercooler.core.events import use_server_loop  # noqa: E402
from watercooler.core.wsgi_bridge import WsgiBridge  # noqa: E402
from watercooler.realtime.auth import SessionOriginValidator  # noqa: E402
from watercooler.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Events leave from the server's loop, where the sockets' channel layer lives.
        "http": WsgiBridge(django_wsgi_app, threads=settings.HTTP_THREADS, on_loop=use_server_loop),
        # Cookie sessions must come from an allowed Origin; token sockets need none.
        "websocket": SessionOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
