"""The profile editor's fields: what the page shows and how a posted form becomes action input.

Validation is not here: ``actions.check_profile_changes`` owns every rule, for the page and the
API alike. This module only turns a person or a POST into values to show, and a POST into the
raw dict the action validates.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from watercooler.people.models import Role, User
from watercooler.people.policy import editable_profile_fields
from watercooler.people.profile_fields import MAX_LINKS

LINK_ROWS = 5


@dataclass
class Field:
    """One input on the page, with what to show in it and the messages about it."""

    name: str
    label: str
    value: str = ""
    kind: str = "text"  # text, email, tel, date, textarea, select
    help: str = ""
    maxlength: int | None = None
    required: bool = False
    autocomplete: str = "off"
    choices: list[tuple[str, str]] = field(default_factory=list)
    datalist: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"id_{self.name}"


@dataclass
class LinkRow:
    index: int
    label: str = ""
    url: str = ""


@dataclass
class ProfileForm:
    fields: dict[str, Field]
    links: list[LinkRow]
    link_errors: list[str]
    other_errors: list[str]  # errors about fields the page does not show

    @property
    def has_errors(self) -> bool:
        return bool(self.link_errors or self.other_errors) or any(
            f.errors for f in self.fields.values()
        )

    @property
    def error_count(self) -> int:
        return (
            sum(1 for f in self.fields.values() if f.errors)
            + bool(self.link_errors)
            + bool(self.other_errors)
        )

    def basic(self) -> list[Field]:
        return [
            self.fields[n]
            for n in ("display_name", "pronouns", "title", "phone")
            if n in self.fields
        ]

    def privacy(self) -> list[Field]:
        return [
            self.fields[n] for n in ("listed_as_expert", "named_in_network") if n in self.fields
        ]

    def work(self) -> list[Field]:
        names = ("location", "department", "manager", "employee_id", "start_date", "email", "role")
        return [self.fields[n] for n in names if n in self.fields]


def values_from_person(person: User) -> dict[str, Any]:
    """The stored profile as the strings the inputs show."""
    return {
        "display_name": person.display_name,
        "pronouns": person.pronouns,
        "title": person.title,
        "phone": person.phone,
        "bio": person.bio,
        "location": person.location.name if person.location else "",
        "skills": ", ".join(skill.name for skill in person.skills.all()),
        "languages": ", ".join(person.languages or []),
        "links": [
            {"label": str(link.get("label", "")), "url": str(link.get("url", ""))}
            for link in (person.links or [])
            if isinstance(link, dict)
        ],
        "department": person.department.name if person.department else "",
        "manager": person.manager.username if person.manager else "",
        "employee_id": person.employee_id or "",
        "start_date": person.start_date.isoformat() if person.start_date else "",
        "email": person.email,
        "role": person.role,
        "listed_as_expert": "yes" if person.listed_as_expert else "no",
        "named_in_network": (
            "default"
            if person.named_in_network is None
            else "yes"
            if person.named_in_network
            else "no"
        ),
    }


def values_from_post(post: QueryDict, allowed: frozenset[str]) -> dict[str, Any]:
    """The raw submitted values of the fields ``allowed``, ready for ``check_profile_changes``.

    A field missing from the POST is left out, so a hand-made request cannot blank it by accident.
    Links are rows of label/url pairs; empty rows are dropped.
    """
    values: dict[str, Any] = {
        name: post[name] for name in sorted(allowed) if name != "links" and name in post
    }
    if "links" in allowed and "link-0-url" in post:
        links = []
        for i in range(MAX_LINKS):
            label = post.get(f"link-{i}-label", "").strip()
            url = post.get(f"link-{i}-url", "").strip()
            if label or url:
                links.append({"label": label, "url": url})
        values["links"] = links
    return values


def build_profile_form(
    *,
    actor: User,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    departments: list[str],
    locations: list[str],
) -> ProfileForm:
    errors = dict(errors or {})
    allowed = editable_profile_fields(actor)
    specs = [
        Field(
            "display_name",
            "Name",
            maxlength=150,
            required=True,
            autocomplete="name",
            help="As colleagues know you; it is what the directory sorts by.",
        ),
        Field("pronouns", "Pronouns", maxlength=40, help="For example she/her, he/him, they/them."),
        Field("title", "Job title", maxlength=150, autocomplete="organization-title"),
        Field("phone", "Phone", kind="tel", maxlength=40, autocomplete="tel"),
        Field(
            "bio",
            "About you",
            kind="textarea",
            maxlength=2000,
            help="What you work on, what people can ask you about. Plain text, up to 2000 characters.",
        ),
        Field(
            "skills",
            "Skills",
            maxlength=2000,
            help="Separate with commas, for example: Python, negotiation, first aid.",
        ),
        Field(
            "listed_as_expert",
            "Who knows about…",
            kind="select",
            choices=[
                ("yes", "List me when colleagues look for someone who knows my subjects"),
                ("no", "Leave me out of “Who knows about…”"),
            ],
            help="Search's Experts tab ranks people by their skills, answers and posts.",
        ),
        Field(
            "named_in_network",
            "Network analysis",
            kind="select",
            choices=[
                ("default", "As the organisation chose for everyone"),
                ("yes", "Show me by name"),
                ("no", "Count me, but never show my name"),
            ],
            help=(
                "Insights counts who replies to, mentions, reacts to and quotes whom (never what "
                "anyone says) to show communications people and administrators how the "
                "organisation talks. You are counted either way; this decides whether you can "
                "appear by name. Insights → About you shows what is computed about you."
            ),
        ),
        Field(
            "languages",
            "Languages",
            maxlength=500,
            help="Separate with commas, for example: English, Spanish.",
        ),
        Field(
            "location",
            "Location",
            kind="select",
            choices=[("", "Not set")] + [(name, name) for name in locations],
        ),
        Field(
            "department",
            "Department",
            maxlength=120,
            datalist=departments,
            help="Pick an existing department or type a new one.",
        ),
        Field(
            "manager",
            "Manager's username",
            maxlength=150,
            help="Leave empty for someone at the top of the organisation.",
        ),
        Field("employee_id", "Employee id", maxlength=64),
        Field("start_date", "Start date", kind="date"),
        Field("email", "Email", kind="email", maxlength=254, autocomplete="email"),
        Field(
            "role", "Role", kind="select", choices=[(value, label) for value, label in Role.choices]
        ),
    ]
    fields: dict[str, Field] = {}
    for spec in specs:
        if spec.name not in allowed:
            continue
        spec.value = "" if values.get(spec.name) is None else str(values.get(spec.name, ""))
        spec.errors = errors.pop(spec.name, [])
        if spec.kind == "select" and spec.value and spec.value not in dict(spec.choices):
            spec.choices.append((spec.value, spec.value))
        fields[spec.name] = spec
    raw_links = values.get("links") or []
    rows = max(LINK_ROWS, min(len(raw_links), MAX_LINKS))
    links = [LinkRow(index=i) for i in range(rows)]
    for row, link in zip(links, raw_links, strict=False):
        row.label, row.url = link.get("label", ""), link.get("url", "")
    link_errors = errors.pop("links", [])
    other_errors = [message for messages in errors.values() for message in messages]
    return ProfileForm(
        fields=fields, links=links, link_errors=link_errors, other_errors=other_errors
    )
