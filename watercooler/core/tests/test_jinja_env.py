"""The Jinja2 environment (watercooler/jinja_env.py) writes dates, sizes, query strings and
faces as the Django templates do, refuses undefined names, and ``{% jinja %}`` hands a Jinja2
partial the page's request and header."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, RequestContext, Template, engines
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape
from jinja2 import UndefinedError

from watercooler.jinja_env import date, querystring
from watercooler.people.models import User


def jinja(source: str, **values: object) -> str:
    return engines["jinja2"].from_string(source).render(values)


@pytest.mark.parametrize("fmt", ["c", "j M Y, H:i", "l j F Y, H:i", "j M"])
def test_date_as_django_writes_it_in_the_readers_zone(fmt: str) -> None:
    moment = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night Paris moves to summer time
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        expected = Template("{{ moment|date:fmt }}").render(Context({"moment": moment, "fmt": fmt}))
        assert date(moment, fmt) == expected
        assert jinja("{{ moment|date(fmt) }}", moment=moment, fmt=fmt) == expected
    assert date(None, "c") == ""


@pytest.mark.parametrize(
    ("query", "changes"),
    [
        ("", {"cursor": "abc"}),
        ("order=top&cursor=old", {"cursor": "n/w+"}),
        ("a=1&a=2", {"a": None}),
    ],
)
def test_querystring_as_django_writes_it(query: str, changes: dict[str, str | None]) -> None:
    request = RequestFactory().get(f"/?{query}")
    tag = "{% querystring " + " ".join(f"{key}=changes.{key}" for key in changes) + " %}"
    expected = Template(tag).render(RequestContext(request, {"changes": changes}))
    assert escape(querystring(request, **changes)) == expected  # the tag's output is escaped


def test_undefined_names_raise() -> None:
    with pytest.raises(UndefinedError):
        jinja("{{ posst.pk }}", post=1)


def test_filesizeformat_and_truncatewords_are_djangos() -> None:
    assert jinja("{{ 123456|filesizeformat }}") == "120.6\xa0KB"
    assert jinja("{{ 'one two three'|truncatewords(2) }}") == "one two …"
    assert jinja("{{ '<b>x</b> &amp; y'|striptags }}") == "x &amp;amp; y"


@pytest.mark.django_db
def test_avatar_is_the_same_in_both_engines() -> None:
    person = User(username="ana.lopez", display_name="Ana López")
    for size, decorative in [("sm", True), ("md", False), ("xl", False)]:
        django_html = Template("{% avatar person size=size decorative=decorative %}").render(
            Context({"person": person, "size": size, "decorative": decorative})
        )
        assert (
            jinja(
                "{{ avatar(person, size, decorative) }}",
                person=person,
                size=size,
                decorative=decorative,
            )
            == django_html
        )
    assert 'aria-hidden="true"' in jinja("{{ avatar(p, 'sm', True) }}", p=person)
    assert 'role="img" aria-label="Ana López"' in jinja("{{ avatar(p) }}", p=person)


def test_the_jinja_tag_renders_a_partial_with_the_pages_request() -> None:
    request = RequestFactory().get("/c/atlas/?show=all")
    html = Template(
        '{% load jinja_tags %}{% jinja "feed/_answer_status.html" post=post oob=True %}'
        '{% jinja "feed/_post_page.html" page=page %}'
    ).render(Context({"request": request, "post": _Question(), "page": _LastPage()}))
    assert 'id="answer-status-7"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'href="/c/atlas/?show=all&amp;cursor=xyz"' in html


class _Question:
    pk = 7
    kind = "question"
    deleted_at = None
    accepted_reply_id = None


class _LastPage:
    items: list[object] = []
    next_cursor = "xyz"
