"""The rulebook (rights) is a plain library: no module of it imports Django; its rules test in milliseconds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rights

PACKAGE = Path(rights.__file__).parent
#: The only module of the project's apps the rulebook may use: plain, like the rulebook itself.
ALLOWED_APP_MODULE = "flights.reasons"
APP_PACKAGES = {
    "airline",
    "compensation",
    "events",
    "flights",
    "lodging",
    "notifications",
    "operations",
    "passengers",
    "rebooking",
    "scenarios",
    "vouchers",
}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_no_django_and_no_app_imports(path: Path) -> None:
    for module in imported_modules(path):
        top = module.split(".")[0]
        assert top not in {"django", "rest_framework", "celery"}, module
        assert top not in APP_PACKAGES or module == ALLOWED_APP_MODULE, module


def test_the_rulebook_is_not_a_django_app() -> None:
    assert not (PACKAGE / "apps.py").exists()
    assert not (PACKAGE / "models.py").exists()
