"""Response compression: gzip for pages and API answers, and the mark for answers that must stay
uncompressed because they carry a secret.

Static files never reach this code: WhiteNoise, earlier in the middleware, answers them with the
``.br``/``.gz`` copies ``collectstatic`` wrote. What is left to compress is what the app renders:
pages, htmx fragments, JSON, feeds. docs/deploy.md ("Compression") says what protects compressed
pages from BREACH and what is left uncompressed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Text compresses 5 to 10 times; images, video, archives and office files are compressed already.
COMPRESSIBLE_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    }
)
# allauth's pages (sign-in, password reset by key, two-factor secrets and recovery codes): small,
# and several reflect a secret, so they are never worth the risk.
UNCOMPRESSED_PREFIXES = ("/accounts/",)
_MARK = "_watercooler_never_compress"


def never_compress(request: HttpRequest) -> None:
    """Leave this request's answer uncompressed: it shows a secret (a new API token, an access
    code, a private calendar address), and a compressed body's length could leak it (BREACH)."""
    setattr(request, _MARK, True)


def carries_secret[**P](
    view: Callable[P, HttpResponseBase],
) -> Callable[P, HttpResponseBase]:
    """View decorator: ``never_compress`` for every answer of ``view``."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        request = args[0]
        if isinstance(request, HttpRequest):
            never_compress(request)
        return view(*args, **kwargs)

    return wrapped


def compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in COMPRESSIBLE_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip, kept to what it is safe and worth compressing.

    Django's own middleware compresses any body of 200 bytes or more. This one also leaves alone:
    answers marked by ``never_compress``/``carries_secret`` and allauth's pages (secrets); types
    that are compressed already (images, video, PDFs, archives); file downloads (``FileResponse``:
    they keep their length and byte ranges); partial content (206, ``Content-Range``); answers a
    proxy fills in (``X-Accel-Redirect``, ``X-Sendfile``: the app's body is empty); and
    ``Cache-Control: no-transform``. Django's gzip pads its header with up to 100 random bytes
    (``max_random_bytes``), so one page's length varies from request to request.
    """

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        if not self._worth_compressing(request, response):
            return response
        return super().process_response(request, response)

    @staticmethod
    def _worth_compressing(request: HttpRequest, response: HttpResponseBase) -> bool:
        if getattr(request, _MARK, False) or request.path.startswith(UNCOMPRESSED_PREFIXES):
            return False
        if isinstance(response, FileResponse) or response.status_code == 206:
            return False
        if any(
            response.has_header(name)
            for name in ("Content-Range", "X-Accel-Redirect", "X-Sendfile")
        ):
            return False
        if "no-transform" in response.get("Cache-Control", "").lower():
            return False
        return compressible(response.get("Content-Type", ""))
