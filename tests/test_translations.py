"""The German catalogues: complete, consistent with their compiled .mo, and in use on the site.

The msgids are English; German is the default language. releases/locale holds the
strings of releases, journalists and the templates, exchange/locale those of
exchange (settings.LOCALE_PATHS). The catalogues are refreshed with ``python
manage.py makemessages -l de --ignore=.venv`` and compiled with ``python manage.py
compilemessages``.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

# Each app's catalogue and the least number of messages it holds.
CATALOGUES = {"releases": 300, "exchange": 100}

PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[A-Za-z_][\w.]*\}")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)")


def parse_po(text):
    """The entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr and flags.

    Obsolete entries (``#~``) are left out, as msgfmt leaves them out of the .mo.
    """
    entries, entry, field = [], None, None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if entry is not None and entry["msgid"] is not None:
                entries.append(entry)
            entry = field = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {},
                     "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            index = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if index:
                field = int(index.group(1) or 0)
                entry["msgstr"][field] = value
            else:
                field = keyword
                entry[field] = value
    return entries


def catalogue_file(app, suffix):
    return Path(settings.BASE_DIR) / app / "locale" / "de" / "LC_MESSAGES" / f"django.{suffix}"


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def app(request):
    """The app whose German catalogue is tested."""
    return request.param


@pytest.fixture(scope="module")
def entries(app):
    return parse_po(catalogue_file(app, "po").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries):
    """Every entry but the header."""
    return [entry for entry in entries if entry["msgid"]]


def header_fields(header):
    return {line for line in header.splitlines() if not line.startswith("POT-Creation-Date:")}


def label(entry):
    return f"{entry['msgctxt']}|{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


class TestCatalogue:
    def test_header_says_german_with_two_plural_forms(self, entries):
        header = entries[0]
        assert header["msgid"] == ""
        assert "fuzzy" not in header["flags"]
        assert "Language: de\n" in header["msgstr"][0]
        assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"][0]
        assert "charset=UTF-8" in header["msgstr"][0]

    def test_catalogue_is_not_empty(self, app, messages):
        assert len(messages) > CATALOGUES[app]

    def test_every_entry_is_translated(self, messages):
        untranslated = [label(e) for e in messages
                        if not e["msgstr"] or not all(e["msgstr"].values())]
        assert untranslated == []

    def test_no_entry_is_fuzzy(self, messages):
        assert [label(e) for e in messages if "fuzzy" in e["flags"]] == []

    def test_plural_entries_have_both_german_forms(self, messages):
        for entry in messages:
            if entry["msgid_plural"] is not None:
                assert sorted(entry["msgstr"]) == [0, 1], label(entry)

    def test_placeholders_are_kept(self, messages):
        for entry in messages:
            expected = sorted(PLACEHOLDER.findall(entry["msgid_plural"] or entry["msgid"]))
            for msgstr in entry["msgstr"].values():
                assert sorted(PLACEHOLDER.findall(msgstr)) == expected, label(entry)

    def test_html_is_kept(self, messages):
        for entry in messages:
            expected = sorted(TAG.findall(entry["msgid"]))
            for msgstr in entry["msgstr"].values():
                assert sorted(TAG.findall(msgstr)) == expected, label(entry)

    def test_quotes_are_german(self, messages):
        """“…” in the English text is „…“ in the German one (whose closing mark is “)."""
        for entry in messages:
            for msgstr in entry["msgstr"].values():
                assert "”" not in msgstr, label(entry)
                assert msgstr.count("„") == msgstr.count("“"), label(entry)
                if "”" in entry["msgid"]:
                    assert "„" in msgstr, label(entry)

    def test_compiled_catalogue_matches_the_po_file(self, app, entries):
        """django.mo holds exactly the translations of django.po: compilemessages was run."""
        expected = {}
        for entry in entries:
            prefix = f"{entry['msgctxt']}\x04" if entry["msgctxt"] is not None else ""
            if entry["msgid_plural"] is not None:
                for index, msgstr in entry["msgstr"].items():
                    expected[(prefix + entry["msgid"], index)] = msgstr
            else:
                expected[prefix + entry["msgid"]] = entry["msgstr"][0]
        with catalogue_file(app, "mo").open("rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        # msgfmt leaves POT-Creation-Date out of the compiled header.
        assert header_fields(catalog.pop("")) == header_fields(expected.pop(""))
        assert catalog == expected


class TestGermanVocabulary:
    """The words of a German press office, as the catalogue gives them."""

    @pytest.fixture(autouse=True)
    def _german(self):
        with translation.override("de"):
            yield

    def test_kinds_and_statuses(self):
        from releases.models import Release

        assert [str(label) for label in Release.Kind.labels] == [
            "Medieninformation", "Presseeinladung", "Terminhinweis", "Statement", "Rede"]
        assert [str(label) for label in Release.Status.labels] == [
            "Entwurf", "In Prüfung", "Freigegeben", "Geplant", "Veröffentlicht",
            "Zurückgezogen"]

    def test_plural_forms(self):
        singular, plural = "%(counter)s press release", "%(counter)s press releases"
        assert translation.ngettext(singular, plural, 1) % {"counter": 1} == (
            "1 Medieninformation")
        assert translation.ngettext(singular, plural, 0) % {"counter": 0} == (
            "0 Medieninformationen")
        assert translation.ngettext(singular, plural, 2) % {"counter": 2} == (
            "2 Medieninformationen")

    def test_times_are_followed_by_uhr(self):
        assert translation.pgettext("date and time", "%(date)s, %(time)s") % {
            "date": "8. Oktober 2021", "time": "10:30"} == "8. Oktober 2021, 10:30 Uhr"

    def test_embargo_is_a_sperrfrist(self):
        from releases.models import Release

        assert str(Release._meta.get_field("embargo_until").verbose_name) == "Sperrfrist bis"

    def test_the_exchange_reports_in_german(self):
        from exchange.ninjs import check_ninjs

        with pytest.raises(ValueError, match="^Ein ninjs-Dokument ist ein JSON-Objekt, "
                                             "nicht eine Liste.$"):
            check_ninjs([])


@pytest.mark.django_db
class TestPagesSpeakTheLanguageOfTheirAddress:
    def test_german_is_the_default_language(self):
        assert settings.LANGUAGE_CODE == "de"

    def test_start_page_is_german(self, client):
        html = client.get("/").content.decode()
        assert '<html lang="de">' in html
        for words in ("Medieninformationen", "Termine", "Themen", "Delegationsreisen",
                      "Pressekontakte", "Archiv", "Impressum", "Datenschutz",
                      "Barrierefreiheit", "Zum Inhalt springen"):
            assert words in html, words
        for words in ("Press releases", "Appointments", "Skip to content", "Legal notice"):
            assert words not in html, words

    def test_start_page_under_en_is_english(self, client):
        html = client.get("/en/").content.decode()
        assert '<html lang="en">' in html
        for words in ("Press releases", "Appointments", "Topics", "Delegation trips",
                      "Legal notice", "Skip to content"):
            assert words in html, words
        assert "Medieninformationen durchsuchen" not in html

    def test_a_release_is_approved_and_a_journalist_accredited(self):
        from journalists.models import Journalist
        from releases.models import Release

        with translation.override("de"):
            assert str(Release._meta.get_field("approved_by").verbose_name) == "freigegeben von"
            assert str(Journalist._meta.get_field("approved_by").verbose_name) == (
                "akkreditiert von")

    def test_the_language_link_keeps_the_search(self, client):
        html = client.get("/suche/?q=Museen&sort=datum").content.decode()
        assert 'href="/en/suche/?q=Museen&amp;sort=datum" lang="en"' in html

    def test_the_language_link_of_a_list_keeps_its_page_and_nothing_else(self, client):
        html = client.get("/medieninformationen/?page=1&utm_source=x").content.decode()
        assert 'href="/en/medieninformationen/?page=1" lang="en"' in html
        html = client.get("/en/medieninformationen/?utm_source=x").content.decode()
        assert 'href="/medieninformationen/" lang="de"' in html

    def test_admin_login_is_german(self, client):
        html = client.get("/admin/login/").content.decode()
        assert "Anmelden" in html
        assert "Benutzername" in html
        assert "Log in" not in html

    def test_admin_login_under_en_is_english(self, client):
        html = client.get("/en/admin/login/").content.decode()
        assert "Log in" in html
        assert "Anmelden" not in html

    def test_admin_speaks_the_press_office_s_german(self, admin_client):
        html = admin_client.get("/admin/releases/release/add/").content.decode()
        for words in ("Medieninformation hinzufügen", "Sperrfrist bis", "Vorspann",
                      "Veröffentlichungszeitpunkt", "Entwurf"):
            assert words in html, words
        # The states are set by the workflow, not in the form: the list filters by them.
        html = admin_client.get("/admin/releases/release/").content.decode()
        for words in ("In Prüfung", "Freigegeben", "Zurückgezogen"):
            assert words in html, words
