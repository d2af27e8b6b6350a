"""The project's management commands, as an operator first meets them: ``--help``."""

import socket

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
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


@pytest.mark.parametrize(("app", "name", "words"), [
    ("journalists", "send_alerts", "Jede Minute ausführen."),
    ("releases", "publish_due", "Jede Minute"),
])
def test_the_timers_commands_say_what_they_do_in_german(app, name, words):
    with translation.override("de"):
        text = load_command_class(app, name).create_parser("manage.py", name).format_help()
    assert words in " ".join(text.split())


def test_an_export_to_a_folder_that_does_not_exist_is_a_clear_error(db, tmp_path):
    with translation.override("de"), pytest.raises(CommandError, match="kann nicht geschrieben"):
        call_command("export_releases", "--output", str(tmp_path / "fehlt" / "x.jsonl"))


def test_demo_on_a_taken_port_stops_before_it_changes_anything(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with translation.override("de"), pytest.raises(CommandError, match="belegt"):
            call_command("demo", "--port", str(port))
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
