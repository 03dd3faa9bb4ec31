"""The shape of the outbox's services package: tasks call services and services start tasks by
name, so no service module imports a task module; imports stand at the top; and no function
rebinds a module global, since the state a process keeps lives on ``this_process``."""

import ast
from pathlib import Path

import pytest

from peernet.outbox import services

pytestmark = [pytest.mark.unit]

MODULES = sorted(Path(services.__file__).parent.glob("*.py"))


def _nodes(kind):
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, kind):
                yield path.name, node


def test_no_service_module_imports_a_task_module():
    imported = [
        (name, node.lineno)
        for name, node in _nodes((ast.Import, ast.ImportFrom))
        if any(
            "tasks" in dotted.split(".")
            for dotted in [getattr(node, "module", None) or ""]
            + [alias.name for alias in node.names]
        )
    ]
    assert imported == []


def test_service_modules_import_at_the_top_only():
    nested = [
        (name, node.lineno)
        for name, node in _nodes((ast.Import, ast.ImportFrom))
        if node.col_offset > 0
    ]
    assert nested == []


def test_no_function_rebinds_a_module_global():
    assert [(name, node.lineno) for name, node in _nodes(ast.Global)] == []
