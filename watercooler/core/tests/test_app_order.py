"""The app order, checked: an app imports only ``core`` and the apps before it, nothing imports
the wiring apps (realtime, api, demo), no module hides an import inside a function, and there is
no import cycle between modules.

The order (docs/architecture.md has the picture):

    core → people → communities → feed → announcements, questions, events → notifications
    → search → skills → insights → messaging

Apps of the same rank do not import each other. A later app extends an earlier one through a
registry or a signal (``feed.audiences``, ``feed.home_sections``, ``core.media.register_media``,
the domain signals), never by being imported from below. Tests are exempt: they check how the
apps work together.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import watercooler

PACKAGE = Path(watercooler.__file__).parent

RANK = {
    "core": 0,
    "people": 1,
    "communities": 2,
    "feed": 3,
    "announcements": 4,
    "questions": 4,
    "events": 4,
    "notifications": 5,
    "search": 6,
    "skills": 7,
    "insights": 8,
    "messaging": 9,
}
# They wire the domain apps together (the API, websockets, the demo organisation): they may import
# any domain app, and no domain app may import them.
WIRING = {"realtime", "api", "demo"}
# Type annotations in core name the project's user model (settings.AUTH_USER_MODEL, the people
# app's): an import under ``if TYPE_CHECKING`` that never runs.
TYPE_ONLY_ALLOWED = {"watercooler.people.models"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    line: int
    nested: bool  # inside a function (not AppConfig.ready)
    type_only: bool  # under ``if TYPE_CHECKING:``


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        # Tests and the test kit (``watercooler.testing``) check how the apps work together.
        if "migrations" in parts or "tests" in parts or parts[1:2] == ("testing",):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").exists() or (
        root / relative / "__init__.py"
    ).exists()


def _imports(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))

    def visit(node: ast.AST, nested: bool, type_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            child_nested, child_type_only = nested, type_only
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                # Django's hook for wiring an app once every app is loaded.
                child_nested = nested or not (path.name == "apps.py" and child.name == "ready")
            if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
                child_type_only = True
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    candidate = f"{child.module}.{alias.name}"
                    target = candidate if _is_module(candidate) else child.module
                    yield Import(module, target, child.lineno, child_nested, child_type_only)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, child_nested, child_type_only)
            yield from visit(child, child_nested, child_type_only)

    for found in visit(tree, False, False):
        if found.target.startswith("watercooler."):
            yield found


def _app(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 2 else ""


ALL = [found for module, path in _modules() for found in _imports(module, path)]


def test_every_app_has_a_rank_or_is_wiring() -> None:
    apps = {_app(module) for module, _ in _modules()} - {""}
    assert apps <= RANK.keys() | WIRING, (
        f"Give these apps a place in the order: {apps - RANK.keys() - WIRING}"
    )


def test_apps_import_only_core_and_earlier_apps() -> None:
    wrong = []
    for found in ALL:
        source, target = _app(found.module), _app(found.target)
        if source == target or not source or not target or source in WIRING:
            continue
        if found.type_only and found.target in TYPE_ONLY_ALLOWED:
            continue
        if target in WIRING or RANK[target] >= RANK[source]:
            wrong.append(f"{found.module}:{found.line} imports {found.target}")
    wrong = sorted(set(wrong))
    assert not wrong, "Imports against the app order:\n" + "\n".join(wrong)


def test_no_imports_hidden_inside_functions() -> None:
    hidden = sorted({f"{f.module}:{f.line} imports {f.target}" for f in ALL if f.nested})
    assert not hidden, "Move these imports to the top of the module:\n" + "\n".join(hidden)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for found in ALL:
        if not found.type_only and not found.nested:
            graph.setdefault(found.module, set()).add(found.target)
    cycles = _cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    # Guards the checker itself: a hidden import and a cycle in a made-up module are found.
    source = tmp_path / "mod.py"
    source.write_text("def f() -> None:\n    from watercooler.feed import queries\n")
    [found] = list(_imports("watercooler.core.mod", source))
    assert (found.target, found.nested) == ("watercooler.feed.queries", True)
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
