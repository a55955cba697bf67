"""Reading the feed's HTML forms into plain values, and what the composer shows back.

Only shapes are handled here (which fields, trimmed text, numbers that parse); every rule about
values lives in ``feed.actions``, which the views call with what these functions return.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils import timezone

from watercooler.feed.models import Audience, Post, PostKind

POLL_OPTION_FIELDS = 10
# How long a poll stays open, as the composer offers it: value -> (label, duration).
POLL_DURATIONS: dict[str, tuple[str, dt.timedelta | None]] = {
    "": ("Stays open", None),
    "1d": ("1 day", dt.timedelta(days=1)),
    "3d": ("3 days", dt.timedelta(days=3)),
    "7d": ("1 week", dt.timedelta(days=7)),
}
# What the action calls a field -> the composer's field it is shown at.
FIELD_ALIASES = {
    "poll_options": "options",
    "quoted_post_id": "quote",
    "file": "attachments",
    "__all__": "form",
}


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


@dataclass
class Composer:
    """What the composer shows: the values typed so far and the errors by field."""

    body: str = ""
    kind: str = PostKind.POST
    audience: str = Audience.EVERYONE
    options: list[str] = field(default_factory=lambda: [""] * POLL_OPTION_FIELDS)
    closes_in: str = ""
    quote: Post | None = None
    quote_id: int | None = None
    alt_text: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return list(PostKind.choices)

    @property
    def audiences(self) -> list[tuple[str, str]]:
        return list(Audience.choices)

    @property
    def durations(self) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in POLL_DURATIONS.items()]

    @property
    def extras_open(self) -> bool:
        """Open the "poll, audience, files" part when it holds something to see."""
        return (
            self.kind != PostKind.POST
            or self.audience != Audience.EVERYONE
            or any(name in self.errors for name in ("kind", "audience", "options", "attachments"))
        )

    def add_errors(self, message_dict: dict[str, list[str]]) -> None:
        for name, messages in message_dict.items():
            self.errors.setdefault(FIELD_ALIASES.get(name, name), []).extend(messages)


@dataclass
class PostForm:
    """A submitted composer: values for ``actions.check_post_input`` and the uploads."""

    composer: Composer
    poll_options: list[str] | None
    poll_closes_at: dt.datetime | None
    uploads: list[tuple[UploadedFile[bytes], str]]  # (file, alt text)
    bad_duration: bool = False


def read_post_form(data: QueryDict, files: object) -> PostForm:
    body = data.get("body", "")
    kind = data.get("kind", PostKind.POST)
    options_typed = list(data.getlist("option"))[:50]
    filled = [o.strip() for o in options_typed if o.strip()]
    closes_in = data.get("closes_in", "")
    duration = POLL_DURATIONS.get(closes_in)
    closes_at = None
    if kind == PostKind.POLL and duration and duration[1] is not None:
        closes_at = timezone.now() + duration[1]
    composer = Composer(
        body=body,
        kind=kind,
        audience=data.get("audience", Audience.EVERYONE),
        options=(options_typed + [""] * POLL_OPTION_FIELDS)[: max(POLL_OPTION_FIELDS, len(filled))],
        closes_in=closes_in if duration else "",
        quote_id=_int_or_none(data.get("quoted_post")),
        alt_text=data.get("alt_text", ""),
    )
    uploads: list[tuple[UploadedFile[bytes], str]] = []
    getlist = getattr(files, "getlist", None)
    chosen = list(getlist("attachments")) if getlist else []
    for index, upload in enumerate(chosen):
        # One alt text per image when the page's script made a field for each, else the one
        # shared field (without JavaScript).
        alt = data.get(f"alt_text_{index}", data.get("alt_text", ""))
        uploads.append((upload, alt.strip()))
    return PostForm(
        composer=composer,
        # Options typed into a post that is not a poll are dropped, not an error: the fields are
        # simply hidden (or ignored) for the other kinds.
        poll_options=filled if kind == PostKind.POLL else None,
        poll_closes_at=closes_at,
        uploads=uploads,
        bad_duration=duration is None,
    )
