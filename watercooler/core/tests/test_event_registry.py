"""The event registry against docs/events.md and against the code that sends events.

docs/events.md documents each event in a ``###`` section under "Events from the server" whose
heading starts with the type in backticks, with JSON examples whose top-level keys are ``type``
and the event's fields (``, …`` may leave entries out of nested objects). These tests hold the
page, ``core.events.EVENT_TYPES`` and the senders to each other.
"""

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import pytest
from django.conf import settings

from watercooler.core import events
from watercooler.core.events import EVENT_TYPES, Event

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs" / "events.md"
EVENTS_HEADING = "## Events from the server"
# ``, …`` stands for entries an example leaves out; without them an example is plain JSON.
ELIDED = re.compile(r",\s*…")


@dataclasses.dataclass
class Section:
    type: str
    heading: str
    examples: list[dict[str, Any]]


def documented() -> dict[str, Section]:
    """The ``###`` sections of "Events from the server", by the type their heading names."""
    text = DOCS.read_text()
    assert EVENTS_HEADING in text, f"{DOCS.name} has no {EVENTS_HEADING!r} section"
    body = text.split(EVENTS_HEADING, 1)[1]
    body = re.split(r"^## ", body, maxsplit=1, flags=re.M)[0]
    sections: dict[str, Section] = {}
    for chunk in re.split(r"^### ", body, flags=re.M)[1:]:
        heading, _, rest = chunk.partition("\n")
        named = re.match(r"`([a-z_]+(?:\.[a-z_]+)+)`", heading)
        assert named, f"heading {heading!r} must start with the event type in backticks"
        assert named.group(1) not in sections, f"{named.group(1)} is documented twice"
        examples = [
            json.loads(ELIDED.sub("", block))
            for block in re.findall(r"^```json\n(.*?)^```", rest, flags=re.M | re.S)
        ]
        sections[named.group(1)] = Section(named.group(1), heading, examples)
    return sections


def fields_of(cls: type[Event]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_the_page_documents_exactly_the_registered_types() -> None:
    docs = set(documented())
    assert docs - set(EVENT_TYPES) == set(), "documented in docs/events.md but not registered"
    assert set(EVENT_TYPES) - docs == set(), "registered but not documented in docs/events.md"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_example_shows_exactly_the_fields_of_its_type(event_type: str) -> None:
    section = documented()[event_type]
    assert section.examples, f"the {event_type} section needs a JSON example"
    expected = {"type"} | fields_of(EVENT_TYPES[event_type])
    for example in section.examples:
        assert example["type"] == event_type
        assert set(example) == expected, f"an example of {event_type} in docs/events.md"


def test_the_table_names_the_module_of_each_type() -> None:
    """The table at the top of the page: each row's types are defined in the module it links."""
    intro = DOCS.read_text().split(EVENTS_HEADING, 1)[0]
    linked: dict[str, str] = {}
    for row in re.findall(r"^\|(.*)\|\s*$", intro, flags=re.M):
        modules = re.findall(r"\]\(\.\./(watercooler/[\w/]+\.py)\)", row)
        for event_type in re.findall(r"`([a-z_]+(?:\.[a-z_]+)+)`", row):
            if event_type in EVENT_TYPES and modules:
                linked[event_type] = modules[0]
    defined = {t: cls.__module__.replace(".", "/") + ".py" for t, cls in EVENT_TYPES.items()}
    assert linked == defined


def test_the_registry_is_complete_once_django_has_started(tmp_path: Path) -> None:
    """A fresh process that only starts Django has every type registered: no event module is
    left to be imported by chance (by a URL conf, a task or a test) before its type is known."""
    code = (
        "import json, django; django.setup(); "
        "from watercooler.core.events import EVENT_TYPES; print(json.dumps(sorted(EVENT_TYPES)))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "watercooler.settings",
        "WATERCOOLER_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "k" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == sorted(documented())


def event_classes(cls: type[Event] = Event) -> Iterator[type[Event]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from event_classes(sub)


def test_every_event_class_is_the_registered_one_for_its_type() -> None:
    product = [cls for cls in event_classes() if ".tests." not in cls.__module__]
    assert product
    for cls in product:
        assert dataclasses.is_dataclass(cls)
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert EVENT_TYPES.get(cls.type) is cls, cls.__qualname__
        assert cls.__module__.rsplit(".", 1)[-1].endswith("events"), (
            f"{cls.__qualname__} belongs in its app's events.py"
        )


def test_a_type_is_defined_once_and_only_registered_types_are_sent() -> None:
    with mock.patch.dict(EVENT_TYPES):

        @dataclasses.dataclass(frozen=True)
        class Stray(Event):
            type: ClassVar[str] = "stray.thing"

        with pytest.raises(TypeError, match=r"both send 'stray\.thing'"):

            @dataclasses.dataclass(frozen=True)
            class Twin(Event):
                type: ClassVar[str] = "stray.thing"

        del EVENT_TYPES["stray.thing"]
        with mock.patch.object(events, "send_now") as send_now:
            with pytest.raises(TypeError, match="not the registered"):
                events.send_event_now(["user.1"], Stray())
            with pytest.raises(TypeError, match="not the registered"):
                events.send_event(["user.1"], Stray())
        send_now.assert_not_called()


# --- The senders ------------------------------------------------------------------------------


def product_modules() -> Iterator[Path]:
    for top in ("watercooler", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_only_typed_events_are_sent() -> None:
    """Outside tests, events go out through ``send_event``/``send_event_now`` with an event
    object: nothing hands a dict to the wire (``send_now``) but those two, and a class built
    right in the call is a registered one."""
    registered = {cls.__name__ for cls in EVENT_TYPES.values()}
    wire = ROOT / "watercooler" / "core" / "events.py"
    problems: list[str] = []
    for path in product_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "watercooler.core.events"
                and any(alias.name == "send_now" for alias in node.names)
            ):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} imports send_now")
            if not isinstance(node, ast.Call):
                continue
            name = called_name(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "send_now" and path != wire:
                problems.append(f"{where} calls send_now")
            if name in ("send_event", "send_event_now"):
                if len(node.args) != 2 or node.keywords:
                    problems.append(f"{where}: {name}(groups, event) takes two arguments")
                    continue
                event = node.args[1]
                built = called_name(event) if isinstance(event, ast.Call) else None
                if isinstance(event, ast.Dict):
                    problems.append(f"{where} sends a dict")
                elif built and built[0].isupper() and built not in registered:
                    problems.append(f"{where} sends {built}, which is not a registered event")
    assert problems == []
