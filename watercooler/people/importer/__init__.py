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

Here are the entry points (and the uploads the admin pages keep between preview and apply);
``parsing`` reads the file, ``planning`` checks its rows against ``plan.Snapshot`` into a
``plan.ImportPlan``, and ``writing`` applies one.
"""

import datetime as dt
import re
import uuid

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from watercooler.people.actions import check_is_administrator
from watercooler.people.importer.parsing import (
    COLUMNS,
    ImportFile,
    ImportRowError,
    ParsedFile,
    parse_import_file,
    read_limited,
)
from watercooler.people.importer.plan import ImportPlan, ImportResult, take_snapshot
from watercooler.people.importer.planning import make_plan
from watercooler.people.importer.writing import execute
from watercooler.people.models import User

__all__ = [
    "COLUMNS",
    "ImportFile",
    "ImportPlan",
    "ImportResult",
    "ImportRowError",
    "apply_upload",
    "do_apply_import",
    "plan_import",
    "preview_upload",
]

UPLOAD_FOLDER = "imports"
UPLOAD_MAX_AGE = dt.timedelta(hours=24)
_UPLOAD_SALT = "watercooler.people.importer.upload"


# --- Public API -------------------------------------------------------------------------------------


def plan_import(*, actor: User, file: ImportFile, deactivate_missing: bool = False) -> ImportPlan:
    """Read ``file`` (bytes or a binary file) and compare it with the database; write nothing.

    Raises PermissionDenied unless ``actor`` is an administrator. Every problem with the file is
    in ``plan.errors``; no content of any file makes this raise anything else.
    """
    check_is_administrator(actor)
    data, error = read_limited(file)
    parsed = ParsedFile(columns=(), rows=[], errors=[error] if error else [])
    if data is not None:
        parsed = parse_import_file(data)
    return make_plan(parsed, actor=actor, deactivate_missing=deactivate_missing)


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
        snapshot = take_snapshot()
        fresh = plan
        if plan._work is None or plan._actor_id != actor.pk or plan._work.snapshot != snapshot:
            fresh = make_plan(
                plan._parsed,
                actor=actor,
                deactivate_missing=plan.deactivate_missing,
                snapshot=snapshot,
            )
        if fresh.errors or fresh._work is None:
            return ImportResult(applied=False, plan=fresh)
        counts = execute(fresh, fresh._work, actor=actor)
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
    data, error = read_limited(file)
    if data is None:
        parsed = ParsedFile(columns=(), rows=[], errors=[error] if error else [])
        return make_plan(parsed, actor=actor, deactivate_missing=deactivate_missing), None
    plan = make_plan(parse_import_file(data), actor=actor, deactivate_missing=deactivate_missing)
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
    plan = make_plan(
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
