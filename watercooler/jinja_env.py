"""The Jinja2 environment of the product's hot templates: the post card and what it shows.

Django's template engine cost ~1.2 ms a card on the full-size organisation (the home page spent
two thirds of its CPU in it); the same markup in Jinja2, which compiles templates to Python,
~0.45 ms (docs/performance.md "Pages"). Jinja2 templates live in each app's ``jinja2/``
folder; Django templates show them with ``{% jinja "feed/_post_page.html" page=page %}``
(core's ``jinja_tags``), views render them by name like any template. The helpers below are the ones the
Django templates use, so both engines write the same links, dates and sizes.

Undefined names raise (``StrictUndefined``): a misspelt variable is an error in the tests, not an
empty string on a page.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.template import defaultfilters
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import SimpleLazyObject
from jinja2 import Environment, StrictUndefined

from watercooler.core.links import path_to
from watercooler.core.media import media_url
from watercooler.feed.templatetags.feed_tags import attachment_url, feed_icon
from watercooler.people.templatetags.people_tags import avatar


def date(value: dt.date | dt.datetime | None, fmt: str) -> str:
    """Django's ``date`` filter: in the reader's time zone, Django's format characters."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args or None)


def querystring(request: HttpRequest, **changes: Any) -> str:
    """Django's ``{% querystring %}``: the request's query with ``changes`` applied."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return f"?{query.urlencode()}"


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """A context processor: the CSRF form field, made once per render. Django's backend hands
    Jinja2 a lazy value that masks a new token at every use (urandom and 32 random picks each,
    ~14 times on a page of cards)."""
    return {"csrf_input": SimpleLazyObject(lambda: csrf_input(request))}


def environment(**options: Any) -> Environment:
    # Django's backend passes autoescape=True; say so here, where the environment is made.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = Environment(autoescape=True, undefined=StrictUndefined, **options)
    env.globals.update(
        attachment_url=attachment_url,
        avatar=avatar,
        feed_icon=feed_icon,
        path=path_to,
        url=url,
        media_url=media_url,
        querystring=querystring,
    )
    env.filters.update(
        date=date,
        filesizeformat=defaultfilters.filesizeformat,
        pluralize=defaultfilters.pluralize,
        striptags=defaultfilters.striptags,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env
