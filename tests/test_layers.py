"""Imports that layers must not make.

No test module imports another: shared helpers live in helper modules, fixtures in
conftest. releases, the core, imports neither the apps built on it (exchange,
journalists) nor does exchange import journalists. No module of the site outgrows
one subject.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def module_of(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def is_test_module(name):
    """Whether the dotted ``name`` is a test module under tests/ (tests/**/test_*.py)."""
    parts = name.split(".")
    return parts[-1].startswith("test_") and ROOT.joinpath(*parts).with_suffix(".py").is_file()


def imported_modules(source, module):
    """Every module the source may import, relative imports resolved against ``module``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")[:-node.level]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module
            yield base
            # "from tests import test_admin" imports a module by name.
            yield from (f"{base}.{alias.name}" if base else alias.name for alias in node.names)


def test_imports_of_other_test_modules():
    """The check itself finds each form of such an import."""
    source = ("import tests.test_admin\nfrom tests.test_workflow import form_data\n"
              "from .test_csp import LISTEN\nfrom . import test_desk\n"
              "from tests.admin_helpers import release_data\n")
    found = [name for name in imported_modules(source, "tests.browser.test_trips")
             if is_test_module(name)]
    assert found == ["tests.test_admin", "tests.test_workflow", "tests.browser.test_csp",
                     "tests.browser.test_desk"]


def test_no_test_module_imports_another_test_module():
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for name in imported_modules(path.read_text(encoding="utf-8"), module_of(path))
        if is_test_module(name)
    ]
    assert not offences, "\n".join(offences)


def outside_imports(app, forbidden):
    """Each import by a module under ``app``/ of a module of a ``forbidden`` app, as text."""
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(ROOT.joinpath(app).rglob("*.py"))
        if "__pycache__" not in path.parts
        for name in imported_modules(path.read_text(encoding="utf-8"), module_of(path))
        if name.split(".")[0] in forbidden
    ]


def test_imports_of_other_apps():
    """The check itself finds absolute imports, and relative ones that leave the app."""
    source = ("import exchange\nimport journalists.services\n"
              "from exchange.ninjs import to_ninjs\nfrom ...journalists import emails\n"
              "from ... import exchange\nfrom .. import caching\nfrom .models import Release\n"
              "import releases.exchange\n")
    found = {name for name in imported_modules(source, "releases.views.pages")
             if name.split(".")[0] in {"exchange", "journalists"}}
    assert found == {"exchange", "journalists.services", "exchange.ninjs",
                     "exchange.ninjs.to_ninjs", "journalists", "journalists.emails"}


def test_releases_imports_neither_exchange_nor_journalists():
    offences = outside_imports("releases", {"exchange", "journalists"})
    assert not offences, "\n".join(offences)


def test_exchange_does_not_import_journalists():
    offences = outside_imports("exchange", {"journalists"})
    assert not offences, "\n".join(offences)


MAX_MODULE_LINES = 500


def test_no_module_of_the_site_is_over_500_lines():
    """A module that grows past this holds more than one subject: split it by subject."""
    offences = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for app in ("newsroom", "releases", "journalists", "exchange")
        for path in sorted(ROOT.joinpath(app).rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not offences, "\n".join(offences)
