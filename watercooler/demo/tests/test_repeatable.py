"""The demo is repeatable: the same seed gives the same organisation, files and all; and a demo
without pictures writes no files. (Each test builds its own demo, apart from the shared one in
test_demo_story.py.)"""

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.db import transaction
from pytest_django import Settings

from watercooler.communities.models import Community
from watercooler.demo.builder import run_demo
from watercooler.feed.models import Attachment, Post, Reply
from watercooler.notifications.models import Notification

NOW = dt.datetime(2025, 3, 12, 15, 30, tzinfo=dt.UTC)


def test_no_photos_means_no_files(db: None, settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    run_demo(people=40, seed=3, photos=False, now=NOW)
    assert not Attachment.objects.exists()
    assert not Community.objects.exclude(cover="").exists()
    assert not any(tmp_path.iterdir())
    assert Post.objects.filter(topics__name="launch").exists()  # the story is still told


def snapshot() -> dict[str, Any]:
    files = sorted(
        (a.name, hashlib.sha256(a.file.read()).hexdigest()) for a in Attachment.objects.all()
    )
    return {
        "posts": list(Post.objects.order_by("created_at", "body").values_list("body", "kind")),
        "replies": sorted(Reply.objects.values_list("body", flat=True)),
        "files": files,
        "notifications": sorted(Notification.objects.values_list("kind", "created_at")),
        "covers": sorted(
            hashlib.sha256(c.cover.read()).hexdigest() for c in Community.objects.all()
        ),
    }


def test_the_same_seed_gives_the_same_organisation(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    built = []
    for _ in range(2):
        with transaction.atomic():
            run_demo(people=40, seed=3, photos=True, now=NOW)
            built.append(snapshot())
            transaction.set_rollback(True)
    assert built[0] == built[1]
    assert built[0]["files"]
    assert built[0]["notifications"]
