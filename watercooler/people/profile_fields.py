"""What each profile field accepts: its limits, and the cleaners that turn raw input (a form, the
API, a row of an HR import, the Django admin) into a stored value or a ValidationError.

``actions.check_profile_changes`` decides who may change which field and collects the errors of
all fields; here each value is checked on its own (reading the database only where a rule needs
it: a taken email address or employee id, an unknown location or manager, a reporting loop).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from watercooler.core.text import NUL_MESSAGE, contains_nul
from watercooler.people.models import Location, Role, User

MAX_SKILLS = 30
MAX_LANGUAGES = 10
MAX_LINKS = 10


def normalise_skill_names(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            if len(name) > 60:
                raise ValidationError(
                    {"skills": [f"Skill {name[:20]!r}… is longer than 60 characters."]}
                )
            seen[name.casefold()] = name
    if len(seen) > MAX_SKILLS:
        raise ValidationError({"skills": [f"At most {MAX_SKILLS} skills."]})
    return list(seen.values())


def _text(raw: Any, *, limit: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationError("Must be text.")
    if "\x00" in raw:
        raise ValidationError(NUL_MESSAGE)
    value = raw.strip()
    if required and not value:
        raise ValidationError("This field is required.")
    if len(value) > limit:
        raise ValidationError(f"At most {limit} characters (got {len(value)}).")
    return value


def _string_list(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError("Must be a list of text values.")
    if contains_nul(raw):
        raise ValidationError(NUL_MESSAGE)
    return raw


def clean_profile_value(field: str, raw: Any, *, person: User) -> Any:
    """The value to store in ``field`` of ``person`` from ``raw``; ValidationError otherwise."""
    match field:
        case "display_name":
            return _text(raw, limit=150, required=True)
        case "pronouns":
            return _text(raw, limit=40)
        case "title":
            return _text(raw, limit=150)
        case "phone":
            return _text(raw, limit=40)
        case "bio":
            return _text(raw, limit=2000)
        case "listed_as_expert":
            if isinstance(raw, bool):
                return raw
            if raw in ("yes", "no"):
                return raw == "yes"
            raise ValidationError("Must be yes or no.")
        case "named_in_network":
            # None (or "default"): whatever the organisation chose for everyone.
            if raw is None or isinstance(raw, bool):
                return raw
            if raw in ("yes", "no", "default"):
                return None if raw == "default" else raw == "yes"
            raise ValidationError("Must be yes, no or default.")
        case "employee_id":
            value = _text(raw, limit=64) or None
            if value and User.objects.filter(employee_id=value).exclude(pk=person.pk).exists():
                raise ValidationError("Another person already has this employee id.")
            return value
        case "email":
            value = _text(raw, limit=254)
            if value:
                validate_email(value)
                if User.objects.filter(email__iexact=value).exclude(pk=person.pk).exists():
                    raise ValidationError("Another person already has this email address.")
            return value
        case "role":
            if raw not in Role.values:
                raise ValidationError(f"Must be one of: {', '.join(Role.values)}.")
            return raw
        case "skills":
            return normalise_skill_names(_string_list(raw))
        case "languages":
            return clean_languages(raw)
        case "links":
            return clean_links(raw)
        case "start_date":
            if raw in (None, ""):
                return None
            if isinstance(raw, dt.date):
                return raw
            try:
                return dt.date.fromisoformat(str(raw))
            except ValueError:
                raise ValidationError("Must be a date like 2024-03-31.") from None
        case "department":
            if raw in (None, ""):
                return None
            return _text(raw, limit=120)
        case "location":
            if raw in (None, ""):
                return None
            name = _text(raw, limit=120)
            if not Location.objects.filter(name=name).exists():
                raise ValidationError(f"Unknown location {name!r}.")
            return name
        case "manager":
            if raw in (None, ""):
                return None
            username = _text(raw, limit=150)
            manager = User.objects.filter(username=username, is_active=True).first()
            if manager is None:
                raise ValidationError(f"No active person has the username {username!r}.")
            check_manager_is_acyclic(person=person, manager=manager)
            return manager
    raise ValidationError("Unknown field.")


def clean_languages(raw: Any) -> list[str]:
    """Language names: a list (or comma-separated text) of at most MAX_LANGUAGES short names."""
    languages = [" ".join(item.split()) for item in _string_list(raw) if item.strip()]
    if len(languages) > MAX_LANGUAGES or any(len(lang) > 40 for lang in languages):
        raise ValidationError(f"At most {MAX_LANGUAGES} languages of up to 40 characters.")
    return languages


def clean_links(raw: Any) -> list[dict[str, str]]:
    """Profile links as ``[{"label", "url"}]``: http(s) URLs only, so no ``javascript:``."""
    if not isinstance(raw, list) or len(raw) > MAX_LINKS:
        raise ValidationError(f"Must be a list of at most {MAX_LINKS} links.")
    validator = URLValidator(schemes=["http", "https"])
    links = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ValidationError('Each link needs a "url" and may have a "label".')
        url = _text(item["url"], limit=2000, required=True)
        validator(url)
        label = _text(item.get("label") or url, limit=80)
        links.append({"label": label, "url": url})
    return links


def check_manager_is_acyclic(*, person: User, manager: User) -> None:
    """A person cannot manage themselves, directly or through their reports."""
    if person.pk is None:
        return
    seen = {person.pk}
    current: User | None = manager
    for _ in range(100):
        if current is None:
            return
        if current.pk in seen:
            raise ValidationError("That would make a loop in the reporting line.")
        seen.add(current.pk)
        current = current.manager
    raise ValidationError("The reporting line is too deep.")
