"""Keeping ``NameEntry`` rows (people, communities, events, files) in step with their objects.

Model signals of the earlier apps call in here inside the transaction of the write, so a name
is searchable exactly when the change commits, and a rolled-back write leaves nothing behind.
Bulk writers that bypass signals (the demo and bench builders, an HR import) end with
``rebuild_names`` — ``manage.py reindex`` does the same.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from watercooler.communities.models import Community
from watercooler.events.models import Event
from watercooler.feed.models import Attachment
from watercooler.people.models import User
from watercooler.search.engines import engine
from watercooler.search.models import NameEntry

BATCH = 2000
_NAME_PARTS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class NameSource:
    kind: str
    model: type[Model]
    text: Callable[[Any], tuple[str, str]]
    # Fields whose change alters the text: a save naming none of them is not re-indexed
    # (a sign-in updating ``last_login``, a counter).
    fields: frozenset[str]
    related: tuple[str, ...] = ()


def _person_text(person: User) -> tuple[str, str]:
    return person_text(person, [s.name for s in person.skills.all()])


def person_text(person: User, skills: Sequence[str]) -> tuple[str, str]:
    """A person's searchable title (name, username) and body (job, department, location,
    skills, bio); ``skills`` are their skills' names."""
    parts = [
        person.title,
        person.department.name if person.department_id and person.department else "",
        person.location.name if person.location_id and person.location else "",
        " ".join(skills),
        person.bio,
    ]
    return f"{person.display_name} {person.username}", " ".join(p for p in parts if p)


def _community_text(community: Community) -> tuple[str, str]:
    return f"{community.name} {community.handle}", community.description


def _event_text(event: Event) -> tuple[str, str]:
    return event.title, f"{event.location} {event.description}"


def _file_text(attachment: Attachment) -> tuple[str, str]:
    # PostgreSQL's parser reads "q3-slides.pdf" as one file-name token: the words of the name
    # are given again, spaced, so both engines find it by "slides".
    spaced = " ".join(_NAME_PARTS.findall(attachment.name))
    return attachment.name, f"{spaced} {attachment.alt_text}".strip()


SOURCES = {
    source.kind: source
    for source in (
        NameSource(
            "person",
            User,
            _person_text,
            frozenset({"display_name", "username", "title", "department", "location", "bio"}),
            ("department", "location"),
        ),
        NameSource(
            "community", Community, _community_text, frozenset({"name", "handle", "description"})
        ),
        NameSource("event", Event, _event_text, frozenset({"title", "description", "location"})),
        NameSource("file", Attachment, _file_text, frozenset({"name", "alt_text"})),
    )
}


def put(kind: str, obj: Any) -> None:
    title, body = SOURCES[kind].text(obj)
    NameEntry.objects.update_or_create(
        id=NameEntry.key(kind, obj.pk),
        defaults={"kind": kind, "object_id": obj.pk, "title": title, "body": body},
    )


def drop(kind: str, object_id: int) -> None:
    NameEntry.objects.filter(id=NameEntry.key(kind, object_id)).delete()


def _documents(source: NameSource) -> Iterator[NameEntry]:
    objects = source.model._default_manager.order_by("pk")
    if source.related:
        objects = objects.select_related(*source.related)
    if source.kind == "person":
        objects = objects.prefetch_related("skills")
    for obj in objects.iterator(chunk_size=BATCH):
        title, body = source.text(obj)
        yield NameEntry(
            id=NameEntry.key(source.kind, obj.pk),
            kind=source.kind,
            object_id=obj.pk,
            title=title,
            body=body,
        )


def rebuild_names(progress: Callable[[str, int], None] | None = None) -> int:
    """Write every name afresh; returns how many. The triggers (or generated column) index
    them as they are inserted."""
    NameEntry.objects.all().delete()
    total = 0
    for source in SOURCES.values():
        batch: list[NameEntry] = []
        for entry in _documents(source):
            batch.append(entry)
            if len(batch) == BATCH:
                total += _flush(batch, source.kind, progress)
        total += _flush(batch, source.kind, progress)
    return total


def _flush(batch: list[NameEntry], kind: str, progress: Callable[[str, int], None] | None) -> int:
    NameEntry.objects.bulk_create(batch)
    if progress is not None:
        progress(kind, len(batch))
    count = len(batch)
    batch.clear()
    return count


def repair_after_migrate(using: str = "default", **_: Any) -> None:
    """After ``migrate``: put back what a migration of an indexed table took away (on SQLite,
    altering ``feed_post`` remakes the table without the search triggers), rebuilding the
    index from the live tables. Nothing to do, and no cost, when all is in place."""
    if using != "default":
        return
    search = engine()
    if not search.is_installed():
        search.uninstall()
        search.install(lambda _stage, _done, _total: None)
        rebuild_names()


# --- Signals ------------------------------------------------------------------------------------


def _saved(kind: str) -> Callable[..., None]:
    fields = SOURCES[kind].fields

    def receiver(instance: Any, update_fields: Iterable[str] | None = None, **_: Any) -> None:
        if update_fields is not None and not fields & set(update_fields):
            return
        put(kind, instance)

    return receiver


def _deleted(kind: str) -> Callable[..., None]:
    def receiver(instance: Any, **_: Any) -> None:
        drop(kind, instance.pk)

    return receiver


def _skills_changed(instance: Any, action: str, reverse: bool, **_: Any) -> None:
    if action.startswith("post_") and not reverse and isinstance(instance, User):
        put("person", instance)


_RECEIVERS: list[Callable[..., None]] = []


def connect() -> None:
    """Wire the receivers (once, from ``SearchConfig.ready``)."""
    for kind, source in SOURCES.items():
        saved, deleted = _saved(kind), _deleted(kind)
        _RECEIVERS.extend([saved, deleted])
        post_save.connect(saved, sender=source.model, dispatch_uid=f"search-{kind}-saved")
        post_delete.connect(deleted, sender=source.model, dispatch_uid=f"search-{kind}-deleted")
    m2m_changed.connect(
        _skills_changed, sender=User.skills.through, dispatch_uid="search-person-skills"
    )
