"""The HR importer: plans, all-or-nothing application, every kind of error with its row and column."""

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries, Settings

from watercooler.people.actions import do_create_api_token
from watercooler.people.importer import (
    COLUMNS,
    ImportResult,
    ImportRowError,
    do_apply_import,
    plan_import,
)
from watercooler.people.models import ApiToken, Department, Location, Role, Skill, User
from watercooler.testing.world import World, make_person

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "people.csv"


def make_csv(
    header: list[str], rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def db_state() -> dict[str, list[Any]]:
    """Everything an import could change, to compare before and after."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "user_skills": list(User.skills.through.objects.order_by("pk").values()),
        "skills": list(Skill.objects.order_by("pk").values()),
        "departments": list(Department.objects.order_by("pk").values()),
        "locations": list(Location.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values()),
    }


def apply(actor: User, data: bytes, *, deactivate_missing: bool = False) -> ImportResult:
    plan = plan_import(actor=actor, file=data, deactivate_missing=deactivate_missing)
    assert plan.errors == [], [str(e) for e in plan.errors]
    result = do_apply_import(actor=actor, plan=plan)
    assert result.applied
    return result


def errors_of(actor: User, data: bytes, **kwargs: Any) -> list[tuple[int | None, str | None, str]]:
    plan = plan_import(actor=actor, file=data, **kwargs)
    return [(e.row, e.column, e.message) for e in plan.errors]


def give_employee_ids(world: World) -> None:
    for person, employee_id in (
        (world.admin, "E0"),
        (world.owner, "E1"),
        (world.teammate, "E2"),
        (world.outsider, "E3"),
    ):
        person.employee_id = employee_id
        person.save(update_fields=["employee_id"])


# --- Creating and updating ---------------------------------------------------------------------


def test_the_documented_example_creates_everyone(world: World) -> None:
    before = User.objects.count()
    result = apply(world.admin, EXAMPLE.read_bytes())
    assert (result.created, result.updated, result.deactivated) == (5, 0, 0)
    assert User.objects.count() == before + 5

    maria = User.objects.get(employee_id="E1001")
    assert maria.username == "maria"
    assert maria.display_name == "María García"
    assert maria.sort_name == "maría garcía"
    assert maria.role == Role.ADMIN
    assert maria.department is not None
    assert maria.department.name == "Leadership"
    assert maria.location is not None
    assert (maria.location.name, maria.location.country, maria.location.timezone) == (
        "Madrid",
        "Spain",
        "Europe/Madrid",
    )
    assert maria.start_date == dt.date(2015, 2, 1)
    assert sorted(s.name for s in maria.skills.all()) == ["Public speaking", "Strategy"]
    assert maria.languages == ["Spanish", "English"]
    assert maria.pronouns == "she/her"
    assert not maria.has_usable_password()

    sam = User.objects.get(employee_id="E1002")
    assert sam.username == "sam.okafor"  # derived from the email's local part
    assert sam.manager == maria
    assert sam.role == Role.MEMBER
    # London already existed (the world's); the file's country and time zone match it.
    assert sam.location == world.london
    wei = User.objects.get(employee_id="E1004")
    assert wei.username == "chen_wei"  # no email: derived from the name
    assert wei.email == ""
    lena = User.objects.get(employee_id="E1003")
    assert lena.manager == sam
    assert User.objects.get(employee_id="E1005").role == Role.COMMS
    # Skills match existing ones case-insensitively instead of duplicating them.
    assert Skill.objects.filter(name__iexact="python").count() == 1

    # Importing the same file again changes nothing.
    again = plan_import(actor=world.admin, file=EXAMPLE.read_bytes())
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 5)


def test_dry_run_writes_nothing(world: World) -> None:
    before = db_state()
    plan = plan_import(actor=world.admin, file=EXAMPLE.read_bytes(), deactivate_missing=True)
    assert plan.ok
    assert len(plan.creates) == 5
    assert plan.new_departments == ["Communications", "Leadership", "Operations"]
    assert plan.new_locations == ["Madrid"]
    assert db_state() == before


def test_upsert_by_employee_id_reports_each_field(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "title", "department", "skills", "manager_employee_id"],
        [["E1", "Olivia Owner", "Director of Engineering", "Sales", "python;Go", "E0"]],
    )
    plan = plan_import(actor=world.admin, file=data)
    assert plan.ok
    [update] = plan.updates
    assert update.row == 2
    assert update.username == "olivia_owner"
    changes = {c.field: (c.old, c.new) for c in update.changes}
    assert changes == {
        "title": ("Engineering Manager", "Director of Engineering"),
        "department": ("Engineering", "Sales"),
        "skills": ("Kubernetes; Python", "python; Go"),
    }
    do_apply_import(actor=world.admin, plan=plan)
    world.owner.refresh_from_db()
    assert world.owner.title == "Director of Engineering"
    assert world.owner.department == world.sales
    assert sorted(s.name for s in world.owner.skills.all()) == ["Go", "Python"]
    assert world.owner.email == "olivia_owner@example.com"  # no email column: untouched


def test_upsert_by_email_ignores_case_and_sets_the_employee_id(world: World) -> None:
    data = make_csv(
        ["employee_id", "email", "display_name"],
        [["E77", "OLIVIA_OWNER@Example.com", "Olivia O."]],
    )
    result = apply(world.admin, data)
    assert (result.created, result.updated) == (0, 1)
    world.owner.refresh_from_db()
    assert world.owner.employee_id == "E77"
    assert world.owner.email == "OLIVIA_OWNER@Example.com"
    assert (world.owner.display_name, world.owner.sort_name) == ("Olivia O.", "olivia o.")


def test_unchanged_rows_are_counted_not_written(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "title"],
        [
            ["E1", "Olivia Owner", "Engineering Manager"],
            ["E2", "Theo Teammate", "Software Engineer"],
        ],
    )
    plan = plan_import(actor=world.admin, file=data)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 2)
    assert not plan.has_changes


def test_empty_cells_clear_values_but_keep_identity(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "title", "department", "username", "role"],
        [["E1", "Olivia Owner", "", "", "", ""]],
    )
    apply(world.admin, data)
    world.owner.refresh_from_db()
    assert (world.owner.title, world.owner.department) == ("", None)
    assert (world.owner.username, world.owner.role) == ("olivia_owner", Role.MEMBER)


def test_managers_resolve_in_any_row_order_and_from_the_database(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "manager_employee_id"],
        [
            ["N3", "Third Level", "N2"],  # before its manager
            ["N2", "Second Level", "N1"],
            ["N1", "First Level", "E1"],  # someone already here
            ["E3", "Oscar Outsider", "N3"],  # an existing person under a new one
        ],
    )
    apply(world.admin, data)
    first, second, third = (User.objects.get(employee_id=e) for e in ("N1", "N2", "N3"))
    assert first.manager == world.owner
    assert second.manager == first
    assert third.manager == second
    world.outsider.refresh_from_db()
    assert world.outsider.manager == third


def test_usernames_are_derived_uniquely_and_deterministically(world: World) -> None:
    header = ["email", "display_name"]
    rows = [
        ["ana@one.example", "Ana"],
        ["ana@two.example", "Ana Two"],
        ["olivia_owner@elsewhere.example", "Another Olivia"],  # the world's olivia_owner exists
        ["", ""],  # an empty line, skipped
        ["ana3@x.example", "Ana Three"],  # its own base happens to equal a derived name
    ]
    data = make_csv(header, rows)
    first = plan_import(actor=world.admin, file=data)
    assert [c.username for c in first.creates] == ["ana", "ana2", "olivia_owner2", "ana3"]
    second = plan_import(actor=world.admin, file=data)
    assert [c.username for c in second.creates] == [c.username for c in first.creates]
    assert [c.row for c in first.creates] == [2, 3, 4, 6]


def test_a_given_username_is_used_and_may_rename(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "username", "display_name"],
        [["E1", "olivia", "Olivia Owner"], ["N1", "nina", "Nina New"]],
    )
    apply(world.admin, data)
    world.owner.refresh_from_db()
    assert world.owner.username == "olivia"
    assert User.objects.get(employee_id="N1").username == "nina"


def test_location_country_and_time_zone_are_updated(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "location", "country", "timezone"],
        [["E3", "Oscar Outsider", "Berlin", "Deutschland", "Europe/Berlin"]],
    )
    plan = plan_import(actor=world.admin, file=data)
    assert [(c.field, c.old, c.new) for c in plan.location_changes] == [
        ("Berlin: country", "Germany", "Deutschland")
    ]
    assert plan.has_changes
    assert plan.unchanged == 1
    do_apply_import(actor=world.admin, plan=plan)
    world.berlin.refresh_from_db()
    assert world.berlin.country == "Deutschland"


# --- Deactivating people missing from a full import ----------------------------------------------


def test_deactivate_missing_spares_the_importer_superusers_and_people_without_ids(
    world: World,
) -> None:
    give_employee_ids(world)
    boss = make_person("root", is_superuser=True, employee_id="E9")
    _, token = do_create_api_token(user=world.outsider, name="laptop")
    session = SessionStore()
    session["_auth_user_id"] = str(world.outsider.pk)
    session.create()
    data = make_csv(
        ["employee_id", "display_name"], [["E1", "Olivia Owner"], ["E2", "Theo Teammate"]]
    )

    plan = plan_import(actor=world.admin, file=data, deactivate_missing=True)
    # The admin (E0, importing) and the superuser (E9) stay; the guest has no employee id.
    assert [d.username for d in plan.deactivations] == ["oscar_outsider"]
    result = do_apply_import(actor=world.admin, plan=plan)
    assert result.deactivated == 1
    world.outsider.refresh_from_db()
    assert not world.outsider.is_active
    assert not ApiToken.objects.filter(user=world.outsider).exists()  # via do_deactivate_people
    assert not SessionStore().exists(session.session_key or "")
    for person in (world.admin, world.guest, boss, world.owner):
        person.refresh_from_db()
        assert person.is_active
    assert token


def test_without_the_option_no_one_is_deactivated(world: World) -> None:
    give_employee_ids(world)
    plan = plan_import(
        actor=world.admin, file=make_csv(["employee_id", "display_name"], [["E1", "Olivia Owner"]])
    )
    assert plan.deactivations == []


def test_a_manager_who_would_be_deactivated_is_an_error(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "manager_employee_id"], [["N1", "New Person", "E3"]]
    )
    assert errors_of(world.admin, data, deactivate_missing=True) == [
        (
            2,
            "manager_employee_id",
            "The manager E3 (@oscar_outsider) is not in this file and would be deactivated.",
        )
    ]
    assert errors_of(world.admin, data) == []


def test_deactivated_people_in_the_file_stay_deactivated(world: World) -> None:
    give_employee_ids(world)
    world.outsider.is_active = False
    world.outsider.save()
    data = make_csv(["employee_id", "display_name", "title"], [["E3", "Oscar Outsider", "Advisor"]])
    plan = plan_import(actor=world.admin, file=data)
    assert plan.ok
    assert any("stay deactivated" in w for w in plan.warnings)
    do_apply_import(actor=world.admin, plan=plan)
    world.outsider.refresh_from_db()
    assert (world.outsider.title, world.outsider.is_active) == ("Advisor", False)


# --- Encodings and delimiters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (",", True), (";", False), (";", True), ("\t", False)]
)
def test_bom_and_delimiters_are_accepted(world: World, delimiter: str, bom: bool) -> None:
    data = make_csv(
        ["employee_id", "email", "display_name", "skills"],
        [["N1", "zoe@example.com", "Zoë, the first", "Python;Go"]],
        delimiter=delimiter,
        bom=bom,
    )
    apply(world.admin, data)
    zoe = User.objects.get(employee_id="N1")
    assert (zoe.username, zoe.display_name) == ("zoe", "Zoë, the first")
    assert sorted(s.name for s in zoe.skills.all()) == ["Go", "Python"]


def test_utf16_unicode_text_from_excel(world: World) -> None:
    text = "employee_id\tdisplay_name\r\nN1\tŁukasz Nowak\r\n"
    apply(world.admin, b"\xff\xfe" + text.encode("utf-16-le"))
    assert User.objects.get(employee_id="N1").username == "lukasz_nowak"


def test_header_names_are_forgiving_and_unknown_columns_are_noted(world: World) -> None:
    data = make_csv(["Employee ID", " Display-Name ", "Cost centre"], [["N1", "Nina", "CC-1"]])
    plan = plan_import(actor=world.admin, file=data)
    assert plan.ok
    assert len(plan.creates) == 1
    assert plan.warnings == ["The column “Cost centre” is not recognised and was ignored."]


# --- Errors: every one, with its row and column ---------------------------------------------------

HEADER = ["employee_id", "email", "username", "display_name", "start_date", "role", "skills"]


def row(**values: str) -> list[str]:
    defaults = {"employee_id": "N1", "display_name": "Nina New"}
    return [{**defaults, **values}.get(column, "") for column in HEADER]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([row(email="not-an-email")], (2, "email", "Enter a valid email address.")),
        ([row(display_name="")], (2, "display_name", "This field is required.")),
        (
            [row(employee_id="")],
            (2, "employee_id", "Give an employee id or an email address for this person."),
        ),
        ([row(start_date="31/03/2024")], (2, "start_date", "Must be a date like 2024-03-31.")),
        ([row(role="boss")], (2, "role", "Must be one of: admin, comms, member, guest.")),
        ([row(username="no spaces")], (2, "username", "Enter a valid username.")),
        ([row(username="olivia_owner")], (2, "username", "This username is taken.")),
        ([row(username="OLIVIA_OWNER")], (2, "username", "This username is taken.")),
        ([row(skills=";".join(f"s{i}" for i in range(31)))], (2, "skills", "At most 30 skills.")),
        ([row(skills="x" * 61)], (2, "skills", "is longer than 60 characters")),
        ([row(employee_id="E" * 65)], (2, "employee_id", "at most 64 characters")),
        ([row(display_name="x" * 151)], (2, "display_name", "At most 150 characters")),
        (
            [row(), [*row(employee_id="N2"), "extra"]],
            (3, None, "has 8 values but the header has 7"),
        ),
    ],
)
def test_row_errors(
    world: World, rows: list[list[str]], expected: tuple[int, str | None, str]
) -> None:
    before = db_state()
    errors = errors_of(world.admin, make_csv(HEADER, rows))
    assert len(errors) == 1, errors
    (number, column, message) = errors[0]
    assert (number, column) == expected[:2]
    assert expected[2] in message
    assert db_state() == before


def test_all_errors_are_collected_not_just_the_first(world: World) -> None:
    data = make_csv(
        HEADER,
        [
            row(employee_id="N1"),
            row(employee_id="N2", email="bad", start_date="tomorrow"),
            row(employee_id="N3"),
            row(employee_id="N4", role="king", display_name=""),
        ],
    )
    errors = errors_of(world.admin, data)
    assert [(r, c) for r, c, _ in errors] == [
        (3, "email"),
        (3, "start_date"),
        (5, "display_name"),
        (5, "role"),
    ]
    assert str(ImportRowError(3, "email", "Enter a valid email address.")) == (
        "row 3, column email: Enter a valid email address."
    )


def test_duplicates_within_the_file_are_errors_on_both_rows(world: World) -> None:
    data = make_csv(
        HEADER,
        [
            row(employee_id="N1", email="a@example.com", username="a"),
            row(employee_id="N1", email="b@example.com", username="b"),
            row(employee_id="N3", email="A@EXAMPLE.com", username="c"),
            row(employee_id="N4", email="d@example.com", username="C"),
        ],
    )
    errors = errors_of(world.admin, data)
    assert [(r, c, m) for r, c, m in errors] == [
        (2, "employee_id", "The same employee id is also on row 3."),
        (2, "email", "The same email address is also on row 4."),
        (3, "employee_id", "The same employee id is also on row 2."),
        (4, "email", "The same email address is also on row 2."),
        (4, "username", "The same username is also on row 5."),
        (5, "username", "The same username is also on row 4."),
    ]


def test_two_rows_about_the_same_person(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "email", "display_name"],
        [["E1", "", "Olivia"], ["", "olivia_owner@example.com", "Olivia again"]],
    )
    assert errors_of(world.admin, data) == [
        (2, None, "This row and row 3 are both about @olivia_owner."),
        (3, None, "This row and row 2 are both about @olivia_owner."),
    ]


def test_an_email_that_belongs_to_someone_else(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "email", "display_name"], [["E1", "Oscar_Outsider@example.com", "Olivia"]]
    )
    assert errors_of(world.admin, data) == [
        (2, "email", "Another person (@oscar_outsider) already has this email address.")
    ]


def test_an_email_of_someone_with_another_employee_id(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "email", "display_name"], [["N1", "olivia_owner@example.com", "X"]]
    )
    assert errors_of(world.admin, data) == [
        (
            2,
            "email",
            "This email address belongs to @olivia_owner, whose employee id is E1, not N1.",
        )
    ]


def test_location_errors(world: World) -> None:
    data = make_csv(
        ["employee_id", "display_name", "location", "country", "timezone"],
        [
            ["N1", "A", "Atlantis", "", "Atlantis/Capital"],
            ["N2", "B", "", "France", ""],
            ["N3", "C", "Paris", "France", "Europe/Paris"],
            ["N4", "D", "Paris", "France", "Europe/Berlin"],
        ],
    )
    assert errors_of(world.admin, data) == [
        (
            2,
            "timezone",
            "'Atlantis/Capital' is not a known time zone (use a name like Europe/Paris).",
        ),
        (3, "country", "A country belongs to a location: fill in the location too."),
        (
            5,
            "timezone",
            "Row 4 gives the location Paris the time zone Europe/Paris; this row gives Europe/Berlin.",
        ),
    ]


def test_manager_errors(world: World) -> None:
    give_employee_ids(world)
    world.outsider.is_active = False
    world.outsider.save()
    data = make_csv(
        ["employee_id", "display_name", "manager_employee_id"],
        [["N1", "A", "E404"], ["N2", "B", "E3"], ["N3", "C", "N3"]],
    )
    assert errors_of(world.admin, data) == [
        (
            2,
            "manager_employee_id",
            "No one has the employee id E404, in this file or already here.",
        ),
        (3, "manager_employee_id", "The manager E3 (@oscar_outsider) is deactivated."),
        (4, "manager_employee_id", "That would make a loop in the reporting line: @c → @c."),
    ]


def test_manager_loops_within_the_file(world: World) -> None:
    data = make_csv(
        ["employee_id", "display_name", "manager_employee_id"],
        [["N1", "Ann", "N2"], ["N2", "Bob", "N3"], ["N3", "Cy", "N1"], ["N4", "Di", "N1"]],
    )
    errors = errors_of(world.admin, data)
    assert [(r, c) for r, c, _ in errors] == [
        (2, "manager_employee_id"),
        (3, "manager_employee_id"),
        (4, "manager_employee_id"),
    ]
    assert errors[0][2] == "That would make a loop in the reporting line: @ann → @bob → @cy → @ann."


def test_manager_loops_through_people_already_here(world: World) -> None:
    # In the database: teammate → owner → admin. The file makes the admin report to the teammate.
    give_employee_ids(world)
    data = make_csv(
        ["employee_id", "display_name", "manager_employee_id"], [["E0", "Ada Admin", "E2"]]
    )
    errors = errors_of(world.admin, data)
    assert [(r, c) for r, c, _ in errors] == [(2, "manager_employee_id")]
    assert "loop in the reporting line" in errors[0][2]
    assert "@ada_admin" in errors[0][2]
    assert "@theo_teammate" in errors[0][2]


def test_the_importing_admin_cannot_remove_their_own_admin_role(world: World) -> None:
    give_employee_ids(world)
    data = make_csv(["employee_id", "display_name", "role"], [["E0", "Ada Admin", "member"]])
    assert errors_of(world.admin, data) == [
        (2, "role", "You cannot remove your own administrator role; ask another administrator.")
    ]


def test_only_a_superuser_imports_a_new_email_for_a_superuser(world: World) -> None:
    # The profile editor's rule: otherwise an administrator could send the superuser's
    # password reset to an address of their own.
    root = make_person("root", is_superuser=True, employee_id="E9")
    data = make_csv(["employee_id", "display_name", "email"], [["E9", "Root", "ada@evil.example"]])
    assert errors_of(world.admin, data) == [
        (2, "email", "Only a superuser can change how a superuser signs in.")
    ]
    same = make_csv(["employee_id", "display_name", "email"], [["E9", "Root", root.email]])
    assert errors_of(world.admin, same) == []
    apply(make_person("root2", is_superuser=True), data)
    root.refresh_from_db()
    assert root.email == "ada@evil.example"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n \r\n", "The file is empty."),
        (b"employee_id,display_name\r\n", "The file has a header row but no people in it."),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "This is not a CSV file: it contains binary data.",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00", "This looks like an Excel or OpenDocument workbook"),
        ("employee_id,display_name\nN1,Zoë".encode("latin-1"), "The file is not UTF-8 text"),
    ],
)
def test_file_errors(world: World, data: bytes, message: str) -> None:
    errors = errors_of(world.admin, data)
    assert len(errors) == 1
    assert errors[0][:2] == (None, None)
    assert errors[0][2].startswith(message)


def test_missing_required_columns_is_one_clear_error(world: World) -> None:
    errors = errors_of(world.admin, make_csv(["name", "mail"], [["Nina", "n@example.com"]]))
    assert len(errors) == 1
    number, column, message = errors[0]
    assert (number, column) == (1, None)
    assert "must name the columns display_name and employee_id or email" in message
    assert "missing: display_name, employee_id or email; found: name, mail" in message


def test_a_column_twice_in_the_header(world: World) -> None:
    errors = errors_of(world.admin, b"employee_id,display_name,Email,email\r\nN1,N,a@b.c,d@e.f\r\n")
    assert errors == [(1, "email", "This column appears twice in the header row.")]


def test_a_file_larger_than_the_limit(world: World, settings: Settings) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    data = make_csv(["employee_id", "display_name"], [[f"N{i}", "Person"] for i in range(200)])
    assert len(data) > 1024
    errors = errors_of(world.admin, data)
    assert len(errors) == 1
    assert errors[0][2].startswith("The file is larger than")
    with io.BytesIO(data) as file:
        assert errors_of(world.admin, file)[0][2].startswith("The file is larger than")  # type: ignore[arg-type]


# --- All or nothing, permissions ---------------------------------------------------------------------


def test_one_bad_row_means_nothing_changes(world: World) -> None:
    give_employee_ids(world)
    before = db_state()
    data = make_csv(
        ["employee_id", "email", "display_name", "department", "location", "timezone", "skills"],
        [
            ["N1", "n1@example.com", "New One", "Brand New Dept", "Oslo", "Europe/Oslo", "Rust"],
            ["E1", "", "Olivia Renamed", "Sales", "", "", ""],
            ["N2", "broken", "New Two", "", "", "", ""],
        ],
    )
    plan = plan_import(actor=world.admin, file=data, deactivate_missing=True)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "email")]
    assert plan.creates == []
    assert plan.updates == []
    assert plan.deactivations == []
    result = do_apply_import(actor=world.admin, plan=plan)
    assert not result.applied
    assert db_state() == before


def test_apply_replans_and_respects_changes_made_meanwhile(world: World) -> None:
    data = make_csv(["employee_id", "username", "display_name"], [["N1", "nina", "Nina"]])
    plan = plan_import(actor=world.admin, file=data)
    assert plan.ok
    make_person("nina")  # someone took the username after the preview
    before = db_state()
    result = do_apply_import(actor=world.admin, plan=plan)
    assert not result.applied
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "username", "This username is taken.")
    ]
    assert db_state() == before


def test_only_administrators_can_import(world: World) -> None:
    data = make_csv(["employee_id", "display_name"], [["N1", "Nina"]])
    for person in (world.owner, world.outsider, world.guest):
        with pytest.raises(PermissionDenied):
            plan_import(actor=person, file=data)
    plan = plan_import(actor=world.admin, file=data)
    with pytest.raises(PermissionDenied):
        do_apply_import(actor=world.owner, plan=plan)
    assert not User.objects.filter(employee_id="N1").exists()


# --- Scale ----------------------------------------------------------------------------------------


def big_file(count: int, *, title: str = "Engineer") -> bytes:
    # Two departments and two locations exist in the world; the others are created.
    departments = ["Engineering", "Sales", "Support", "Finance", "Legal", "Marketing"]
    locations = [
        ("London", "Europe/London"),
        ("Berlin", "Europe/Berlin"),
        ("Tokyo", "Asia/Tokyo"),
        ("New York", "America/New_York"),
    ]
    skills = ["Python", "Go", "SQL", "Design", "Sales", "Support", "Writing", "Rust", "Excel"]
    rows = []
    for i in range(count):
        # A tree: person i reports to person (i - 1) // 8, so the org is a few levels deep.
        manager = f"P{(i - 1) // 8:05d}" if i else ""
        location, tz = locations[i % len(locations)]
        rows.append(
            [
                f"P{i:05d}",
                f"person{i}@corp.example",
                f"Person {i:05d}",
                title if i else "CEO",
                departments[i % len(departments)],
                location,
                tz,
                manager,
                f"2020-01-{1 + i % 28:02d}",
                ";".join(skills[i % 9 : i % 9 + 3]),
                "English;French",
                "member",
            ]
        )
    return make_csv(
        [
            "employee_id",
            "email",
            "display_name",
            "title",
            "department",
            "location",
            "timezone",
            "manager_employee_id",
            "start_date",
            "skills",
            "languages",
            "role",
        ],
        rows,
    )


def test_ten_thousand_rows_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Speed itself is a benchmark concern; here the query count proves there is no per-row work.
    data = big_file(10_000)
    with django_assert_max_num_queries(60):
        plan = plan_import(actor=world.admin, file=data)
        result = do_apply_import(actor=world.admin, plan=plan)
    assert result.applied
    assert result.created == 10_000
    assert User.objects.filter(employee_id__startswith="P").count() == 10_000
    boss = User.objects.get(employee_id="P00000")
    assert (
        User.objects.get(employee_id="P00009").manager_id
        == User.objects.get(employee_id="P00001").pk
    )
    assert User.objects.get(employee_id="P00001").manager_id == boss.pk
    assert User.skills.through.objects.filter(user__employee_id__startswith="P").count() > 25_000

    # A second run that changes everyone's title, and deactivates the one person not in it.
    make_person("leaver", employee_id="X1")
    with django_assert_max_num_queries(60):
        plan = plan_import(
            actor=world.admin,
            file=big_file(10_000, title="Senior Engineer"),
            deactivate_missing=True,
        )
        result = do_apply_import(actor=world.admin, plan=plan)
    assert (result.created, result.updated, result.deactivated) == (0, 9_999, 1)
    assert User.objects.filter(title="Senior Engineer").count() == 9_999


# --- Whatever the file, the importer answers with errors, never an exception ----------------------

CSV_CELL = st.one_of(
    st.text(st.sampled_from(list("abcXYZ019 ,;\"'\r\n\t@.-_/é€\x00\ufeff")), max_size=12),
    st.sampled_from(COLUMNS),
    st.sampled_from(["N1", "N2", "E1", "a@example.com", "2024-02-30", "admin", "Europe/Paris"]),
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600))
def test_random_bytes_never_raise(world: World, data: bytes) -> None:
    plan = plan_import(actor=world.admin, file=data)
    assert plan.errors or plan.rows


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8),
    body=st.lists(CSV_CELL, max_size=40),
    delimiter=st.sampled_from([",", ";"]),
)
def test_random_csv_text_never_raises(
    world: World, header: list[str], body: list[str], delimiter: str
) -> None:
    text = delimiter.join(header) + "\r\n" + delimiter.join(body)
    before = User.objects.count()
    plan = plan_import(actor=world.admin, file=text.encode("utf-8", errors="surrogatepass"))
    for error in plan.errors:
        assert error.message
        assert error.row is None or error.row >= 1
    if plan.ok and plan.has_changes:
        result = do_apply_import(actor=world.admin, plan=plan)
        assert result.applied
    assert User.objects.count() >= before
