"""Settings come from the environment: a bad value stops the start with a message naming it.

Each case starts a fresh interpreter (settings are read once per process) with a clean
environment, so the machine's own variables (DATABASE_URL in the PostgreSQL pass) cannot leak in.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from watercooler.people.models import User

GOOD_KEY = "k" * 50


def start_django(tmp_path: Path, *, code: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "watercooler.settings",
        "WATERCOOLER_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": GOOD_KEY,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in clean.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_defaults_start(tmp_path: Path) -> None:
    result = start_django(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"SECURE_COOKIES": "sometimes"}, "SECURE_COOKIES"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"EMAIL_PORT": "abc"}, "EMAIL_PORT"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_SSL"),
        ({"DATABASE_CONN_MAX_AGE": "-1"}, "DATABASE_CONN_MAX_AGE"),
        (
            {"DATABASE_URL": "postgres://u@h/db", "DATABASE_CONN_MAX_AGE": "60"},
            "DATABASE_CONN_MAX_AGE",
        ),
        ({"DATABASE_URL": "postgres://u@h/db", "DATABASE_POOL_MAX_SIZE": "-2"}, "DATABASE_POOL"),
        ({"PHOTO_MAX_BYTES": "12"}, "PHOTO_MAX_BYTES"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"WATERCOOLER_PRODUCTION": "true", "SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"WATERCOOLER_PRODUCTION": "true", "SECRET_KEY": ""}, "SECRET_KEY"),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else value
    ),
)
def test_bad_value_stops_the_start_and_names_the_variable(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = start_django(tmp_path, **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line, result.stderr
    assert named in last_line, result.stderr


def test_postgresql_connections_come_from_a_pool_unless_turned_off(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    pooled = start_django(tmp_path, DATABASE_URL="postgres://u@h/db", code=show)
    assert "'pool': {'min_size': 1, 'max_size': 20" in pooled.stdout, pooled.stderr
    plain = start_django(
        tmp_path,
        DATABASE_URL="postgres://u@h/db",
        DATABASE_POOL_MAX_SIZE="0",
        DATABASE_CONN_MAX_AGE="60",
        code=show,
    )
    assert plain.returncode == 0, plain.stderr
    assert "pool" not in plain.stdout


def test_production_with_a_long_key_starts(tmp_path: Path) -> None:
    result = start_django(tmp_path, WATERCOOLER_PRODUCTION="true", SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    # Production never writes a generated key to disk.
    assert not (tmp_path / "var" / "secret_key").exists()


def test_createsuperuser_noinput_makes_an_administrator(
    db: None, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root-admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root-admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)

    call_command("createsuperuser", interactive=False, verbosity=0)

    admin = User.objects.get(username="root-admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.is_administrator
    assert admin.display_name == "root-admin"
    assert admin.email == "root-admin@example.com"
    assert admin.check_password(password)
