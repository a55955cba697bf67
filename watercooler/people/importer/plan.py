"""What an import plan and its result look like, and the snapshot of the database a plan is
compared with and written from (``Work``: the rows resolved, kept to execute the plan).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from watercooler.people.importer.parsing import ImportRowError, ParsedFile
from watercooler.people.models import Department, Location, Skill, User


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedCreate:
    row: int
    username: str
    display_name: str
    employee_id: str
    email: str
    details: list[FieldChange]  # the other values the file gives, as text (``old`` is empty)


@dataclass(frozen=True)
class PlannedUpdate:
    row: int
    person_id: int
    username: str
    display_name: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class PlannedDeactivation:
    person_id: int
    username: str
    display_name: str
    employee_id: str


@dataclass
class ImportPlan:
    """What an import would do. Nothing in it has been written."""

    deactivate_missing: bool
    errors: list[ImportRowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    deactivations: list[PlannedDeactivation] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    new_locations: list[str] = field(default_factory=list)
    location_changes: list[FieldChange] = field(default_factory=list)  # field = location name
    rows: int = 0
    # The parsed file, who planned and the resolved rows: kept to re-plan and to execute.
    _actor_id: int | None = field(default=None, repr=False, compare=False)
    _parsed: "ParsedFile | None" = field(default=None, repr=False, compare=False)
    _work: "Work | None" = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates or self.deactivations or self.location_changes)

    def summary(self) -> str:
        if self.errors:
            count = len(self.errors)
            return f"{count} error{'s' if count != 1 else ''}: nothing will be changed."
        return (
            f"{len(self.creates)} to create, {len(self.updates)} to update, "
            f"{self.unchanged} unchanged, {len(self.deactivations)} to deactivate."
        )


@dataclass(frozen=True)
class ImportResult:
    """What ``do_apply_import`` did; ``applied`` is False (and nothing changed) on any error."""

    applied: bool
    plan: ImportPlan
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    @property
    def errors(self) -> list[ImportRowError]:
        return self.plan.errors

    def summary(self) -> str:
        if not self.applied:
            return self.plan.summary()
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated."
        )


# --- The database a plan is compared with ----------------------------------------------------


@dataclass
class Existing:
    """A person already in the database, as the import needs them."""

    id: int
    username: str
    email: str
    employee_id: str | None
    display_name: str
    title: str
    department_id: int | None
    location_id: int | None
    manager_id: int | None
    phone: str
    start_date: dt.date | None
    languages: list[str]
    pronouns: str
    role: str
    is_active: bool
    is_superuser: bool
    skills: list[str] = field(default_factory=list)


_EXISTING_FIELDS = (
    "id",
    "username",
    "email",
    "employee_id",
    "display_name",
    "title",
    "department_id",
    "location_id",
    "manager_id",
    "phone",
    "start_date",
    "languages",
    "pronouns",
    "role",
    "is_active",
    "is_superuser",
)


@dataclass
class Snapshot:
    people: dict[int, Existing]
    by_employee_id: dict[str, int]
    by_email: dict[str, list[int]]
    by_username: dict[str, int]  # case-folded
    departments: dict[str, int]
    department_names: dict[int, str]
    locations: dict[str, tuple[int, str, str]]  # name -> (id, country, timezone)
    location_names: dict[int, str]
    skills: dict[str, int]  # case-folded name -> id


def take_snapshot() -> Snapshot:
    """Everything planning compares with, in five queries whatever the size of the file."""
    people = {
        values[0]: Existing(*values)
        for values in User.objects.order_by().values_list(*_EXISTING_FIELDS)
    }
    skill_names: dict[int, str] = {}
    skills: dict[str, int] = {}
    for skill_id, name in Skill.objects.order_by("name").values_list("id", "name"):
        skill_names[skill_id] = name
        skills.setdefault(name.casefold(), skill_id)
    through = User.skills.through.objects.order_by("id").values_list("user_id", "skill_id")
    for user_id, skill_id in through:
        if user_id in people:
            people[user_id].skills.append(skill_names[skill_id])
    by_email: dict[str, list[int]] = defaultdict(list)
    for person in people.values():
        if person.email:
            by_email[person.email.casefold()].append(person.id)
    departments = dict(Department.objects.values_list("name", "id"))
    locations = {
        name: (pk, country, tz)
        for pk, name, country, tz in Location.objects.values_list(
            "id", "name", "country", "timezone"
        )
    }
    return Snapshot(
        people=people,
        by_employee_id={p.employee_id: p.id for p in people.values() if p.employee_id},
        by_email=dict(by_email),
        by_username={p.username.casefold(): p.id for p in people.values()},
        departments=departments,
        department_names={pk: name for name, pk in departments.items()},
        locations=locations,
        location_names={value[0]: name for name, value in locations.items()},
        skills=skills,
    )


@dataclass
class Target:
    """One row of the file: the person it means and the values it gives them."""

    row: int
    cells: dict[str, str]
    values: dict[str, Any]  # column -> cleaned value, only for the columns in the file
    node: int = 0  # the person's id, or -row for someone the import creates
    existing: Existing | None = None
    username: str = ""
    manager_node: int | None = None


@dataclass
class Work:
    """What ``_execute`` writes, resolved by planning inside the same transaction."""

    targets: list[Target]
    changed: dict[int, list[str]]  # person id -> fields that change
    location_specs: dict[str, tuple[str, str]]  # name -> (country, time zone) to create or set
    snapshot: Snapshot
