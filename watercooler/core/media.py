"""Serving uploaded media in the embedded default (scale-out serves it from the proxy or storage).

Profile photos and attachment thumbnails have unguessable names, but they are still the
organisation's: only signed-in, active people get them. Import files waiting between preview and
apply are never served.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.static import serve

PRIVATE_PREFIXES = ("imports/",)


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    if path.startswith(PRIVATE_PREFIXES) or "\x00" in path:
        raise Http404("Not found.")
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return redirect_to_login(request.get_full_path())
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    # Uploaded files never render as pages in our origin, whatever their bytes say.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
