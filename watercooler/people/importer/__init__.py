"""Importing people from an HR export (CSV): the action layer for imports.

An import happens in two steps. ``plan_import`` reads the file and compares it with the database
without writing anything: the result lists who would be created, updated (field by field),
left unchanged and deactivated, and every bad row with its spreadsheet row number and column.
``do_apply_import`` plans the same rows again *inside one transaction* (so anything changed since
the preview is respected) and writes the plan, or nothing at all if any row has an error.

Validation reuses the rules of ``actions``: ``check_profile_changes`` for the profile fields,
the model fields' own validators for email, username, employee id, location and time zone,
``get_or_create_department``/``get_or_create_location`` for reference data,
``check_role_change``/``check_can_manage_account`` for one's own role and superusers' email
addresses, and ``do_deactivate_people`` for deactivation. What is new here is only what a
whole file needs: duplicates between rows, managers that may be defined later in the file, and
reporting loops across the final state.

To stay fast on large files (10,000 rows in a few seconds) the database is read once up front
(all people, departments, locations and skills, a handful of queries) and written with bulk
statements; nothing runs one query per row.
"""

import csv
import datetime as dt
import io
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from watercooler.core.text import ascii_fold
from watercooler.people.actions import (
    RULE_FIELDS,
    check_can_manage_account,
    check_is_administrator,
    check_profile_changes,
    check_role_change,
    do_deactivate_people,
    get_or_create_department,
    get_or_create_location,
)
from watercooler.people.models import Department, Location, Role, Skill, User
from watercooler.people.signals import send_profiles_changed_on_commit

COLUMNS = (
    "employee_id",
    "email",
    "username",
    "display_name",
    "title",
    "department",
    "location",
    "country",
    "timezone",
    "manager_employee_id",
    "phone",
    "start_date",
    "skills",
    "languages",
    "pronouns",
    "role",
)
LIST_SEPARATOR = ";"
DELIMITERS = (",", ";", "\t")
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
UPLOAD_FOLDER = "imports"
UPLOAD_MAX_AGE = dt.timedelta(hours=24)
_UPLOAD_SALT = "watercooler.people.importer.upload"

type ImportFile = bytes | IO[bytes]


# --- What a plan and a result look like ----------------------------------------------------------


@dataclass(frozen=True)
class ImportRowError:
    """One problem: ``row`` as a spreadsheet numbers it (header = 1; None for the whole file)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return f"row {self.row}, column {self.column}: {self.message}"
        return f"row {self.row}: {self.message}"


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
    _parsed: "_ParsedFile | None" = field(default=None, repr=False, compare=False)
    _work: "_Work | None" = field(default=None, repr=False, compare=False)

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


# --- Public API -------------------------------------------------------------------------------------


def plan_import(*, actor: User, file: ImportFile, deactivate_missing: bool = False) -> ImportPlan:
    """Read ``file`` (bytes or a binary file) and compare it with the database; write nothing.

    Raises PermissionDenied unless ``actor`` is an administrator. Every problem with the file is
    in ``plan.errors``; no content of any file makes this raise anything else.
    """
    check_is_administrator(actor)
    data, error = _read_limited(file)
    parsed = _ParsedFile(columns=(), rows=[], errors=[error] if error else [])
    if data is not None:
        parsed = parse_import_file(data)
    return _plan(parsed, actor=actor, deactivate_missing=deactivate_missing)


def do_apply_import(*, actor: User, plan: ImportPlan) -> ImportResult:
    """Apply the rows of ``plan``: re-planned and written in one transaction, all or nothing.

    If the plan had errors, or re-planning against the current database finds some, nothing is
    written and the result carries the (new) plan with its errors.
    """
    check_is_administrator(actor)
    if plan.errors or plan._parsed is None:
        return ImportResult(applied=False, plan=plan)
    with transaction.atomic():
        # A plan is a function of the file, the database and the actor only: when the database
        # still reads the same inside this transaction, the plan still holds; otherwise re-plan.
        snapshot = _snapshot()
        fresh = plan
        if plan._work is None or plan._actor_id != actor.pk or plan._work.snapshot != snapshot:
            fresh = _plan(
                plan._parsed,
                actor=actor,
                deactivate_missing=plan.deactivate_missing,
                snapshot=snapshot,
            )
        if fresh.errors or fresh._work is None:
            return ImportResult(applied=False, plan=fresh)
        counts = _execute(fresh, fresh._work, actor=actor)
    return ImportResult(
        applied=True,
        plan=fresh,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=fresh.unchanged,
        deactivated=counts["deactivated"],
    )


# --- Uploads kept between the preview and "Apply" (admin pages) ------------------------------------


def preview_upload(
    *, actor: User, file: ImportFile, deactivate_missing: bool
) -> tuple[ImportPlan, str | None]:
    """Plan an uploaded file; when it is valid and changes something, keep it for ``apply_upload``.

    Returns the plan and a signed token naming the kept file (None when there is nothing to
    apply). The token is bound to ``actor`` and expires after a day.
    """
    check_is_administrator(actor)
    data, error = _read_limited(file)
    if data is None:
        parsed = _ParsedFile(columns=(), rows=[], errors=[error] if error else [])
        return _plan(parsed, actor=actor, deactivate_missing=deactivate_missing), None
    plan = _plan(parse_import_file(data), actor=actor, deactivate_missing=deactivate_missing)
    if plan.errors or not plan.has_changes:
        return plan, None
    _delete_stale_uploads()
    key = uuid.uuid4().hex
    default_storage.save(_upload_name(key), ContentFile(data))
    token = signing.dumps(
        {"key": key, "actor": actor.pk, "deactivate": deactivate_missing}, salt=_UPLOAD_SALT
    )
    return plan, token


def apply_upload(*, actor: User, token: str) -> ImportResult:
    """Re-plan and apply a file kept by ``preview_upload``, then forget the file either way.

    Raises ValidationError (field ``upload``) when the token is not this administrator's or
    the file has expired.
    """
    check_is_administrator(actor)
    expired = ValidationError({"upload": ["This upload has expired. Upload the file again."]})
    try:
        payload = signing.loads(token, salt=_UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        raise expired from None
    key = str(payload.get("key", ""))
    if payload.get("actor") != actor.pk or not re.fullmatch(r"[0-9a-f]{32}", key):
        raise expired
    name = _upload_name(key)
    if not default_storage.exists(name):
        raise expired
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    plan = _plan(
        parse_import_file(data), actor=actor, deactivate_missing=bool(payload.get("deactivate"))
    )
    try:
        return do_apply_import(actor=actor, plan=plan)
    finally:
        # HR data does not linger: after a failed apply the file has to be fixed anyway.
        default_storage.delete(name)


def _upload_name(key: str) -> str:
    return f"{UPLOAD_FOLDER}/{key}.csv"


def _delete_stale_uploads() -> None:
    """Forget previews nobody applied. Best effort: storage backends differ in what they list."""
    try:
        _, files = default_storage.listdir(UPLOAD_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - UPLOAD_MAX_AGE
    for name in files:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


# --- Reading and parsing the file ----------------------------------------------------------------


@dataclass
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # known columns of the header -> stripped text


@dataclass
class _ParsedFile:
    columns: tuple[str, ...]
    rows: list[_Row]
    errors: list[ImportRowError]
    warnings: list[str] = field(default_factory=list)


def _read_limited(file: ImportFile) -> tuple[bytes | None, ImportRowError | None]:
    """The file's bytes, or an error when it is larger than settings.IMPORT_MAX_BYTES."""
    limit = settings.IMPORT_MAX_BYTES
    too_big = ImportRowError(
        None,
        None,
        f"The file is larger than {limit // (1024 * 1024) or 1} MB "
        f"({limit:,} bytes); split it into several files.",
    )
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            return None, too_big
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
        if isinstance(data, str):  # a text-mode file: treat it as the UTF-8 it came from
            data = data.encode("utf-8", errors="surrogatepass")
    if len(data) > limit:
        return None, too_big
    return data, None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The text of the file, or why it is not a CSV file."""
    not_csv = (
        "This is not a CSV file: it contains binary data. In your spreadsheet choose "
        "Save as / Download as “CSV UTF-8” and upload that file."
    )
    if data.startswith(b"PK\x03\x04"):
        return None, (
            "This looks like an Excel or OpenDocument workbook, not a CSV file. "
            "Save it as “CSV UTF-8” and upload that file."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 "Unicode text" from Excel
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None, not_csv
    else:
        if b"\x00" in data:
            return None, not_csv
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return None, (
                f"The file is not UTF-8 text (first bad byte on line {line}). "
                "Save it as “CSV UTF-8” and upload it again."
            )
    text = text.removeprefix("\ufeff")
    controls = sum(1 for ch in text[:10000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(3, len(text[:10000]) // 100):
        return None, not_csv
    return text, None


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def _sniff_delimiter(text: str) -> str:
    """The delimiter that makes the most known column names out of the header line."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for name in header if _header_key(name) in COLUMNS)
        score = (known, len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_import_file(data: bytes) -> _ParsedFile:
    """Split the file into rows of known columns; structural problems become errors."""
    text, problem = _decode(data)
    if text is None:
        return _ParsedFile(columns=(), rows=[], errors=[ImportRowError(None, None, problem or "")])
    if not text.strip():
        return _ParsedFile(
            columns=(), rows=[], errors=[ImportRowError(None, None, "The file is empty.")]
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=False
    )
    errors: list[ImportRowError] = []
    warnings: list[str] = []
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        errors.append(ImportRowError(number + 1, None, f"This row cannot be read as CSV ({exc})."))
        return _ParsedFile(columns=(), rows=[], errors=errors)
    while records and not any(cell.strip() for cell in records[0][1]):
        records.pop(0)  # blank lines before the header
    if not records:
        return _ParsedFile(
            columns=(), rows=[], errors=[ImportRowError(None, None, "The file is empty.")]
        )
    header_row, header = records[0]
    keys = [_header_key(name) for name in header]
    positions: dict[str, int] = {}
    for index, key in enumerate(keys):
        if not key:
            continue
        if key in positions:
            errors.append(
                ImportRowError(header_row, key, "This column appears twice in the header row.")
            )
        elif key in COLUMNS:
            positions[key] = index
        else:
            warnings.append(
                f"The column “{header[index].strip()}” is not recognised and was ignored."
            )
    missing = [name for name in ("display_name",) if name not in positions]
    if not ({"employee_id", "email"} & positions.keys()):
        missing.append("employee_id or email")
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) or "nothing"
        errors.append(
            ImportRowError(
                header_row,
                None,
                f"The header row must name the columns display_name and employee_id or email "
                f"(missing: {', '.join(missing)}; found: {found[:300]}). "
                "See the import guide for the format.",
            )
        )
    if errors:
        return _ParsedFile(columns=tuple(positions), rows=[], errors=errors, warnings=warnings)
    rows: list[_Row] = []
    for row_number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # an empty line: spreadsheets show it as an empty row, so it keeps its number
        extra = [cell for cell in record[len(keys) :] if cell.strip()]
        if extra:
            errors.append(
                ImportRowError(
                    row_number,
                    None,
                    f"This row has {len(record)} values but the header has {len(keys)} columns "
                    "(is a value with a comma or semicolon missing its quotes?).",
                )
            )
            continue
        cells = {
            key: (record[index].strip() if index < len(record) else "")
            for key, index in positions.items()
        }
        rows.append(_Row(number=row_number, cells=cells))
    if not rows and not errors:
        errors.append(ImportRowError(None, None, "The file has a header row but no people in it."))
    return _ParsedFile(columns=tuple(positions), rows=rows, errors=errors, warnings=warnings)


# --- Planning ------------------------------------------------------------------------------------


@dataclass
class _Existing:
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
class _Snapshot:
    people: dict[int, _Existing]
    by_employee_id: dict[str, int]
    by_email: dict[str, list[int]]
    by_username: dict[str, int]  # case-folded
    departments: dict[str, int]
    department_names: dict[int, str]
    locations: dict[str, tuple[int, str, str]]  # name -> (id, country, timezone)
    location_names: dict[int, str]
    skills: dict[str, int]  # case-folded name -> id


def _snapshot() -> _Snapshot:
    """Everything planning compares with, in five queries whatever the size of the file."""
    people = {
        values[0]: _Existing(*values)
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
    return _Snapshot(
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
class _Target:
    """One row of the file: the person it means and the values it gives them."""

    row: int
    cells: dict[str, str]
    values: dict[str, Any]  # column -> cleaned value, only for the columns in the file
    node: int = 0  # the person's id, or -row for someone the import creates
    existing: _Existing | None = None
    username: str = ""
    manager_node: int | None = None


@dataclass
class _Work:
    """What ``_execute`` writes, resolved by planning inside the same transaction."""

    targets: list[_Target]
    changed: dict[int, list[str]]  # person id -> fields that change
    location_specs: dict[str, tuple[str, str]]  # name -> (country, time zone) to create or set
    snapshot: _Snapshot


def _plan(
    parsed: _ParsedFile,
    *,
    actor: User,
    deactivate_missing: bool,
    snapshot: "_Snapshot | None" = None,
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
    return _Planner(parsed, plan, actor=actor, snapshot=snapshot or _snapshot()).run()


class _Planner:
    """Compares the rows of one file with a snapshot of the database, step by step."""

    def __init__(
        self, parsed: _ParsedFile, plan: ImportPlan, *, actor: User, snapshot: _Snapshot
    ) -> None:
        self.parsed = parsed
        self.plan = plan
        self.actor = actor
        self.columns = set(parsed.columns)
        self.snap = snapshot
        self.errors: list[ImportRowError] = []
        self.bad_rows: set[int] = set()
        self.targets: list[_Target] = []
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
        plan._work = _Work(self.targets, changed, self.location_specs, self.snap)
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

    def _read_row(self, row: _Row) -> _Target:
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
        return _Target(row=number, cells=cells, values=values, node=-number)

    # -- 2. Duplicates between rows: an error on every row involved

    def _find_duplicates(self) -> None:
        checks = (
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

    def _new_values(self, target: _Target) -> dict[str, Any]:
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

    def _old_values(self, person: _Existing) -> dict[str, Any]:
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

    def _diff(self, target: _Target) -> list[FieldChange]:
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


# --- Writing a plan --------------------------------------------------------------------------------


def _chunks[T](items: list[T], size: int = 500) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Ids:
    """Ids of reference data and of the people created so far, filled in while writing."""

    departments: dict[str, int]
    locations: dict[str, int]
    skills: dict[str, int]  # case-folded name -> id
    created: dict[int, int] = field(default_factory=dict)  # -row -> new person's id

    def person(self, node: int | None) -> int | None:
        return self.created[node] if node is not None and node < 0 else node


def _execute(plan: ImportPlan, work: _Work, *, actor: User) -> dict[str, int]:
    """Write ``plan``. Needs the open transaction in which it was planned."""
    ids = _write_reference_data(plan, work)
    created = _create_people(work, ids)
    updated = _update_people(work, ids)
    _write_skills(work, ids)
    # Deactivation goes through the action that signs people out and revokes their tokens.
    leaving = User.objects.in_bulk([d.person_id for d in plan.deactivations])
    deactivated = do_deactivate_people(actor=actor, people=leaving.values())
    # One signal for the whole file, so communities re-apply their directory rules once.
    send_profiles_changed_on_commit(
        [
            *ids.created.values(),
            *(pk for pk, names in work.changed.items() if RULE_FIELDS & set(names)),
        ]
    )
    return {"created": created, "updated": updated, "deactivated": deactivated}


def _write_reference_data(plan: ImportPlan, work: _Work) -> _Ids:
    snap = work.snapshot
    ids = _Ids(
        departments=dict(snap.departments),
        locations={name: value[0] for name, value in snap.locations.items()},
        skills=dict(snap.skills),
    )
    for name in plan.new_departments:
        ids.departments[name] = get_or_create_department(name).pk
    for name, (country, tz) in sorted(work.location_specs.items()):
        ids.locations[name] = get_or_create_location(name, country=country, tz=tz).pk
    # Skills are matched case-insensitively, as actions.skills_for does, but created in bulk.
    wanted: dict[str, str] = {}
    for target in work.targets:
        for name in target.values.get("skills") or []:
            if name.casefold() not in ids.skills:
                wanted.setdefault(name.casefold(), name)
    for skill in Skill.objects.bulk_create([Skill(name=name) for name in wanted.values()]):
        ids.skills[skill.name.casefold()] = skill.pk
    return ids


def _set_fields(person: User, target: _Target, names: Iterable[str], ids: _Ids) -> None:
    for name in names:
        value = target.values.get(name)
        if name == "department":
            person.department_id = ids.departments[value] if value else None
        elif name == "location":
            person.location_id = ids.locations[value] if value else None
        elif name == "manager":
            person.manager_id = ids.person(target.manager_node)
        elif name == "username":
            person.username = target.username
        elif name == "display_name":
            person.display_name = str(value)
            person.sort_name = User.sort_key(person.display_name)
        elif name != "skills":
            setattr(person, name, value)


def _create_people(work: _Work, ids: _Ids) -> int:
    """Create the new people a layer of the reporting line at a time: managers exist first."""
    new = {t.node: t for t in work.targets if t.existing is None}
    layer_of: dict[int, int] = {}
    for target in new.values():
        chain: list[_Target] = []
        current: _Target | None = target
        while current is not None and current.node not in layer_of:
            chain.append(current)
            current = new.get(current.manager_node or 0)
        level = layer_of[current.node] if current is not None else -1
        for member in reversed(chain):
            level += 1
            layer_of[member.node] = level
    layers: dict[int, list[_Target]] = defaultdict(list)
    for target in new.values():
        layers[layer_of[target.node]].append(target)
    for level in sorted(layers):
        people = []
        for target in layers[level]:
            person = User(role=Role.MEMBER)
            _set_fields(person, target, [*target.values, "username", "manager"], ids)
            # No password: they get an invitation or an access code later. Django's own
            # unusable-password form ("!" + random), made faster than one choice() per letter.
            person.password = (
                UNUSABLE_PASSWORD_PREFIX
                + secrets.token_urlsafe(UNUSABLE_PASSWORD_SUFFIX_LENGTH)[
                    :UNUSABLE_PASSWORD_SUFFIX_LENGTH
                ]
            )
            people.append(person)
        for target, person in zip(layers[level], User.objects.bulk_create(people), strict=True):
            ids.created[target.node] = person.pk
    return len(new)


# Updates that share a value (a reorganisation moves many people to one department or manager)
# are one UPDATE … WHERE id IN (…) each: far cheaper than bulk_update's CASE per row. At most
# this many such statements per import, so the number of queries stays bounded.
GROUP_UPDATE_MIN_ROWS = 20
GROUP_UPDATES_MAX = 30


def _attname(name: str) -> str:
    foreign_keys = {
        "department": "department_id",
        "location": "location_id",
        "manager": "manager_id",
    }
    return foreign_keys.get(name, name)


def _update_people(work: _Work, ids: _Ids) -> int:
    """Write the changed fields of existing people, from the snapshot they were planned on."""
    fields = {name for names in work.changed.values() for name in names} - {"skills"}
    if "display_name" in fields:
        fields.add("sort_name")
    people: list[User] = []
    changed_fields: dict[int, set[str]] = {}
    for target in work.targets:
        if target.existing is None or target.node not in work.changed:
            continue
        current = target.existing
        person = User(
            id=current.id,
            username=current.username,
            email=current.email,
            employee_id=current.employee_id,
            display_name=current.display_name,
            sort_name=User.sort_key(current.display_name),
            title=current.title,
            department_id=current.department_id,
            location_id=current.location_id,
            manager_id=current.manager_id,
            phone=current.phone,
            start_date=current.start_date,
            languages=current.languages,
            pronouns=current.pronouns,
            role=current.role,
        )
        _set_fields(person, target, work.changed[target.node], ids)
        names = set(work.changed[target.node]) - {"skills"}
        changed_fields[current.id] = names | ({"sort_name"} if "display_name" in names else set())
        people.append(person)
    if not people or not fields:
        return len(people)
    groups: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for person in people:
        for name in changed_fields[person.pk]:
            attname = _attname(name)
            value = getattr(person, attname)
            if isinstance(value, str | int | dt.date) or value is None:
                groups[(attname, value)].append(person.pk)
    large = sorted(
        (item for item in groups.items() if len(item[1]) >= GROUP_UPDATE_MIN_ROWS),
        key=lambda item: -len(item[1]),
    )[:GROUP_UPDATES_MAX]
    done: set[tuple[int, str]] = set()
    for (attname, value), pks in large:
        for chunk in _chunks(pks, 5000):
            User.objects.filter(pk__in=chunk).update(**{attname: value})
        done.update((pk, attname) for pk in pks)
    rest_fields: set[str] = set()
    rest: list[User] = []
    for person in people:
        left = {
            name for name in changed_fields[person.pk] if (person.pk, _attname(name)) not in done
        }
        if left:
            rest.append(person)
            rest_fields |= left
    if rest:
        # Every object carries its final value for every field, so writing a field that a
        # group update already wrote for some of them is harmless.
        User.objects.bulk_update(rest, sorted(rest_fields), batch_size=1000)
    return len(people)


def _write_skills(work: _Work, ids: _Ids) -> None:
    """Replace the skills of everyone whose skills the file changes; give the new people theirs."""
    through = User.skills.through
    replaced = {t.node for t in work.targets if "skills" in work.changed.get(t.node, [])}
    for chunk in _chunks(sorted(replaced)):
        through.objects.filter(user_id__in=chunk).delete()
    links = []
    for target in work.targets:
        if target.node in replaced or (target.existing is None and target.values.get("skills")):
            user_id = ids.person(target.node)
            for skill_id in dict.fromkeys(
                ids.skills[n.casefold()] for n in target.values["skills"]
            ):
                links.append(through(user_id=user_id, skill_id=skill_id))
    through.objects.bulk_create(links)
