"""The project's management commands, as an operator first meets them: ``--help``."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

PROJECT_APPS = ("releases", "exchange", "journalists")
COMMANDS = sorted((name, app) for name, app in get_commands().items() if app in PROJECT_APPS)


def test_the_project_has_its_commands():
    names = {name for name, _ in COMMANDS}
    assert {"demo", "seed", "import_releases", "export_releases", "publish_due"} <= names


@pytest.mark.parametrize(("name", "app"), COMMANDS)
def test_help_is_shown(name, app):
    command = load_command_class(app, name)
    with translation.override("de"):
        text = command.create_parser("manage.py", name).format_help()
    assert f"manage.py {name}" in text
    assert "--help" in text


def test_help_is_in_german():
    command = load_command_class("exchange", "import_releases")
    with translation.override("de"):
        text = command.create_parser("manage.py", "import_releases").format_help()
    assert "Importiert Medieninformationen" in text
    assert "Zu importierende Dateien oder Ordner." in text
