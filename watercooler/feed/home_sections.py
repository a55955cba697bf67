"""Sections a later app adds to the home page above the feed (the announcements app's pinned
cards), so the feed's home view shows them without importing that app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from watercooler.people.models import User


@dataclass(frozen=True)
class HomeSection:
    template: str
    # What the template needs for one viewer (queries run when the page is built).
    context: Callable[[User], dict[str, Any]]


@dataclass(frozen=True)
class FilledSection:
    template: str
    context: dict[str, Any]


_sections: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    """Add ``section`` above the feed (once per template, in the order apps register)."""
    _sections.setdefault(section.template, section)


def home_sections(viewer: User) -> list[FilledSection]:
    return [FilledSection(s.template, s.context(viewer)) for s in _sections.values()]
