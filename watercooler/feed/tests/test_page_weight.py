"""The home page's weight on the wire, for a member with a full feed: a byte budget, not a timing.

A phone on a slow link (bench/scenario_frontline.py measures it in Chromium at 400 kbit/s with
400 ms of latency) needs the whole page under 100 kB, and what the load event waits for small
enough to arrive in under 2 s. Bytes hardly depend on the machine, so the suite keeps the budget;
time stays in the bench. The bytes are counted as the production server sends them: the page
gzipped by the app, each static file as the ``.gz`` WhiteNoise's ``collectstatic`` writes (the
``.br`` beside it, which browsers take, is smaller still), media files as stored, plus the
answer headers of every file.
"""

import gzip
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from pytest_django import Settings
from whitenoise.compress import Compressor

from watercooler.feed import actions
from watercooler.feed.models import PersonFollow
from watercooler.people.avatars import avatar_images, random_style
from watercooler.people.images import THUMB_EXTENSION, photo_stem
from watercooler.people.models import User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person

# The whole page (every file it fetches, those that load after the load event included).
PAGE_BUDGET_BYTES = 100_000
# What the load event waits for: the page, its stylesheets and scripts, its eager images. At
# 50,000 bytes/s, with two round trips of 400 ms before the last of them arrives, 50 kB leave
# 0.2 s of the 2 s for the phone to parse and run them.
LOAD_BUDGET_BYTES = 50_000
# A static or media file's answer headers as served (date, type, length, cache-control, ETag,
# Vary, encoding, nosniff, …): about 350 bytes.
HEADERS_PER_FILE = 400
WORDS = [
    "launch",
    "store",
    "team",
    "customer",
    "shift",
    "rota",
    "safety",
    "training",
    "trail",
    "boots",
    "tent",
    "jacket",
    "stock",
    "delivery",
    "warehouse",
    "aisle",
    "till",
    "weekend",
    "offsite",
    "budget",
    "review",
    "roadmap",
    "release",
    "design",
    "feedback",
    "survey",
    "lunch",
    "coffee",
    "printer",
    "laptop",
    "badge",
    "parking",
    "canteen",
    "wellbeing",
    "volunteer",
    "charity",
    "recycling",
    "inventory",
    "returns",
    "checkout",
    "display",
    "window",
    "season",
    "sale",
    "margin",
    "forecast",
    "region",
    "manager",
]


@dataclass
class Fetched:
    url: str
    bytes: int
    blocks_load: bool


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(8, 16))
    return " ".join(words).capitalize() + "."


def give_photo(person: User, rng: random.Random) -> None:
    photo, thumb = avatar_images(random_style(rng))
    stem = photo_stem(person.username)
    person.photo.save(f"{stem}.jpg", ContentFile(photo), save=False)
    person.photo_thumb.save(f"{stem}.{THUMB_EXTENSION}", ContentFile(thumb), save=False)
    person.save(update_fields=["photo", "photo_thumb"])


def full_feed(world: World) -> User:
    """``world.owner`` with a photo, following twelve colleagues with photos who wrote 30 posts
    (questions and topics among them), with replies and reactions: more than a page of feed."""
    rng = random.Random(7)
    reader = world.owner
    give_photo(reader, rng)
    authors = []
    for number in range(12):
        author = make_person(f"colleague{number}", display_name=f"Colleague {number}")
        give_photo(author, rng)
        PersonFollow.objects.create(follower=reader, followee=author)
        authors.append(author)
    for number in range(30):
        author = authors[number % len(authors)]
        body = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        if number % 4 == 0:
            body += f" #{rng.choice(WORDS)}"
        kind = "question" if number % 7 == 0 else "post"
        post = actions.create_post(author, body=body, kind=kind)
        for reply_number in range(number % 3):
            actions.do_create_reply(
                author=authors[(number + reply_number + 1) % 12], post=post, body=sentence(rng)
            )
        for index, reactor in enumerate(authors[: number % 5]):
            actions.do_react(user=reactor, post=post, kind=("like", "celebrate")[index % 2])
    return reader


def static_bytes(path: str) -> int:
    found = finders.find(path)
    assert found, f"no static file {path}"
    data = Path(str(found)).read_bytes()
    if Compressor(use_brotli=False).should_compress(path):
        return min(len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))
    return len(data)


def media_bytes(path: str) -> int:
    return (Path(settings.MEDIA_ROOT) / path).stat().st_size


def headers_bytes(response: Any) -> int:
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    lines += [f"{name}: {value}" for name, value in response.items()]
    lines += [
        f"Set-Cookie: {cookie.output(header='').strip()}" for cookie in response.cookies.values()
    ]
    return len("\r\n".join(lines).encode()) + 4


def files_of(html: str) -> list[Fetched]:
    """Every file the page makes the browser fetch, once each: stylesheets, scripts (those in
    ``<template data-after-load>`` included, flagged as not holding the load event), images
    (``loading="lazy"`` ones do not hold it), the icon."""
    after_load = "".join(re.findall(r"<template data-after-load>(.*?)</template>", html, re.S))
    found: dict[str, Fetched] = {}

    def add(url: str, blocks_load: bool) -> None:
        if url in found:
            return
        if url.startswith(settings.STATIC_URL):
            size = static_bytes(url.removeprefix(settings.STATIC_URL))
        elif url.startswith(settings.MEDIA_URL):
            size = media_bytes(url.removeprefix(settings.MEDIA_URL))
        else:
            raise AssertionError(f"a file from elsewhere: {url}")
        found[url] = Fetched(url, size + HEADERS_PER_FILE, blocks_load)

    for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
        url_match = re.search(r'\b(?:src|href)="([^"]+)"', tag)
        if url_match is None:
            continue
        url = url_match.group(1)
        if tag.startswith("<link") and not re.search(r'rel="(?:stylesheet|icon)"', tag):
            continue
        if tag.startswith("<img"):
            add(url, blocks_load='loading="lazy"' not in tag)
        elif tag.startswith("<link") and 'rel="icon"' in tag:
            add(url, blocks_load=False)
        else:
            add(url, blocks_load=tag not in after_load)
    return list(found.values())


def test_home_page_for_a_full_feed_stays_within_the_phone_budget(
    world: World, client_as: ClientAs
) -> None:
    reader = full_feed(world)
    response = client_as(reader).get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.get("Content-Encoding") == "gzip", "the page must leave compressed"
    html = gzip.decompress(response.content).decode()
    assert html.count('class="card post"') >= 10, "not a full page of posts"
    assert html.count('class="avatar avatar-md"') >= 10, "the authors' photos are not shown"

    page = len(response.content) + headers_bytes(response)
    files = files_of(html)
    total = page + sum(f.bytes for f in files)
    on_load = page + sum(f.bytes for f in files if f.blocks_load)
    listing = "\n".join(
        f"{f.bytes:>7,} {'load' if f.blocks_load else 'later'} {f.url}" for f in files
    )
    detail = f"page {page:,} bytes gzipped, then:\n{listing}"
    assert total < PAGE_BUDGET_BYTES, f"{total:,} bytes in all\n{detail}"
    assert on_load < LOAD_BUDGET_BYTES, f"{on_load:,} bytes before the load event\n{detail}"


def test_avatars_are_small_webp_thumbnails_with_their_size(
    world: World, client_as: ClientAs
) -> None:
    reader = full_feed(world)
    html = client_as(reader).get("/").content.decode()
    avatars = re.findall(r'<img class="avatar avatar-md"[^>]*>', html)
    assert avatars
    for tag in avatars:
        assert 'width="48" height="48"' in tag
        assert 'loading="lazy"' in tag
        src = re.search(r'src="([^"]+)"', tag)
        assert src, tag
        assert src.group(1).endswith(".webp"), tag
        assert media_bytes(src.group(1).removeprefix(settings.MEDIA_URL)) < 2_000


def test_live_updates_load_after_the_page(world: World, client_as: ClientAs) -> None:
    # The socket's script is not needed to show or use the page: the load event must not wait
    # for it (static/js/app.js adds the scripts of <template data-after-load> after it fired).
    html = client_as(world.owner).get("/").content.decode()
    after_load = re.search(r"<template data-after-load>(.*?)</template>", html, re.S)
    assert after_load
    assert "js/live.js" in after_load.group(1)
    assert html.count("js/live.js") == 1
