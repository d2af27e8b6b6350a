"""import_releases: every format, idempotence, publishing, and input that is broken or hostile."""

import datetime
import io
import json
import shutil
import uuid
import zipfile
import zoneinfo
from collections import Counter
from pathlib import Path

import docx
import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from exchange.importers import parse_file
from exchange.seeding import load_reference
from releases.models import Contact, Organisation, Person, Release, ReleasePerson, Topic

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_DOCUMENT = SEEDS / "000_229aa7e5ffb26140.txt"
SMR = "Sächsisches Staatsministerium für Regionalentwicklung"
TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"
SUBTITLE = "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"

LETTER = f"""# Medieninformation

{SMR}

**Ihr Ansprechpartner**
Frank Meyer

**Durchwahl**
Telefon +49 351 564 50024

medien@smr.sachsen.de\\*

08.10.2021

## {TITLE}

### {SUBTITLE}

Staatsminister Thomas Schmidt hat eine positive Bilanz gezogen.

Schmidt: »Unsere Erwartungen waren hoch.«

[www.smr.sachsen.de](http://www.smr.sachsen.de)

\\* Kein Zugang für verschlüsselte elektronische Dokumente.
"""

LETTER_HTML = f"""<!DOCTYPE html>
<html><head><title>Seite</title><script>alert("head")</script>
<link rel="stylesheet" href="x.css"></head>
<body><nav><a href="/">Startseite</a></nav>
<main>
<h1>Medieninformation</h1>
<p>{SMR}</p>
<p><strong>Ihr Ansprechpartner</strong><br>Frank Meyer</p>
<p><b>Durchwahl</b><br>Telefon +49 351 564 50024</p>
<p><a href="mailto:medien@smr.sachsen.de">medien@smr.sachsen.de</a>*</p>
<p>08.10.2021</p>
<h2>{TITLE}</h2>
<h3>{SUBTITLE}</h3>
<p>Staatsminister Thomas Schmidt hat eine positive Bilanz gezogen.</p>
<script>document.write("<p>injected</p>")</script>
<p onclick="steal()">Schmidt: »Unsere Erwartungen waren hoch.«</p>
<p><a href="http://www.smr.sachsen.de">www.smr.sachsen.de</a></p>
<p>* Kein Zugang für verschlüsselte elektronische Dokumente.</p>
</main></body></html>
"""


def write_docx(path):
    document = docx.Document()
    document.add_paragraph("Medieninformation", style="Title")
    document.add_paragraph(SMR)
    contact = document.add_paragraph()
    contact.add_run("Ihr Ansprechpartner").bold = True
    contact.add_run().add_break()
    contact.add_run("Frank Meyer")
    phone = document.add_paragraph()
    phone.add_run("Durchwahl").bold = True
    phone.add_run("\nTelefon +49 351 564 50024")
    document.add_paragraph("medien@smr.sachsen.de*")
    document.add_paragraph("08.10.2021")
    document.add_heading(TITLE, level=1)
    document.add_heading(SUBTITLE, level=2)
    document.add_paragraph("Staatsminister Thomas Schmidt hat eine positive Bilanz gezogen.")
    document.add_paragraph("Schmidt: »Unsere Erwartungen waren hoch.«")
    document.add_paragraph("www.smr.sachsen.de")
    document.add_paragraph("* Kein Zugang für verschlüsselte elektronische Dokumente.")
    document.save(path)
    return path


def ninjs(number=1, **extra):
    """A small foreign ninjs document."""
    document = {
        "uri": f"https://agentur.example/meldung/{number}",
        "type": "text",
        "pubstatus": "usable",
        "contentcreated": "2021-10-08T10:00:00+02:00",
        "headlines": [{"role": "main", "value": f"Meldung {number}"}],
        "bodies": [{"role": "main", "contenttype": "text/html",
                    "value": f"<p>Text der Meldung {number}.</p>"}],
        "organisations": [{"name": SMR, "rel": "publisher", "literal": "SMR"}],
        "people": [{"name": "Erika Muster", "rel": "contact", "contactinfo": [
            {"type": "email", "role": "office", "value": "erika.muster@smr.sachsen.de"},
            {"type": "phone", "role": "office", "value": "+49 351 564 50025"}]}],
        "subjects": [{"name": "Digitalisierung"}],
    }
    document.update(extra)
    return document


def run(*args, expect_failure=False):
    """(stdout, stderr) of import_releases; a failed item makes the command fail."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        if expect_failure:
            with pytest.raises(CommandError, match="could not be imported"):
                call_command("import_releases", *map(str, args), stdout=out, stderr=err)
        else:
            call_command("import_releases", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every row of every newsroom table, field by field."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("releases").get_models(include_auto_created=True)
    }


def row_counts():
    return {label: len(rows) for label, rows in snapshot().items()}


@pytest.fixture
def reference(db):
    load_reference(json.loads((SEEDS / "reference.json").read_text(encoding="utf-8")),
                   Counter())


@pytest.mark.django_db
class TestSeedDocument:
    def test_with_reference_data_every_part_is_in_its_place(self, reference):
        out, _err = run(SEED_DOCUMENT, "--publish")
        release = Release.objects.get()
        assert "created:" in out and "New organisation" not in out
        assert release.organisation.slug == "smr"
        contact = release.contacts.get()
        assert (contact.name, contact.phone, contact.email) == (
            "Frank Meyer", "+49 351 564 50024", "medien@smr.sachsen.de")
        assert timezone.localtime(release.published_at, BERLIN).date() == datetime.date(
            2021, 10, 8)
        assert (release.title, release.subtitle) == (TITLE, SUBTITLE)
        assert "»Unsere Erwartungen waren hoch" in release.body
        assert "»Solche Kooperationen" in release.body
        assert "Kein Zugang" not in release.body
        assert release.minister_in_office().person.slug == "thomas-schmidt"
        assert release.events.get().slug == "simul-plus-werkstatt-kattowitz-2021"
        assert release.delegations.get().slug == "delegationsreise-polen-2021"
        horn = release.release_people.get(person__slug="thomas-horn")
        assert horn.is_quoted and horn.role.endswith("(WFS)")
        assert release.topics.count() == 4
        assert (release.status, release.number_label) == ("published", "1/2021")

    def test_alone_in_an_empty_database_it_brings_its_organisation_and_contact(self, db,
                                                                                tmp_path):
        shutil.copy(SEED_DOCUMENT, tmp_path / "pm.txt")
        out, _err = run(tmp_path / "pm.txt")
        release = Release.objects.get()
        organisation = release.organisation
        assert f"New organisation: {SMR} (slug " in out
        assert organisation.name == SMR and organisation.slug
        assert "Kein Zugang für verschlüsselte" in organisation.footer
        assert 'href="http://www.smr.sachsen.de"' in organisation.footer
        contact = release.contacts.get()
        assert (contact.phone, contact.email) == ("+49 351 564 50024", "medien@smr.sachsen.de")
        # Without the sidecar the headline cannot be split: all of it is the title.
        assert release.title == f"{TITLE} {SUBTITLE}"
        assert "»Unsere Erwartungen" in release.body and "»Solche Kooperationen" in release.body
        assert (release.status, release.number) == ("draft", None)

    def test_seed_command_shows_what_the_importer_made_of_the_document(self, reference):
        call_command("seed", stdout=io.StringIO())
        seeded = Release.objects.get()
        assert parse_file(SEED_DOCUMENT).body_html == seeded.body


@pytest.mark.django_db
class TestFormats:
    def check_letter(self, release):
        assert release.kind == "medieninformation"
        assert release.organisation.name == SMR
        contact = release.contacts.get()
        assert (contact.name, contact.phone, contact.email) == (
            "Frank Meyer", "+49 351 564 50024", "medien@smr.sachsen.de")
        assert timezone.localtime(release.published_at).date() == datetime.date(2021, 10, 8)
        assert (release.title, release.subtitle) == (TITLE, SUBTITLE)
        assert "»Unsere Erwartungen waren hoch.«" in release.body
        assert "Kein Zugang" not in release.body and "smr.sachsen.de" not in release.body
        assert "Kein Zugang" in release.organisation.footer

    @pytest.mark.parametrize("name", ["pm.md", "pm.txt"])
    def test_markdown_and_text(self, db, tmp_path, name):
        (tmp_path / name).write_text(LETTER, encoding="utf-8")
        run(tmp_path / name)
        self.check_letter(Release.objects.get())

    def test_docx(self, db, tmp_path):
        run(write_docx(tmp_path / "pm.docx"))
        self.check_letter(Release.objects.get())

    def test_html_without_scripts_navigation_or_handlers(self, db, tmp_path):
        (tmp_path / "pm.html").write_text(LETTER_HTML, encoding="utf-8")
        run(tmp_path / "pm.html")
        release = Release.objects.get()
        self.check_letter(release)
        for hostile in ("alert", "injected", "onclick", "steal", "Startseite", "Seite"):
            assert hostile not in release.body

    def test_one_letter_in_three_formats_is_one_release(self, db, tmp_path):
        (tmp_path / "a.md").write_text(LETTER, encoding="utf-8")
        (tmp_path / "b.html").write_text(LETTER_HTML, encoding="utf-8")
        write_docx(tmp_path / "c.docx")
        out, _err = run(tmp_path)
        assert Release.objects.count() == 1
        assert "1 releases created, 0 updated, 2 unchanged" in out

    def test_ninjs_object(self, db, tmp_path):
        (tmp_path / "one.json").write_text(json.dumps(ninjs()), encoding="utf-8")
        run(tmp_path / "one.json")
        release = Release.objects.get()
        assert release.uuid == uuid.uuid5(uuid.NAMESPACE_URL, "https://agentur.example/meldung/1")
        assert (release.title, release.body) == ("Meldung 1", "<p>Text der Meldung 1.</p>")
        contact = release.contacts.get()
        assert (contact.name, contact.email, contact.phone) == (
            "Erika Muster", "erika.muster@smr.sachsen.de", "+49 351 564 50025")
        assert list(release.topics.values_list("name", "slug")) == [
            ("Digitalisierung", "digitalisierung")]

    def test_ninjs_array_and_json_lines(self, db, tmp_path):
        (tmp_path / "list.json").write_text(json.dumps([ninjs(1), ninjs(2)]), encoding="utf-8")
        (tmp_path / "feed.jsonl").write_text(
            "\n".join(json.dumps(ninjs(n)) for n in (3, 4)) + "\n\n", encoding="utf-8")
        (tmp_path / "feed.ndjson").write_text(json.dumps(ninjs(5)), encoding="utf-8")
        out, _err = run(tmp_path)
        assert sorted(Release.objects.values_list("title", flat=True)) == [
            f"Meldung {n}" for n in range(1, 6)]
        assert "list.json, item 2" in out and "feed.jsonl, line 2" in out
        assert Organisation.objects.count() == Topic.objects.count() == 1
        assert Contact.objects.count() == 1

    def test_names_are_matched_ignoring_case_and_spacing(self, organisation, topic, tmp_path):
        item = ninjs(organisations=[{"name": "  SÄCHSISCHES  Staatsministerium für "
                                             "regionalentwicklung "}],
                     subjects=[{"name": "DIGITALISIERUNG"}])
        (tmp_path / "one.json").write_text(json.dumps(item), encoding="utf-8")
        run(tmp_path / "one.json")
        release = Release.objects.get()
        assert release.organisation == organisation
        assert list(release.topics.all()) == [topic]

    def test_people_are_created_once_with_their_titles(self, db, tmp_path):
        people = [{"name": "Prof. Dr. Anna von Berg", "rel": "quoted", "literal": "Rektorin"},
                  {"name": "Jan Kühn", "rel": "mentioned"}]
        (tmp_path / "feed.jsonl").write_text(
            "\n".join(json.dumps(ninjs(n, people=people)) for n in (1, 2)), encoding="utf-8")
        run(tmp_path / "feed.jsonl")
        berg = Person.objects.get(family_name="von Berg")
        assert (berg.honorific, berg.given_name, berg.full_name) == (
            "Prof. Dr.", "Anna", "Prof. Dr. Anna von Berg")
        assert Person.objects.count() == 2
        entry = ReleasePerson.objects.filter(person=berg).first()
        assert (entry.role, entry.is_quoted) == ("Rektorin", True)

    def test_images_and_attachments_are_reported_not_downloaded(self, db, tmp_path):
        item = ninjs(associations=[
            {"name": "image-1", "type": "picture", "uri": "urn:uuid:1",
             "renditions": [{"name": "original", "href": "https://agentur.example/a.jpg"}]}])
        (tmp_path / "one.json").write_text(json.dumps(item), encoding="utf-8")
        out, _err = run(tmp_path / "one.json")
        assert "not downloaded" in out
        assert not Release.objects.get().images.exists()


@pytest.mark.django_db
class TestIdempotence:
    @pytest.fixture
    def folder(self, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        write_docx(tmp_path / "other.docx")
        (tmp_path / "feed.jsonl").write_text(
            "\n".join(json.dumps(ninjs(n)) for n in (1, 2)), encoding="utf-8")
        return tmp_path

    def test_second_import_changes_no_row(self, db, folder):
        run(folder, "--publish")
        before = snapshot()
        out, _err = run(folder, "--publish")
        assert snapshot() == before
        # The letter in Markdown and in DOCX is one release.
        assert Release.objects.count() == 3
        assert "0 releases created, 0 updated, 4 unchanged, 0 failed" in out

    def test_edited_item_updates_its_release(self, db, folder):
        run(folder)
        release = Release.objects.get(title="Meldung 2")
        edited = ninjs(2, headlines=[{"role": "main", "value": "Meldung 2, berichtigt"}])
        (folder / "feed.jsonl").write_text(json.dumps(ninjs(1)) + "\n" + json.dumps(edited),
                                           encoding="utf-8")
        out, _err = run(folder)
        assert Release.objects.get(pk=release.pk).title == "Meldung 2, berichtigt"
        assert Release.objects.count() == 3
        assert "updated: " in out and "0 releases created, 1 updated" in out

    def test_document_without_id_is_keyed_by_its_content(self, db, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        run(tmp_path)
        (tmp_path / "pm.md").write_text(LETTER.replace("positive", "sehr positive"),
                                        encoding="utf-8")
        run(tmp_path)
        # The text is the identity: an edited document without an id is another release.
        assert Release.objects.count() == 2

    def test_document_with_an_id_in_its_sidecar_is_updated_when_edited(self, db, tmp_path):
        (tmp_path / "pm.json").write_text(json.dumps({"uri": "urn:smr:pm:2021-123"}))
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        run(tmp_path)
        (tmp_path / "pm.md").write_text(LETTER.replace("positive", "sehr positive"),
                                        encoding="utf-8")
        run(tmp_path)
        assert "sehr positive" in Release.objects.get().body

    def test_dry_run_writes_nothing_and_says_what_would_change(self, db, folder):
        run(folder / "pm.md", "--publish")
        before = snapshot()
        out, _err = run(folder, "--dry-run", "--publish")
        assert snapshot() == before
        assert out.count("would be created") == 2
        assert "unchanged: " in out and "Dry run: nothing was written." in out

    def test_quiet_run_prints_nothing_but_progress_is_shown_otherwise(self, db, folder):
        out, err = run(folder, "-v0")
        assert out == err == ""
        Release.objects.all().delete()
        _out, err = run(folder, "--progress-every", "2")
        assert "2 items processed" in err


@pytest.mark.django_db
class TestPublishing:
    def import_items(self, tmp_path, *items, publish=False):
        (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(item) for item in items),
                                             encoding="utf-8")
        run(tmp_path / "feed.jsonl", *(["--publish"] if publish else []))

    def test_without_publish_usable_items_and_documents_are_drafts(self, db, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        self.import_items(tmp_path, ninjs(1))
        run(tmp_path / "pm.md")
        assert set(Release.objects.values_list("status", "number")) == {("draft", None)}
        assert not Release.objects.public().exists()

    def test_with_publish_they_are_numbered_per_year_of_their_own_date(self, db, tmp_path):
        self.import_items(tmp_path, ninjs(1, contentcreated="2020-03-01T09:00:00+01:00"),
                          ninjs(2), ninjs(3), publish=True)
        labels = dict(Release.objects.values_list("title", "number_year"))
        assert labels == {"Meldung 1": 2020, "Meldung 2": 2021, "Meldung 3": 2021}
        assert sorted(r.number_label for r in Release.objects.all()) == [
            "1/2020", "1/2021", "2/2021"]
        assert Release.objects.public().count() == 3
        assert Release.objects.get(title="Meldung 1").published_at == datetime.datetime(
            2020, 3, 1, 9, tzinfo=BERLIN)

    def test_a_carried_number_is_kept(self, db, tmp_path):
        self.import_items(tmp_path, ninjs(1, altids=[{"role": "number", "value": "42/2021"}]),
                          publish=True)
        assert Release.objects.get().number_label == "42/2021"

    def test_withheld_is_a_draft_and_canceled_withdrawn_even_with_publish(self, db, tmp_path):
        self.import_items(tmp_path, ninjs(1, pubstatus="withheld"),
                          ninjs(2, pubstatus="canceled"), publish=True)
        assert dict(Release.objects.values_list("title", "status")) == {
            "Meldung 1": "draft", "Meldung 2": "withdrawn"}
        assert not Release.objects.public().exists()

    def test_reimport_without_publish_keeps_a_published_release_public(self, db, tmp_path):
        self.import_items(tmp_path, ninjs(1), publish=True)
        self.import_items(tmp_path, ninjs(1))
        assert Release.objects.public().count() == 1

    @pytest.mark.parametrize(("pubstatus", "reason"), [
        ("withheld", "Withheld by its source."), ("canceled", "Withdrawn by its source.")])
    def test_a_public_release_its_source_takes_back_is_withdrawn_as_by_an_editor(
            self, db, tmp_path, client, pubstatus, reason):
        from releases.models import AuditEntry

        self.import_items(tmp_path, ninjs(1), publish=True)
        number = Release.objects.get().number_label
        self.import_items(tmp_path, ninjs(1, pubstatus=pubstatus), publish=True)
        release = Release.objects.get()
        assert not Release.objects.public().exists()
        assert (release.status, release.number_label) == ("withdrawn", number)
        assert release.withdrawn_at is not None and release.withdrawal_reason == reason
        assert AuditEntry.objects.filter(release=release, action="withdraw").exists()
        page = client.get(release.get_absolute_url())
        assert page.status_code == 200 and reason in page.text
        self.import_items(tmp_path, ninjs(1, pubstatus=pubstatus), publish=True)
        assert AuditEntry.objects.filter(release=release, action="withdraw").count() == 1

    def test_embargo_is_kept_and_holds_back_a_published_release(self, db, tmp_path):
        embargo = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
        self.import_items(tmp_path, ninjs(1, embargoed=embargo.isoformat()), publish=True)
        release = Release.objects.get()
        assert (release.status, release.embargo_until) == ("published", embargo)
        assert not Release.objects.public().exists()

    def test_an_embargoed_item_is_dated_by_the_end_of_its_embargo(self, db, tmp_path, client):
        embargo = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
        self.import_items(tmp_path, ninjs(
            1, contentcreated=(embargo - datetime.timedelta(hours=3)).isoformat(),
            embargoed=embargo.isoformat()), publish=True)
        release = Release.objects.get()
        assert (release.status, release.published_at) == ("published", embargo)
        with time_machine.travel(embargo, tick=False):
            assert client.get(release.get_absolute_url()).status_code == 200

    def test_document_without_date_stays_a_draft_with_a_note(self, db, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER.replace("08.10.2021", ""), encoding="utf-8")
        out, _err = run(tmp_path / "pm.md", "--publish")
        assert Release.objects.get().status == "draft"
        assert "No date" in out


def bomb(size):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * size)
    return buffer.getvalue()


TEN_MB = 10 * 1024 * 1024
MALFORMED = {
    "truncated.json": (json.dumps(ninjs(9))[:80].encode(), "Not valid JSON"),
    "number-title.json": (json.dumps(ninjs(9, title=5, headlines=[])).encode(),
                          "title: expected text, found a number"),
    "bodies.json": (json.dumps(ninjs(9, bodies="Text")).encode(),
                    "bodies: expected a list, found text"),
    "huge-title.json": (json.dumps(ninjs(9, headlines=[{"role": "main",
                                                       "value": "T" * TEN_MB}])).encode(),
                        "title is too long (10485760 characters; at most 300"),
    "bad-date.json": (json.dumps(ninjs(9, embargoed="morgen")).encode(), "Not a date-time"),
    "pubstatus.json": (json.dumps(ninjs(9, pubstatus="Usable")).encode(),
                       "pubstatus: 'Usable' is not one of"),
    "no-title.json": (json.dumps(ninjs(9, headlines=[])).encode(), "has no title"),
    "no-organisation.json": (json.dumps(ninjs(9, organisations=[])).encode(),
                             "names no organisation"),
    "bad-email.json": (json.dumps(ninjs(9, people=[{"name": "X", "rel": "contact", "contactinfo": [
        {"type": "email", "value": "nicht-erreichbar"}]}])).encode(), "e-mail"),
    "reference.json": (b'{"topics": []}', "not a ninjs document"),
    "scalar.json": (b"42", "neither a ninjs object"),
    "empty.md": (b"", "empty"),
    "blank.txt": (b"\n \n", "empty"),
    "empty.jsonl": (b"\n", "empty"),
    "garbage.txt": (bytes(range(256)) * 64, "binary"),
    "no-title.md": (b"Nur ein Absatz ohne jede \xc3\x9cberschrift.\n", "no title"),
    "not-a-zip.docx": (b"Hello, I am not a Word file.", "not a ZIP archive"),
    "zip-not-word.docx": (b"PK\x05\x06" + b"\0" * 18, "not a Word document"),
    "bomb.docx": (bomb(51 * 1024 * 1024), "would unpack to 51 MB"),
    "ratio.docx": (bomb(4 * 1024 * 1024), "decompression bomb"),
}


@pytest.mark.django_db
class TestMalformedInput:
    @pytest.mark.parametrize("name", MALFORMED)
    def test_bad_file_is_reported_by_name_and_leaves_no_row(self, db, tmp_path, name):
        content, reason = MALFORMED[name]
        (tmp_path / name).write_bytes(content)
        before = row_counts()
        _out, err = run(tmp_path / name, expect_failure=True)
        assert f"failed: {tmp_path / name}: " in err
        assert reason in err
        assert row_counts() == before

    def test_other_files_in_the_same_run_are_imported(self, db, tmp_path):
        for name, (content, _reason) in MALFORMED.items():
            (tmp_path / name).write_bytes(content)
        # Same name: a ninjs file beside a document is an item of its own, not its metadata.
        (tmp_path / "good.json").write_text(json.dumps(ninjs(1)), encoding="utf-8")
        (tmp_path / "good.md").write_text(LETTER, encoding="utf-8")
        out, err = run(tmp_path, expect_failure=True)
        assert Release.objects.count() == 2
        assert err.count("failed: ") == len(MALFORMED)
        assert f"2 releases created, 0 updated, 0 unchanged, {len(MALFORMED)} failed" in out

    def test_bad_lines_of_json_lines_fail_alone(self, db, tmp_path):
        lines = [json.dumps(ninjs(1)), '{"uri": "x", "headl', json.dumps(ninjs(2, title=[])),
                 "[]", json.dumps(ninjs(3))]
        (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
        _out, err = run(tmp_path / "feed.jsonl", expect_failure=True)
        assert Release.objects.count() == 2
        assert "feed.jsonl, line 2: Not valid JSON" in err
        assert "feed.jsonl, line 3: title: expected text, found a list" in err
        assert "feed.jsonl, line 4: A ninjs document is a JSON object" in err

    def test_a_subject_of_another_vocabulary_is_skipped_with_a_note(self, db, tmp_path):
        item = ninjs(1, subjects=[{"name": "Digitalisierung"},
                                  {"literal": "medtop:20000002",
                                   "uri": "http://cv.iptc.org/newscodes/mediatopic/20000002"}])
        (tmp_path / "a.json").write_text(json.dumps(item), encoding="utf-8")
        out, _err = run(tmp_path / "a.json")
        assert [topic.name for topic in Release.objects.get().topics.all()] == [
            "Digitalisierung"]
        assert "Subject “medtop20000002” skipped" in out

    def test_lines_too_deep_or_too_long_to_read_fail_alone(self, db, tmp_path):
        lines = [json.dumps(ninjs(1)), "[" * 100_000 + "]" * 100_000,
                 '{"uri": "x", "n": ' + "9" * 5_000 + "}", json.dumps(ninjs(2))]
        (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
        _out, err = run(tmp_path / "feed.jsonl", expect_failure=True)
        assert Release.objects.count() == 2
        assert "feed.jsonl, line 2: The JSON is nested too deeply to be read." in err
        assert "feed.jsonl, line 3: The JSON holds a number too long to be read." in err

    @pytest.mark.parametrize("moment", ["1000-06-01T10:00:00+01:00", "9999-12-31T23:00:00-05:00"])
    def test_a_year_no_form_accepts_is_refused(self, db, tmp_path, moment):
        (tmp_path / "a.json").write_text(json.dumps(ninjs(1, contentcreated=moment)),
                                         encoding="utf-8")
        _out, err = run(tmp_path / "a.json", "--publish", expect_failure=True)
        assert not Release.objects.exists()
        assert "Enter a date between the years 1900 and 2199." in err or "Not a date-time" in err

    def test_an_item_that_fails_late_leaves_no_new_organisation_or_topic(self, db, tmp_path):
        first = ninjs(1, altids=[{"role": "number", "value": "7/2021"}])
        clash = ninjs(2, altids=[{"role": "number", "value": "7/2021"}],
                      organisations=[{"name": SMR}], subjects=[{"name": "Neues Thema"}])
        (tmp_path / "a.json").write_text(json.dumps(first), encoding="utf-8")
        run(tmp_path / "a.json", "--publish")
        before = row_counts()
        (tmp_path / "b.json").write_text(json.dumps(clash), encoding="utf-8")
        _out, err = run(tmp_path / "b.json", "--publish", expect_failure=True)
        assert "7/2021 is already taken by “Meldung 1”" in err
        assert row_counts() == before

    def test_control_characters_are_removed_from_plain_text(self, db, tmp_path):
        item = ninjs(1, headlines=[{"role": "main", "value": "Steuer\x07zeichen\x1b[31m\tund\r\n"
                                                              "Zeilen\x00"}])
        (tmp_path / "one.json").write_text(json.dumps(item), encoding="utf-8")
        run(tmp_path / "one.json")
        assert Release.objects.get().title == "Steuerzeichen[31m und Zeilen"

    def test_missing_uri_is_allowed_and_keyed_by_content(self, db, tmp_path):
        item = ninjs(1)
        del item["uri"]
        (tmp_path / "one.json").write_text(json.dumps(item), encoding="utf-8")
        run(tmp_path / "one.json")
        run(tmp_path / "one.json")
        assert Release.objects.count() == 1

    def test_unknown_organisation_is_created_or_refused_with_strict(self, db, tmp_path):
        item = ninjs(1, organisations=[{"name": "Staatskanzlei", "literal": "SK"}])
        (tmp_path / "one.json").write_text(json.dumps(item), encoding="utf-8")
        _out, err = run(tmp_path / "one.json", "--strict", expect_failure=True)
        assert "Unknown organisation “Staatskanzlei” (not created with --strict)" in err
        assert not Organisation.objects.exists()
        out, _err = run(tmp_path / "one.json")
        assert "New organisation: Staatskanzlei (slug sk)" in out

    def test_markdown_in_windows_1252_is_read_with_a_note(self, db, tmp_path):
        (tmp_path / "alt.md").write_bytes(LETTER.encode("cp1252"))
        out, _err = run(tmp_path / "alt.md")
        assert Release.objects.get().organisation.name == SMR
        assert "not UTF-8: read as Windows-1252" in out

    def test_utf8_with_byte_order_mark_and_utf16_are_read(self, db, tmp_path):
        (tmp_path / "a.md").write_bytes(LETTER.encode("utf-8-sig"))
        (tmp_path / "b.txt").write_bytes(LETTER.replace("hoch", "sehr hoch").encode("utf-16"))
        run(tmp_path)
        assert Release.objects.filter(organisation__name=SMR, kind="medieninformation").count() == 2

    def test_unsupported_files_are_skipped_with_a_message(self, db, tmp_path):
        (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
        (tmp_path / ".hidden.json").write_text("{broken")
        out, _err = run(tmp_path)
        assert "skipped: " in out and "photo.jpg: unsupported file type .jpg" in out
        assert ".hidden" not in out

    def test_missing_path_fails_by_name(self, db, tmp_path):
        _out, err = run(tmp_path / "nirgends.json", expect_failure=True)
        assert "nirgends.json: No such file or folder." in err


NINJS_DATA = Path(__file__).resolve().parent / "data" / "ninjs"
DPA = NINJS_DATA / "dpa-example-text-2.1.json"


def export_lines():
    out = io.StringIO()
    call_command("export_releases", stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
class TestOtherProducers:
    """ninjs from news agencies and other newsrooms: dated otherwise, with no issuer of ours."""

    def test_dpa_item_is_published_at_its_version_time_by_the_given_organisation(
            self, organisation):
        run(DPA, "--publish", "--organisation", "smr")
        release = Release.objects.get()
        assert release.title == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
        assert release.organisation == organisation
        moment = datetime.datetime(2019, 5, 10, 16, 2, 28, tzinfo=BERLIN)
        assert (release.status, release.published_at, release.number_label) == (
            "published", moment, "1/2019")
        assert Release.objects.public().filter(pk=release.pk).exists()
        assert release.last_public_change_at == release.created_at == moment
        [document] = export_lines()
        assert document["uri"] == "urn:newsml:dpa.com:20090101:190510-99-167362"
        assert document["versioncreated"] == "2019-05-10T16:02:28+02:00"

    def test_an_item_naming_no_organisation_is_refused_with_the_way_out(self, organisation):
        _out, err = run(DPA, "--publish", expect_failure=True)
        assert "names no organisation" in err and "--organisation" in err
        assert not Release.objects.exists()

    def test_the_setting_names_the_default_organisation(self, organisation, settings):
        settings.IMPORT_DEFAULT_ORGANISATION = "smr"
        run(DPA, "--publish")
        assert Release.objects.public().get().organisation == organisation

    def test_an_unknown_organisation_slug_stops_before_anything_is_imported(self, organisation):
        with translation.override("en"), pytest.raises(CommandError) as raised:
            call_command("import_releases", str(DPA), "--organisation", "skd",
                         stdout=io.StringIO(), stderr=io.StringIO())
        assert "no organisation with the slug “skd”" in str(raised.value)
        assert "smr" in str(raised.value)
        assert not Release.objects.exists()

    def test_items_naming_their_organisation_keep_it(self, organisation, tmp_path):
        (tmp_path / "one.json").write_text(json.dumps(ninjs(1, organisations=[
            {"name": "Staatskanzlei", "rel": "publisher"}])), encoding="utf-8")
        run(tmp_path / "one.json", "--organisation", "smr")
        assert Release.objects.get().organisation.name == "Staatskanzlei"

    def test_superdesk_item_in_ninjs_1(self, organisation):
        out, _err = run(NINJS_DATA / "superdesk.json", "--publish", "--organisation", "smr")
        release = Release.objects.get()
        guid = ("urn:newsml:localhost:5000:2021-11-03T09:12:47.497016:"
                "3f6c1c2e-5a3b-4d8e-9f0a-7b2c1d4e5f60")
        assert release.uuid == uuid.uuid5(uuid.NAMESPACE_URL, guid)
        assert (release.title, release.teaser) == (
            "Förderprogramm für Dorfläden verlängert",
            "Dorfläden können weiter Zuschüsse beantragen.")
        assert release.body == ("<p>Das Förderprogramm für Dorfläden läuft bis Ende 2023 "
                                "weiter.</p><p>Anträge nehmen die Landkreise entgegen.</p>")
        assert sorted(release.topics.values_list("name", flat=True)) == ["Politik", "Wirtschaft"]
        # No contentcreated: published when it was first created, changed when last saved.
        assert release.published_at == datetime.datetime(2021, 11, 3, 9, 12, 47,
                                                          tzinfo=datetime.UTC)
        assert release.number_label == "1/2021"
        assert release.last_public_change_at == datetime.datetime(2021, 11, 3, 11, 45,
                                                                  tzinfo=datetime.UTC)
        assert "1 image(s) or attachment(s) skipped" in out
        [document] = export_lines()
        assert document["uri"] == guid
        assert document["contentcreated"] == "2021-11-03T10:12:47+01:00"
        assert document["versioncreated"] == "2021-11-03T12:45:00+01:00"

    def test_ntb_item_in_ninjs_2(self, organisation):
        run(NINJS_DATA / "ntb.json", "--publish", "--organisation", "smr")
        release = Release.objects.get()
        # The organisation and the person it names are what the news is about.
        assert release.organisation == organisation
        assert not Organisation.objects.filter(name="Nordsjø Energi AS").exists()
        mentioned = release.release_people.get()
        assert (mentioned.person.full_name, mentioned.role, mentioned.is_quoted) == (
            "Ola Nordmann", "", False)
        assert release.title == "Sachsen og Norge vil samarbeide om hydrogen"
        assert release.teaser == "En delegasjon fra Sachsen besøkte Oslo torsdag."
        assert "<p>Samtalene handlet om hydrogen og forskning.</p>" in release.body
        assert sorted(release.topics.values_list("name", flat=True)) == ["Energi", "Politikk"]
        assert release.published_at == datetime.datetime(2023, 9, 14, 10, 12, 3,
                                                          tzinfo=datetime.UTC)
        assert Release.objects.public().filter(pk=release.pk).exists()
        [document] = export_lines()
        assert document["uri"] == ("urn:newsml:ntb.no:2023-09-14T10:12:03.571802:"
                                   "6c3c3e6b-3f5e-4b4e-9a55-1f0e2a7c9d10")
        assert document["versioncreated"] == "2023-09-14T13:40:19+02:00"

    def test_their_export_imported_again_is_the_same_release(self, organisation, tmp_path):
        run(NINJS_DATA, "--publish", "--organisation", "smr")
        assert Release.objects.count() == 3
        (tmp_path / "export.jsonl").write_text(
            "\n".join(json.dumps(document) for document in export_lines()), encoding="utf-8")
        before = snapshot()
        out, _err = run(tmp_path / "export.jsonl", "--publish")
        assert "0 releases created, 0 updated, 3 unchanged" in out
        assert snapshot() == before


@pytest.mark.django_db
class TestDocumentFacts:
    def test_the_mark_after_the_email_stays_with_its_footer_note(self, db, client, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        run(tmp_path / "pm.md", "--publish")
        release = Release.objects.get()
        assert release.organisation.email_note_mark == "*"
        page = client.get(release.get_absolute_url()).content.decode()
        assert 'medien@smr.sachsen.de</a>*</li>' in page
        assert "<p>* Kein Zugang für verschlüsselte elektronische Dokumente.</p>" in page

    def test_a_letter_dated_by_its_day_shows_no_time(self, db, client, tmp_path):
        (tmp_path / "pm.md").write_text(LETTER, encoding="utf-8")
        run(tmp_path / "pm.md", "--publish")
        release = Release.objects.get()
        assert not release.has_publication_time
        page = client.get(release.get_absolute_url()).content.decode()
        assert '<time datetime="2021-10-08">8. Oktober 2021</time>' in page
        assert "00:00" not in page
