"""Planning an import: every row of a parsed file checked and compared with a snapshot of the
database, without writing anything.

Each row on its own goes through the profile rules of ``actions`` (``check_profile_changes``)
and the model fields' own validators; then what only a whole file can get wrong: duplicates
between rows, who each row is, usernames, reference data, who a full import deactivates,
managers that may be defined later in the file, and reporting loops across the final state.

Longer than most modules on purpose: one plan, built row by row and then checked as a whole
file, reads best as one step-by-step class.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from watercooler.core.text import ascii_fold
from watercooler.people.actions import (
    check_can_manage_account,
    check_profile_changes,
    check_role_change,
)
from watercooler.people.importer.parsing import (
    COLUMNS,
    LIST_SEPARATOR,
    ImportRowError,
    ParsedFile,
    Row,
)
from watercooler.people.importer.plan import (
    Existing,
    FieldChange,
    ImportPlan,
    PlannedCreate,
    PlannedDeactivation,
    PlannedUpdate,
    Snapshot,
    Target,
    Work,
    take_snapshot,
)
from watercooler.people.models import Location, User

# Profile fields whose rules live in actions.check_profile_changes and need no database read.
PROFILE_COLUMNS = (
    "display_name",
    "title",
    "department",
    "phone",
    "start_date",
    "skills",
    "languages",
    "pronouns",
    "role",
)
# Longest reporting line accepted; the same bound as actions.check_manager_is_acyclic.
MAX_DEPTH = 100
LOOP_MESSAGE = "That would make a loop in the reporting line"


def make_plan(
    parsed: ParsedFile,
    *,
    actor: User,
    deactivate_missing: bool,
    snapshot: "Snapshot | None" = None,
) -> ImportPlan:
    plan = ImportPlan(
        deactivate_missing=deactivate_missing,
        errors=list(parsed.errors),
        warnings=list(parsed.warnings),
        rows=len(parsed.rows),
        _parsed=parsed,
        _actor_id=actor.pk,
    )
    if plan.errors:
        return plan
    if not parsed.rows:
        plan.errors.append(ImportRowError(None, None, "The file has no people in it."))
        return plan
    return _Planner(parsed, plan, actor=actor, snapshot=snapshot or take_snapshot()).run()


class _Planner:
    """Compares the rows of one file with a snapshot of the database, step by step."""

    def __init__(
        self, parsed: ParsedFile, plan: ImportPlan, *, actor: User, snapshot: Snapshot
    ) -> None:
        self.parsed = parsed
        self.plan = plan
        self.actor = actor
        self.columns = set(parsed.columns)
        self.snap = snapshot
        self.errors: list[ImportRowError] = []
        self.bad_rows: set[int] = set()
        self.targets: list[Target] = []
        self.leaving: set[int] = set()
        self.location_specs: dict[str, tuple[str, str]] = {}
        self._memo: dict[tuple[str, str, str], list[str]] = {}
        self._placeholder = User()

    def error(self, row: int, column: str | None, message: str) -> None:
        self.errors.append(ImportRowError(row, column, message))
        self.bad_rows.add(row)

    def run(self) -> ImportPlan:
        self.targets = [self._read_row(row) for row in self.parsed.rows]
        self._find_duplicates()
        self._match_people()
        self._assign_usernames()
        self._plan_locations()
        self._plan_departments()
        self._plan_deactivations()
        self._resolve_managers()
        self._check_reporting_lines()
        changed = self._plan_changes()
        order = {name: index for index, name in enumerate(COLUMNS)}
        self.errors.sort(key=lambda e: (e.row or 0, order.get(e.column or "", -1)))
        plan = self.plan
        plan.errors.extend(self.errors)
        if plan.errors:
            plan.creates, plan.updates, plan.deactivations, plan.unchanged = [], [], [], 0
            plan.new_departments, plan.new_locations, plan.location_changes = [], [], []
            return plan
        plan._work = Work(self.targets, changed, self.location_specs, self.snap)
        return plan

    # -- 1. Each row on its own

    def _field_messages(self, model: type[Any], name: str, value: str) -> list[str]:
        """The model field's own validators (length, format, time zone), once per value."""
        key = (model.__name__, name, value)
        if key not in self._memo:
            try:
                model._meta.get_field(name).run_validators(value)
            except ValidationError as exc:
                self._memo[key] = list(exc.messages)
            else:
                self._memo[key] = []
        return self._memo[key]

    def _check(self, row: int, column: str, model: type[Any], name: str, value: str) -> None:
        for message in self._field_messages(model, name, value):
            self.error(row, column, message)

    def _read_row(self, row: Row) -> Target:
        cells, number = row.cells, row.number
        data: dict[str, Any] = {}
        for column in PROFILE_COLUMNS:
            if column not in self.columns:
                continue
            raw = cells[column]
            if column == "role":
                if raw:  # an empty role keeps the person's role (member for new people)
                    data["role"] = raw.casefold()
            elif column in ("skills", "languages"):
                data[column] = [part for part in raw.split(LIST_SEPARATOR) if part.strip()]
            else:
                data[column] = raw
        values: dict[str, Any] = {}
        try:
            changes = check_profile_changes(actor=self.actor, person=self._placeholder, data=data)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    self.error(number, column, message)
        else:
            values.update(changes.values)
        if "employee_id" in self.columns:
            values["employee_id"] = cells["employee_id"] or None
            if cells["employee_id"]:
                self._check(number, "employee_id", User, "employee_id", cells["employee_id"])
        if "email" in self.columns:
            values["email"] = cells["email"]
            if cells["email"]:
                self._check(number, "email", User, "email", cells["email"])
        if not cells.get("employee_id") and not cells.get("email"):
            column = "employee_id" if "employee_id" in self.columns else "email"
            self.error(number, column, "Give an employee id or an email address for this person.")
        if cells.get("username"):
            values["username"] = cells["username"]
            self._check(number, "username", User, "username", cells["username"])
        if "location" in self.columns:
            values["location"] = cells["location"] or None
            for column, name in (
                ("location", "name"),
                ("country", "country"),
                ("timezone", "timezone"),
            ):
                if cells.get(column):
                    self._check(number, column, Location, name, cells[column])
            if not cells["location"]:
                for column, what in (("country", "A country"), ("timezone", "A time zone")):
                    if cells.get(column):
                        self.error(
                            number,
                            column,
                            f"{what} belongs to a location: fill in the location too.",
                        )
        elif cells.get("country") or cells.get("timezone"):
            column = "country" if cells.get("country") else "timezone"
            self.error(number, column, "Add a location column: this value belongs to a location.")
        if "manager_employee_id" in self.columns:
            values["manager"] = cells["manager_employee_id"] or None
        return Target(row=number, cells=cells, values=values, node=-number)

    # -- 2. Duplicates between rows: an error on every row involved

    def _find_duplicates(self) -> None:
        checks: tuple[tuple[str, str, Callable[[Target], str]], ...] = (
            ("employee_id", "employee id", lambda t: t.values.get("employee_id") or ""),
            ("email", "email address", lambda t: (t.values.get("email") or "").casefold()),
            ("username", "username", lambda t: (t.values.get("username") or "").casefold()),
        )
        for column, what, key_of in checks:
            groups: dict[str, list[int]] = defaultdict(list)
            for target in self.targets:
                key = key_of(target)
                if key:
                    groups[key].append(target.row)
            for rows in groups.values():
                if len(rows) > 1:
                    for number in rows:
                        others = ", ".join(str(r) for r in rows if r != number)
                        self.error(number, column, f"The same {what} is also on row {others}.")

    # -- 3. Who each row is: by employee id, else by email (case-insensitively)

    def _match_people(self) -> None:
        snap = self.snap
        rows_of: dict[int, list[int]] = defaultdict(list)
        for target in self.targets:
            employee_id = target.values.get("employee_id")
            email = (target.values.get("email") or "").casefold()
            person_id = snap.by_employee_id.get(employee_id) if employee_id else None
            if person_id is None and email:
                candidates = snap.by_email.get(email, [])
                if len(candidates) > 1:
                    self.error(
                        target.row,
                        "email",
                        "Several people already have this email address; give the employee id.",
                    )
                    continue
                if candidates:
                    person = snap.people[candidates[0]]
                    if employee_id and person.employee_id:
                        self.error(
                            target.row,
                            "email",
                            f"This email address belongs to @{person.username}, whose employee "
                            f"id is {person.employee_id}, not {employee_id}.",
                        )
                        continue
                    person_id = person.id
            if person_id is None:
                continue
            target.existing = snap.people[person_id]
            target.node = person_id
            rows_of[person_id].append(target.row)
            owners = [pk for pk in snap.by_email.get(email, []) if pk != person_id] if email else []
            if owners:
                self.error(
                    target.row,
                    "email",
                    f"Another person (@{snap.people[owners[0]].username}) already has this "
                    "email address.",
                )
        for person_id, rows in rows_of.items():
            if len(rows) > 1:
                for number in rows:
                    others = ", ".join(str(r) for r in rows if r != number)
                    self.error(
                        number,
                        None,
                        f"This row and row {others} are both about "
                        f"@{snap.people[person_id].username}.",
                    )

    # -- 4. Usernames: given ones must be free; others are kept, or derived deterministically

    def _assign_usernames(self) -> None:
        owners = self.snap.by_username
        reserved = set(owners) | {
            t.values["username"].casefold() for t in self.targets if t.values.get("username")
        }
        next_suffix: dict[str, int] = {}
        for target in self.targets:
            given = target.values.get("username")
            if given:
                owner = owners.get(given.casefold())
                if owner is not None and owner != target.node:
                    self.error(target.row, "username", "This username is taken.")
                target.username = given
            elif target.existing is not None:
                target.username = target.existing.username
            else:
                base = _username_base(
                    target.values.get("email") or "", target.values.get("display_name") or ""
                )
                candidate, suffix = base, next_suffix.get(base.casefold(), 1)
                if suffix > 1 or candidate.casefold() in reserved:
                    while True:
                        suffix += 1
                        candidate = f"{base}{suffix}"
                        if candidate.casefold() not in reserved:
                            break
                next_suffix[base.casefold()] = suffix
                reserved.add(candidate.casefold())
                target.username = candidate

    # -- 5. Locations (created as needed, with their country and time zone) and departments

    def _plan_locations(self) -> None:
        given: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
        for target in self.targets:
            name = target.values.get("location")
            if not name:
                continue
            given.setdefault(name, {})
            for column, what in (("country", "country"), ("timezone", "time zone")):
                value = target.cells.get(column, "")
                if not value:
                    continue
                first = given[name].get(column)
                if first is None:
                    given[name][column] = (value, target.row)
                elif first[0] != value:
                    self.error(
                        target.row,
                        column,
                        f"Row {first[1]} gives the location {name} the {what} {first[0]}; "
                        f"this row gives {value}.",
                    )
        for name in sorted(given):
            country = given[name].get("country", ("", 0))[0]
            tz = given[name].get("timezone", ("", 0))[0]
            current = self.snap.locations.get(name)
            if current is None:
                self.plan.new_locations.append(name)
                self.location_specs[name] = (country, tz)
                continue
            _, old_country, old_tz = current
            if country and country != old_country:
                self.plan.location_changes.append(
                    FieldChange(f"{name}: country", old_country, country)
                )
            if tz and tz != old_tz:
                self.plan.location_changes.append(FieldChange(f"{name}: time zone", old_tz, tz))
            if (country and country != old_country) or (tz and tz != old_tz):
                self.location_specs[name] = (country, tz)

    def _plan_departments(self) -> None:
        named = {t.values["department"] for t in self.targets if t.values.get("department")}
        self.plan.new_departments = sorted(named - set(self.snap.departments))

    # -- 6. Who a full import deactivates: never the importing administrator, never a superuser

    def _plan_deactivations(self) -> None:
        if not self.plan.deactivate_missing:
            return
        in_file = {t.node for t in self.targets if t.existing is not None}
        for person in self.snap.people.values():
            if (
                person.employee_id
                and person.is_active
                and person.id not in in_file
                and person.id != self.actor.pk
                and not person.is_superuser
            ):
                self.leaving.add(person.id)
                self.plan.deactivations.append(
                    PlannedDeactivation(
                        person.id, person.username, person.display_name, person.employee_id
                    )
                )
        self.plan.deactivations.sort(key=lambda d: (d.display_name.casefold(), d.person_id))

    # -- 7. Managers, by employee id: another row of the file or someone already here

    def _resolve_managers(self) -> None:
        snap = self.snap
        in_file = {t.values["employee_id"]: t for t in self.targets if t.values.get("employee_id")}
        column = "manager_employee_id"
        for target in self.targets:
            if "manager" not in target.values:
                target.manager_node = target.existing.manager_id if target.existing else None
                continue
            manager_id = target.values["manager"]
            if manager_id is None:
                target.manager_node = None
                continue
            row = in_file.get(manager_id)
            if row is not None:
                target.manager_node = row.node
                if row.existing is not None and not row.existing.is_active:
                    self.error(
                        target.row,
                        column,
                        f"The manager {manager_id} (@{row.username}) is deactivated.",
                    )
                continue
            pk = snap.by_employee_id.get(manager_id)
            if pk is None:
                self.error(
                    target.row,
                    column,
                    f"No one has the employee id {manager_id}, in this file or already here.",
                )
                continue
            manager = snap.people[pk]
            if not manager.is_active:
                self.error(
                    target.row,
                    column,
                    f"The manager {manager_id} (@{manager.username}) is deactivated.",
                )
            elif pk in self.leaving:
                self.error(
                    target.row,
                    column,
                    f"The manager {manager_id} (@{manager.username}) is not in this file and would "
                    "be deactivated.",
                )
            target.manager_node = pk

    def _label(self, node: int | None) -> str:
        if node is None:
            return ""
        target = self._by_node.get(node)
        if target is not None:
            return f"@{target.username}"
        person = self.snap.people.get(node)
        return f"@{person.username}" if person else ""

    def _check_reporting_lines(self) -> None:
        """No loops and no line deeper than MAX_DEPTH, in the state after the import.

        The same rule as ``actions.check_manager_is_acyclic``, checked over everyone at once:
        a walk up from each row, remembering every node already settled, so the whole file
        costs time in proportion to the number of people.
        """
        self._by_node = {t.node: t for t in self.targets}
        manager_of: dict[int, int | None] = {pk: p.manager_id for pk, p in self.snap.people.items()}
        for target in self.targets:
            manager_of[target.node] = target.manager_node
        on_walk, settled = 1, 2
        state: dict[int, int] = {}
        depth: dict[int, int | None] = {}  # None: leads into a loop
        column = "manager_employee_id"
        for target in self.targets:
            path: list[int] = []
            node: int | None = target.node
            while node is not None and node not in state:
                state[node] = on_walk
                path.append(node)
                node = manager_of.get(node)
            base: int | None
            if node is None:
                base = -1
            elif state[node] == on_walk:  # the walk came back onto itself: a loop
                start = path.index(node)
                loop, path = path[start:], path[:start]
                names = " → ".join(self._label(n) for n in [*loop, loop[0]])
                for member in loop:
                    state[member], depth[member] = settled, None
                    if member in self._by_node:
                        self.error(self._by_node[member].row, column, f"{LOOP_MESSAGE}: {names}.")
                base = None
            else:
                base = depth[node]
            for member in reversed(path):
                base = None if base is None else base + 1
                state[member], depth[member] = settled, base
                if base is not None and base > MAX_DEPTH and member in self._by_node:
                    self.error(
                        self._by_node[member].row,
                        column,
                        f"The reporting line is too deep (more than {MAX_DEPTH} levels).",
                    )

    # -- 8. What changes for each person

    def _plan_changes(self) -> dict[int, list[str]]:
        changed: dict[int, list[str]] = {}
        for target in self.targets:
            if target.row in self.bad_rows:
                continue
            if target.existing is None:
                self.plan.creates.append(
                    PlannedCreate(
                        row=target.row,
                        username=target.username,
                        display_name=target.values.get("display_name", ""),
                        employee_id=target.values.get("employee_id") or "",
                        email=target.values.get("email") or "",
                        details=[
                            FieldChange(name, "", shown)
                            for name, value in self._new_values(target).items()
                            if name not in _IDENTITY and (shown := self._display(name, value))
                        ],
                    )
                )
                continue
            if "role" in target.values and target.node == self.actor.pk:
                try:
                    check_role_change(
                        actor=self.actor, person=self.actor, role=target.values["role"]
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        self.error(target.row, "role", message)
                    continue
            changes = self._diff(target)
            if any(change.field == "email" for change in changes):
                # The same rule as the profile editor: a superuser's email is theirs to manage.
                person = User(pk=target.existing.id, is_superuser=target.existing.is_superuser)
                try:
                    check_can_manage_account(actor=self.actor, person=person)
                except PermissionDenied as exc:
                    self.error(target.row, "email", str(exc))
                    continue
            if not changes:
                self.plan.unchanged += 1
                continue
            if not target.existing.is_active:
                self.plan.warnings.append(
                    f"Row {target.row}: @{target.username} is deactivated; their profile is updated "
                    "but they stay deactivated (reactivate them on their page)."
                )
            changed[target.node] = [change.field for change in changes]
            self.plan.updates.append(
                PlannedUpdate(
                    row=target.row,
                    person_id=target.node,
                    username=target.username,
                    display_name=target.values.get("display_name") or target.existing.display_name,
                    changes=changes,
                )
            )
        return changed

    def _new_values(self, target: Target) -> dict[str, Any]:
        """The fields the file sets, in column order, with the manager resolved."""
        values: dict[str, Any] = {
            name: target.values[name]
            for name in (
                "employee_id",
                "email",
                "display_name",
                "title",
                "department",
                "location",
                "phone",
                "start_date",
                "skills",
                "languages",
                "pronouns",
                "role",
            )
            if name in target.values
        }
        values["username"] = target.username
        if "manager" in target.values:
            values["manager"] = target.manager_node
        return values

    def _old_values(self, person: Existing) -> dict[str, Any]:
        snap = self.snap
        return {
            "employee_id": person.employee_id,
            "email": person.email,
            "username": person.username,
            "display_name": person.display_name,
            "title": person.title,
            "department": snap.department_names.get(person.department_id or 0),
            "location": snap.location_names.get(person.location_id or 0),
            "manager": person.manager_id,
            "phone": person.phone,
            "start_date": person.start_date,
            "skills": sorted(person.skills, key=str.casefold),
            "languages": person.languages,
            "pronouns": person.pronouns,
            "role": person.role,
        }

    def _diff(self, target: Target) -> list[FieldChange]:
        assert target.existing is not None
        old = self._old_values(target.existing)
        changes = []
        for name, new in self._new_values(target).items():
            if name == "employee_id" and not new:
                continue  # an empty employee id never clears the one a person has
            if _same(name, old[name], new):
                continue
            changes.append(
                FieldChange(name, self._display(name, old[name]), self._display(name, new))
            )
        return changes

    def _display(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        if name == "manager":
            return self._label(value)
        if isinstance(value, list):
            return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


_IDENTITY = frozenset({"employee_id", "email", "username", "display_name"})


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "skills":
        return sorted(s.casefold() for s in old) == sorted(s.casefold() for s in new)
    if name in ("email", "title", "phone", "pronouns"):
        return (old or "") == (new or "")
    return bool(old == new)


def _username_base(email: str, display_name: str) -> str:
    """A username from the email's local part, else the name: ASCII letters, digits, . _ -."""
    ascii_text = ascii_fold(email.split("@", 1)[0] if email else display_name)
    base = re.sub(r"[^a-z0-9._-]+", "_", ascii_text.casefold()).strip("._-")
    return base[:140] or "person"
