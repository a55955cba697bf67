"""People and the directory's reference data: departments, locations, skills.

The user model carries the profile itself: every directory read needs it, and one row per
person keeps the directory a single indexed query.
"""

import hashlib
import secrets
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def _validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (use a name like Europe/Paris).")


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)
    country = models.CharField(max_length=80, blank=True)
    # A broad region such as "EMEA" or "Americas" (directory rules of communities match on it).
    region = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[_validate_timezone])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COMMS = "comms", "Communications"
    MEMBER = "member", "Member"
    GUEST = "guest", "Guest"


class User(AbstractUser):
    """A person in the organisation, with their directory profile."""

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    employee_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=150)
    # Lower-cased display name: the directory's sort and cursor key.
    sort_name = models.CharField(max_length=150, editable=False, default="")
    pronouns = models.CharField(max_length=40, blank=True)
    title = models.CharField("job title", max_length=150, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    phone = models.CharField(max_length=40, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    photo = models.ImageField(upload_to="photos/", blank=True)
    photo_thumb = models.ImageField(upload_to="photos/thumbs/", blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="people")
    languages = models.JSONField(default=list, blank=True)
    start_date = models.DateField(null=True, blank=True)
    links = models.JSONField(default=list, blank=True)
    # Whether the people finder ("who knows about…") may list this person: their own choice.
    listed_as_expert = models.BooleanField("listed in “Who knows about…”", default=True)
    # Whether insights' network analysis may show this person by name; None follows the
    # organisation's default (SiteSettings.network_named_by_default). Counted either way.
    named_in_network = models.BooleanField("named in network analysis", null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["is_active", "sort_name", "id"], name="people_directory_idx"),
            models.Index(
                fields=["department", "is_active", "sort_name", "id"], name="people_dept_idx"
            ),
            models.Index(
                fields=["location", "is_active", "sort_name", "id"], name="people_loc_idx"
            ),
            models.Index(Lower("email"), name="people_email_lower_idx"),
            models.Index(fields=["is_active", "-start_date", "id"], name="people_joiners_idx"),
            # A manager's team in name order (the home page): without it SQLite walked every
            # active person in name order to find the few with this manager (6 ms at 10,000).
            models.Index(
                fields=["manager", "is_active", "sort_name", "id"], name="people_team_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.display_name:
            self.display_name = self.get_full_name() or self.username
        self.sort_name = self.sort_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    @staticmethod
    def sort_key(display_name: str) -> str:
        """The directory's sort and cursor key; bulk writers must set it with this too."""
        return display_name.casefold()[:150]

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def is_communications(self) -> bool:
        return self.is_administrator or (self.is_active and self.role == Role.COMMS)

    @property
    def is_guest(self) -> bool:
        return self.role == Role.GUEST and not self.is_superuser

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p[:1].isalpha()]
        letters = "".join(p[0] for p in parts[:1] + parts[1:][-1:])
        return (letters or self.username[:1]).upper()

    @property
    def web_links(self) -> list[dict[str, str]]:
        """The profile's links that are safe to show as links: http(s) URLs only.

        ``actions`` refuses anything else on the way in; this guards what pages and the API
        show against rows written some other way (the Django admin's raw JSON, old data).
        """
        return [
            {"label": str(link.get("label") or link["url"]), "url": link["url"]}
            for link in self.links or []
            if isinstance(link, dict)
            and isinstance(link.get("url"), str)
            and link["url"].lower().startswith(("https://", "http://"))
        ]

    @property
    def avatar_hue(self) -> int:
        """One of 12 stable colours (CSS classes hue-0…hue-11) for an initials avatar."""
        return int(hashlib.sha256(self.username.encode()).hexdigest()[:4], 16) % 12


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AccessCode(models.Model):
    """A one-time code that lets someone without company email sign in once and set a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="issued_access_codes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"], name="accesscode_user_idx")]

    def __str__(self) -> str:
        return f"Access code for {self.user}"

    @staticmethod
    def hash(code: str) -> str:
        return _hash_secret(code.strip().upper().replace("-", "").replace(" ", ""))

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once at creation."""

    PREFIX = "wc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so people can tell their tokens apart on the settings page.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash(token: str) -> str:
        return _hash_secret(token)


class Invitation(models.Model):
    """An emailed link that lets an invited person choose their password and sign in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="sent_invitations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @staticmethod
    def hash(token: str) -> str:
        return _hash_secret(token)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now() and self.user.is_active
