"""The rules docs/architecture.md states about how the code is laid out, checked on the source:
which app may import which, services that never import tasks, seams instead of dotted paths in
settings, and modules short enough to read in one sitting."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
APPS = ("peernet", "members", "meetings", "cohorts", "staff")
# What each part may import of the others. The root URL configuration mounts every app's pages
# and is the one place of peernet/ that names them.
MAY_USE = {
    "peernet": set(),
    "staff": {"peernet"},
    "members": {"peernet", "staff"},
    "meetings": {"peernet", "staff", "members"},
    "cohorts": {"peernet", "staff", "members"},
}
WIRING = {"peernet/urls.py"}
LONGEST_MODULE = 400


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever the import stands."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_only_the_parts_it_may_use(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted((_imported(path) & set(APPS)) - MAY_USE[app] - {app})
        for path in _modules(app)
        if str(path.relative_to(ROOT)) not in WIRING
    }
    assert {module: names for module, names in wrong.items() if names} == {}


def _imports_tasks(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[-1] == "tasks" or any(a.name == "tasks" for a in node.names):
                return True
        elif isinstance(node, ast.Import) and any(
            a.name.split(".")[-1] == "tasks" for a in node.names
        ):
            return True
    return False


def test_no_service_imports_a_task_module():
    services = [
        path
        for app in APPS
        for path in _modules(app)
        if "services" in path.parts or path.name == "services.py"
    ]
    assert services
    assert [str(p.relative_to(ROOT)) for p in services if _imports_tasks(p)] == []


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)


def test_no_peernet_setting_names_the_projects_own_code():
    dotted = re.compile(r"^(" + "|".join(APPS) + r")\.[A-Za-z_][\w.]*$")
    named = {
        name: value
        for name in dir(settings)
        if name.startswith("PEERNET_")
        for value in _strings(getattr(settings, name))
        if dotted.match(value)
    }
    assert named == {}


def test_modules_are_short_enough_to_read_in_one_sitting():
    long = {
        str(path.relative_to(ROOT)): length
        for app in APPS
        for path in _modules(app)
        if (length := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}
