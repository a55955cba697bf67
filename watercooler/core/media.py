"""Serving uploaded media: each file through the access check of the thing it belongs to.

Profile photos go to any signed-in, active person. Every other file (post attachments and their
thumbnails, community covers) belongs to something with its own audience, and an app that owns
such files registers a check for its folder (``register_media``). Import files waiting between
preview and apply are never served, and a folder nobody registered is not served either.

Checking each image of a feed page against the database would cost a query per image, so the
URLs a page or an API answer hands out are signed instead (``media_url``): an HMAC over the
file's name, the viewer's id and an expiry. The page was rendered because the viewer may see
what it shows, so the signature carries that decision to the file request, for that viewer only
(a URL copied to someone else does not verify). Expiries fall on fixed time buckets, so a file's
URL stays the same for hours and the browser's cache keeps working. A URL without a signature
(a bookmark, an event sent to every subscriber) is checked against the database; a signature
that does not verify, or has expired, is refused.

The app always decides; it does not always send the bytes. Behind nginx or Apache, set
``MEDIA_ACCEL_REDIRECT`` and the answer is an internal redirect (``X-Accel-Redirect`` or
``X-Sendfile``) that the proxy fulfils from disk (docs/deploy.md).
"""

import mimetypes
import posixpath
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.static import serve

from watercooler.core.middleware import mfa_missing

PRIVATE_PREFIXES = ("imports/",)
# Profile photos are shown next to every name; any signed-in person may fetch them.
PUBLIC_PREFIXES = ("photos/",)
# A signed URL is valid until the end of the next bucket: between 12 and 24 hours, and the same
# URL for a file and a viewer during each 12-hour bucket.
BUCKET_SECONDS = 12 * 60 * 60
# Unsigned files that passed the database check: the browser may keep them a little while.
CHECKED_MAX_AGE = 5 * 60
SIGNATURE_SALT = "watercooler.core.media"

# A check answers whether ``viewer`` may fetch the file stored under ``name``.
MediaCheck = Callable[[Any, str], bool]
_checks: dict[str, MediaCheck] = {}
# Who a personal API token belongs to (None for no one); the people app, which owns tokens,
# registers it (core may not import the apps above it).
_token_owner: list[Callable[[str], Any]] = []


def register_media(prefix: str, check: MediaCheck) -> None:
    """Serve files whose name starts with ``prefix`` to the viewers ``check`` allows (called
    from the owning app's ``ready``; core may not import the apps that own the files)."""
    _checks[prefix] = check


def register_token_owner(lookup: Callable[[str], Any]) -> None:
    """Let apps that fetch files with ``Authorization: Bearer`` be recognised (people's ready)."""
    _token_owner[:] = [lookup]


def _active(viewer: Any) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def _signature(name: str, viewer_id: object, expires: int) -> str:
    message = f"{name}\n{viewer_id}\n{expires}"
    return salted_hmac(SIGNATURE_SALT, message, algorithm="sha256").hexdigest()[:32]


def media_url(file: FieldFile | None, viewer: Any) -> str:
    """The URL of ``file`` for ``viewer``, signed unless it is a profile photo ("" for no file).

    Call it only where ``viewer`` was allowed to see what the file belongs to (a card of a post
    they may see, a community they may see): the signature vouches for that decision.
    """
    if not file:
        return ""
    url = str(file.url)
    name = str(file.name)
    if name.startswith(PUBLIC_PREFIXES) or not _active(viewer):
        return url
    expires = (int(time.time()) // BUCKET_SECONDS + 2) * BUCKET_SECONDS
    return f"{url}?e={expires}&s={_signature(name, viewer.pk, expires)}"


def _requester(request: HttpRequest) -> Any:
    """Who asks: the signed-in person, or the owner of a personal API token sent as
    ``Authorization: Bearer`` (apps fetch the files the API hands out); None for nobody."""
    if _active(request.user):
        return request.user
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or not _token_owner:
        return None
    person = _token_owner[0](token.strip())
    return person if _active(person) and not mfa_missing(person) else None


def _signed_max_age(request: HttpRequest, viewer: Any, path: str) -> int:
    """Seconds the signed URL stays valid; Http404 for a signature that does not verify."""
    try:
        expires = int(request.GET.get("e", ""))
    except ValueError:
        raise Http404("Not found.") from None
    remaining = expires - int(time.time())
    expected = _signature(path, viewer.pk, expires)
    if remaining <= 0 or not constant_time_compare(expected, request.GET.get("s", "")):
        raise Http404("Not found.")
    return remaining


def _checked_max_age(viewer: Any, path: str) -> int:
    """CHECKED_MAX_AGE when the owning app lets the viewer have the file, else Http404."""
    for prefix, check in _checks.items():
        if path.startswith(prefix):
            if check(viewer, path):
                return CHECKED_MAX_AGE
            break
    raise Http404("Not found.")


def _clean(path: str) -> str:
    """``path`` if it names a file inside MEDIA_ROOT without tricks, else Http404."""
    clean = posixpath.normpath(path)
    if "\x00" in path or "\\" in path or clean != path or clean.startswith(("/", "..")):
        raise Http404("Not found.")
    return clean


def _send(request: HttpRequest, path: str) -> HttpResponseBase:
    """The file itself, or an internal redirect the proxy fulfils (MEDIA_ACCEL_REDIRECT)."""
    mode = settings.MEDIA_ACCEL_REDIRECT
    if not mode:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = HttpResponse(content_type=content_type)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.MEDIA_INTERNAL_PREFIX + quote(path)
    else:
        response["X-Sendfile"] = str(settings.MEDIA_ROOT / path)
    return response


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    if path.startswith(PRIVATE_PREFIXES):
        raise Http404("Not found.")
    path = _clean(path)
    viewer = _requester(request)
    if viewer is None:
        return redirect_to_login(request.get_full_path())
    if path.startswith(PUBLIC_PREFIXES):
        max_age = 24 * 60 * 60
    elif "s" in request.GET:
        max_age = _signed_max_age(request, viewer, path)
    else:
        max_age = _checked_max_age(viewer, path)
    response = _send(request, path)
    # Uploaded files never render as pages in our origin, whatever their bytes say.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response


def delete_stored_files(names: Iterable[str | None]) -> None:
    """Remove files from storage (empty names skipped). Callers run it on commit, so a rolled
    back change never loses the file its row still points at."""
    for name in names:
        if name:
            default_storage.delete(name)
