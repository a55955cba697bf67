"""The demo app sits on top of every other app: it is installed last and nothing imports it."""

import ast
from pathlib import Path

from django.conf import settings

PROJECT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_other_app_imports_the_demo() -> None:
    offenders = [
        str(path.relative_to(PROJECT.parent))
        for path in sorted(PROJECT.rglob("*.py"))
        if PROJECT / "demo" not in path.parents
        and any(
            name == "watercooler.demo" or name.startswith("watercooler.demo.")
            for name in _imported_modules(path)
        )
    ]
    assert offenders == []


def test_the_demo_is_the_last_app() -> None:
    ours = [app for app in settings.INSTALLED_APPS if app.startswith("watercooler.")]
    assert ours[-1] == "watercooler.demo"
