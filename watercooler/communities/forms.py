"""Reading the communities' HTML forms into plain values, and what the forms show back.

Only shapes are handled here (which fields, trimmed text, ids that parse); every rule about
values (lengths, a free handle, who may change what) lives in ``communities.actions``.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import slugify

from watercooler.communities.models import Category, Community, DirectoryRule, Privacy
from watercooler.core.errors import FieldErrors

# What each privacy means, in the words of the create and settings forms.
PRIVACY_HELP = {
    Privacy.OPEN: "Anyone in the company can see its posts and join.",
    Privacy.CLOSED: (
        "Anyone can find it and read its description; its posts, members, events and files are"
        " for members. Owners and moderators approve requests to join."
    ),
    Privacy.SECRET: (
        "Only members know it exists: it is in no list, search or feed of anyone else."
        " Owners and moderators add people."
    ),
}
PRIVACY_SHORT = {Privacy.OPEN: "Open", Privacy.CLOSED: "Closed", Privacy.SECRET: "Secret"}
MAX_RULE_VALUES = 50


def suggest_handle(name: str) -> str:
    """A handle from a name: "Sales EMEA!" -> "sales-emea" (the action checks it is free)."""
    return slugify(name)[:40].strip("-")


def _text(post: QueryDict, name: str, limit: int) -> str:
    # Limits well above the model's so the action, not a silent cut, explains what is too long.
    return str(post.get(name, "")).replace("\r\n", "\n").strip()[: limit * 2]


@dataclass
class CommunityForm:
    """The create and settings forms' values and their errors by field."""

    name: str = ""
    handle: str = ""
    description: str = ""
    guidelines: str = ""
    privacy: str = Privacy.OPEN
    category: str = Category.INTEREST
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_post(cls, post: QueryDict) -> "CommunityForm":
        name = _text(post, "name", 80)
        handle = _text(post, "handle", 40).lower().lstrip("@")
        return cls(
            name=name,
            handle=handle,
            description=_text(post, "description", 2000),
            guidelines=_text(post, "guidelines", 5000),
            privacy=_text(post, "privacy", 10),
            category=_text(post, "category", 12),
        )

    @classmethod
    def from_community(cls, community: Community) -> "CommunityForm":
        return cls(
            name=community.name,
            handle=community.handle,
            description=community.description,
            guidelines=community.guidelines,
            privacy=community.privacy,
            category=community.category,
        )

    @property
    def privacies(self) -> list[dict[str, str]]:
        return [
            {
                "value": value,
                "label": PRIVACY_SHORT[Privacy(value)],
                "help": PRIVACY_HELP[Privacy(value)],
            }
            for value, _label in Privacy.choices
        ]

    @property
    def categories(self) -> list[tuple[str, str]]:
        return list(Category.choices)

    def fields(self) -> dict[str, Any]:
        """The values as the actions take them."""
        return {
            "name": self.name,
            "description": self.description,
            "guidelines": self.guidelines,
            "privacy": self.privacy,
            "category": self.category,
        }


def _names(post: QueryDict, name: str, errors: FieldErrors) -> list[str]:
    values = [str(v).strip()[:80] for v in post.getlist(name)[: MAX_RULE_VALUES + 1]]
    values = sorted({v for v in values if v})
    if len(values) > MAX_RULE_VALUES:
        errors.add(name, f"Choose at most {MAX_RULE_VALUES}.")
    return values


@dataclass
class RuleForm:
    """The directory rule editor's values (department, location, region and country names,
    whether rule members may leave) and its errors by field."""

    departments: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    allow_leave: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_post(cls, post: QueryDict) -> "RuleForm":
        errors = FieldErrors()
        return cls(
            departments=_names(post, "departments", errors),
            locations=_names(post, "locations", errors),
            regions=_names(post, "regions", errors),
            countries=_names(post, "countries", errors),
            allow_leave=post.get("allow_leave") in ("1", "on", "true"),
            errors=errors.messages,
        )

    @classmethod
    def from_rule(cls, rule: DirectoryRule | None) -> "RuleForm":
        if rule is None:
            return cls()
        return cls(
            departments=[d.name for d in rule.departments.all()],
            locations=[loc.name for loc in rule.locations.all()],
            regions=list(rule.regions or []),
            countries=list(rule.countries or []),
            allow_leave=rule.allow_leave,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.departments or self.locations or self.regions or self.countries)

    def raise_if_invalid(self) -> None:
        """ValidationError with what the form itself refused (too many values), if anything."""
        if self.errors:
            raise ValidationError(self.errors)
