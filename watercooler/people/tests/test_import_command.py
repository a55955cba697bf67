"""``manage.py import_people``: the importer from the command line."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from watercooler.people.models import Role, User
from watercooler.people.tests.test_import import EXAMPLE, db_state, give_employee_ids
from watercooler.testing.world import World, make_person


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        "employee_id,email,display_name,start_date\n"
        "N1,n1@example.com,Good Row,2024-01-01\n"
        "N2,not-an-email,Bad Row,2024-13-01\n"
        "N3,n3@example.com,,\n",
        encoding="utf-8",
    )
    return path


def test_dry_run_shows_the_plan_and_changes_nothing(world: World) -> None:
    before = db_state()
    out, err = run(str(EXAMPLE), "--dry-run")
    assert "Plan for 5 rows: 5 to create, 0 to update, 0 unchanged, 0 to deactivate." in out
    assert "New departments: Communications, Leadership, Operations" in out
    assert "Dry run: nothing was changed." in out
    assert err == ""
    assert db_state() == before


def test_apply_imports_and_lists_changes_when_verbose(world: World) -> None:
    out, _ = run(str(EXAMPLE), "-v", "2")
    assert "create row 2: @maria María García" in out
    assert "Imported: 5 created, 0 updated, 0 unchanged, 0 deactivated." in out
    assert User.objects.get(employee_id="E1003").manager == User.objects.get(employee_id="E1002")
    out, _ = run(str(EXAMPLE))
    assert "Imported: 0 created, 0 updated, 5 unchanged, 0 deactivated." in out


def test_errors_are_printed_one_per_line_and_nothing_changes(world: World, bad_file: Path) -> None:
    before = db_state()
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^3 errors: nothing will be changed\.$"):
        call_command("import_people", str(bad_file), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "row 3, column email: Enter a valid email address.",
        "row 3, column start_date: Must be a date like 2024-03-31.",
        "row 4, column display_name: This field is required.",
    ]
    assert db_state() == before


def test_errors_exit_with_a_non_zero_status(
    world: World, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = load_command_class("watercooler.people", "import_people")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "import_people", str(bad_file), "--dry-run"])
    assert exit_info.value.code == 1
    assert "row 3, column email: Enter a valid email address." in capsys.readouterr().err


def test_deactivate_missing(world: World, tmp_path: Path) -> None:
    give_employee_ids(world)
    path = tmp_path / "full.csv"
    path.write_text("employee_id;display_name\nE1;Olivia Owner\nE2;Theo Teammate\n")
    out, _ = run(str(path), "--deactivate-missing", "--as", "ada_admin", "-v", "2")
    assert "deactivate @oscar_outsider (E3)" in out
    assert "Imported: 0 created, 0 updated, 2 unchanged, 1 deactivated." in out
    world.outsider.refresh_from_db()
    world.admin.refresh_from_db()
    assert not world.outsider.is_active
    assert world.admin.is_active  # the importer is never deactivated


def test_the_default_actor_is_the_first_superuser(world: World, tmp_path: Path) -> None:
    give_employee_ids(world)
    make_person("root", is_superuser=True, employee_id="R1")
    path = tmp_path / "one.csv"
    path.write_text("employee_id,display_name\nR1,Root\n")
    out, _ = run(str(path), "--deactivate-missing", "--dry-run")
    # Run as root: root is spared, the administrator ada (E0), not in the file, would go.
    assert "1 unchanged, 4 to deactivate" in out


def test_as_must_name_an_active_administrator(world: World) -> None:
    with pytest.raises(CommandError, match="No person has the username 'nobody'"):
        run(str(EXAMPLE), "--as", "nobody")
    with pytest.raises(CommandError, match="olivia_owner is not an active administrator"):
        run(str(EXAMPLE), "--as", "olivia_owner")


@pytest.mark.django_db
def test_without_any_administrator_there_is_a_clear_error() -> None:
    make_person("only_member", role=Role.MEMBER)
    with pytest.raises(CommandError, match="There is no administrator to record"):
        run(str(EXAMPLE))


def test_an_unreadable_file(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"))
