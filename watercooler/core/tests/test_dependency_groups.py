"""The three dependency locks (requirements/runtime.txt, test.txt and bench.txt), read as text.

Production installs runtime.txt alone, so no test or benchmark tool may be in it. ``make test``
and ``make bench`` each install one lock into a venv that may already hold another (``make run``
installs runtime.txt into the same one), so the locks must agree on every version they share, and
each must hold the whole runtime. ``make lock`` writes all three from pyproject.toml.
"""

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCKS = ("runtime", "test", "bench")
# Requirements of the test and bench groups that the runtime needs as well: uvicorn[standard]
# serves websockets with it, the tests and the benchmarks are its clients; pywebpush (web push)
# sends with aiohttp, which the publish benchmark uses as its client too.
SHARED_WITH_RUNTIME = frozenset({"websockets", "aiohttp"})
# What the groups' own requirements pull in that has no business on a production host either:
# locust's web UI (flask), its gevent workers and their HTTP client, its worker transport.
PULLED_IN = frozenset({"gevent", "geventhttpclient", "flask", "flask-cors", "flask-login", "pyzmq"})
# The parsing below must find these in the test lock; a test that read nothing would pass.
KNOWN_TOOLS = frozenset({"pytest", "locust", "gevent", "flask", "playwright", "hypothesis", "mypy"})

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass
class Pin:
    version: str
    hashes: int = 0


@dataclass
class Lock:
    name: str
    pins: dict[str, Pin] = field(default_factory=dict)


def normalize(name: str) -> str:
    """A project name as PEP 503 compares them (Django, django and DJANGO are one project)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(name: str) -> Lock:
    """requirements/<name>.txt: each pin's version and how many hashes it carries."""
    lock = Lock(name)
    current: Pin | None = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        if match := PIN.match(line):
            current = Pin(match.group(2))
            lock.pins[normalize(match.group(1))] = current
        elif not line.startswith(" "):
            current = None  # a comment at the margin: no pin continues past it
        if current is not None:
            current.hashes += len(HASH.findall(line))
    return lock


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def requirement_names(requirements: list[Any], groups: dict[str, list[Any]]) -> set[str]:
    """The project names in a list of requirements, with those of the groups it includes
    (PEP 735's ``{include-group = "..."}``)."""
    names = set()
    for requirement in requirements:
        if isinstance(requirement, dict):
            names |= requirement_names(groups[requirement["include-group"]], groups)
        elif match := REQUIREMENT_NAME.match(requirement):
            names.add(normalize(match.group(1)))
    return names


def direct_requirements() -> dict[str, set[str]]:
    """What each lock was compiled from: the runtime's requirements, and each group's."""
    data = pyproject()
    groups: dict[str, list[Any]] = data["dependency-groups"]
    return {"runtime": requirement_names(data["project"]["dependencies"], groups)} | {
        name: requirement_names(groups[name], groups) for name in ("test", "bench")
    }


def test_the_locks_are_read() -> None:
    locks = {name: read_lock(name) for name in LOCKS}
    for lock in locks.values():
        assert lock.pins, f"no pin read from requirements/{lock.name}.txt"
    missing = KNOWN_TOOLS - locks["test"].pins.keys()
    assert not missing, f"requirements/test.txt has no {sorted(missing)}: is the parsing right?"
    assert "django" in locks["runtime"].pins


def test_runtime_lock_holds_no_test_or_bench_package() -> None:
    requirements = direct_requirements()
    forbidden = (requirements["test"] | requirements["bench"] | PULLED_IN) - SHARED_WITH_RUNTIME
    assert not KNOWN_TOOLS - forbidden, "a known tool is no longer counted as test- or bench-only"
    found = sorted(forbidden & read_lock("runtime").pins.keys())
    assert not found, (
        f"requirements/runtime.txt, which production installs, holds {found}: a runtime "
        "requirement (pyproject.toml's dependencies) brings them in, or the lock was not written "
        "by make lock"
    )


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(LOCKS, 2)))
def test_locks_agree_on_every_shared_version(first: str, second: str) -> None:
    one, other = read_lock(first), read_lock(second)
    disagree = {
        name: (pin.version, other.pins[name].version)
        for name, pin in one.pins.items()
        if name in other.pins and pin.version != other.pins[name].version
    }
    assert not disagree, f"{first}.txt and {second}.txt pin different versions: {disagree}"


@pytest.mark.parametrize("name", ["test", "bench"])
def test_each_lock_holds_the_whole_runtime(name: str) -> None:
    missing = sorted(read_lock("runtime").pins.keys() - read_lock(name).pins.keys())
    assert not missing, f"requirements/{name}.txt lacks runtime packages: {missing}"


@pytest.mark.parametrize("name", LOCKS)
def test_every_pin_is_hash_checked(name: str) -> None:
    # The Makefile installs with --require-hashes, which refuses a lock with one unhashed pin.
    unhashed = sorted(pkg for pkg, pin in read_lock(name).pins.items() if not pin.hashes)
    assert not unhashed, f"requirements/{name}.txt pins without a hash: {unhashed}"


@pytest.mark.parametrize("name", LOCKS)
def test_each_lock_holds_its_groups_requirements(name: str) -> None:
    # A requirement added to pyproject.toml without `make lock` afterwards.
    requirements = direct_requirements()
    wanted = requirements["runtime"] | requirements[name]
    missing = sorted(wanted - read_lock(name).pins.keys())
    assert not missing, f"requirements/{name}.txt lacks {missing}: run make lock"
