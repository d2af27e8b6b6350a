"""Documents as press offices really write them: embargoes, numbers, dates in words,
English letterheads, lists and tables in plain text, files of mixed encodings."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from exchange.importers import DocumentError, parse_document
from exchange.importers.document import decode_text
from releases.models import Organisation, Release

BERLIN = ZoneInfo("Europe/Berlin")


def letter(*header, body="Die Abiturnote im Landesdurchschnitt liegt bei 2,2.",
           kind="# Medieninformation", title="## Abiturergebnisse 2026"):
    return "\n\n".join([kind, "Sächsisches Staatsministerium für Kultus", *header, title,
                        body]) + "\n"


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


class TestEmbargo:
    def test_sperrfrist_with_date_and_time_is_the_embargo(self):
        parsed = parse_document(letter("Sperrfrist: 08.12.2026, 10:00 Uhr", "08.12.2026"))
        assert parsed.embargo_until == berlin(2026, 12, 8, 10)
        assert parsed.date == datetime.date(2026, 12, 8)
        assert parsed.values()["embargo_until"] == berlin(2026, 12, 8, 10)

    @pytest.mark.parametrize(("line", "moment"), [
        ("SPERRFRIST: 12.03.2027, 10 Uhr", berlin(2027, 3, 12, 10)),
        ("**Sperrfrist: 12.03.2027, 10.30 Uhr**", berlin(2027, 3, 12, 10, 30)),
        ("Sperrfrist: Veröffentlichung nicht vor dem 20. Januar 2027, 11 Uhr",
         berlin(2027, 1, 20, 11)),
        ("Sperrfrist bis 1. Juli 2027, 9:15 Uhr", berlin(2027, 7, 1, 9, 15)),
        ("Embargo: 12.03.2027", berlin(2027, 3, 12)),
    ])
    def test_sperrfrist_written_in_any_usual_way(self, line, moment):
        parsed = parse_document(letter("12.03.2027", line))
        assert parsed.embargo_until == moment
        assert parsed.date == datetime.date(2027, 3, 12)

    def test_sperrfrist_as_bold_label_over_its_line(self):
        parsed = parse_document(letter("**Sperrfrist**  \n12.03.2027, 14 Uhr", "11.03.2027"))
        assert parsed.embargo_until == berlin(2027, 3, 12, 14)
        assert parsed.date == datetime.date(2027, 3, 11)

    def test_sperrfrist_under_the_headline_is_no_body_text(self):
        parsed = parse_document(letter("12.03.2027", body="Sperrfrist: 12.03.2027, 18 Uhr\n\n"
                                                          "Der Text."))
        assert parsed.embargo_until == berlin(2027, 3, 12, 18)
        assert parsed.body_paragraphs == ["<p>Der Text.</p>"]

    def test_a_sperrfrist_alone_dates_the_release_by_its_day(self):
        values = parse_document(letter("Sperrfrist: 13.03.2027, 10:00 Uhr")).values()
        assert values["published_at"] == berlin(2027, 3, 13)
        assert values["has_publication_time"] is False
        assert values["embargo_until"] == berlin(2027, 3, 13, 10)

    def test_a_time_the_clock_skips_or_shows_twice_is_read_as_the_later_moment(self):
        skipped = parse_document(letter("Sperrfrist: 28.03.2027, 02:30 Uhr"))
        assert skipped.embargo_until == berlin(2027, 3, 28, 3, 30)  # 01:30 UTC
        twice = parse_document(letter("Sperrfrist: 25.10.2026, 02:30 Uhr"))
        assert twice.embargo_until == datetime.datetime(2026, 10, 25, 1, 30,
                                                        tzinfo=datetime.UTC)

    def test_a_sperrfrist_without_a_time_keeps_the_release_a_draft_with_a_note(self):
        parsed = parse_document(letter("12.03.2027", "Sperrfrist: Redebeginn"))
        assert parsed.embargo_until is None
        assert parsed.values()["pubstatus"] == "withheld"
        assert any("Redebeginn" in note for note in parsed.notes)


@pytest.mark.django_db
class TestEmbargoImported:
    def run(self, tmp_path, text, *args):
        path = tmp_path / "pm.txt"
        path.write_text(text, encoding="utf-8")
        out = io.StringIO()
        call_command("import_releases", str(path), *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_published_import_is_not_public_before_the_sperrfrist_ends(self, tmp_path):
        with time_machine.travel(berlin(2026, 12, 8, 0, 21), tick=False):
            self.run(tmp_path, letter("Sperrfrist: 08.12.2026, 10:00 Uhr", "08.12.2026"),
                     "--publish")
            release = Release.objects.get()
            assert release.embargo_until == berlin(2026, 12, 8, 10)
            assert not Release.objects.public().exists()
        with time_machine.travel(berlin(2026, 12, 8, 9, 59, 59), tick=False):
            assert not Release.objects.public().exists()
        with time_machine.travel(berlin(2026, 12, 8, 10), tick=False):
            assert Release.objects.public().get() == release

    def test_unreadable_sperrfrist_is_imported_as_a_draft_even_with_publish(self, tmp_path):
        out = self.run(tmp_path, letter("08.12.2026", "Sperrfrist: Redebeginn"), "--publish")
        assert Release.objects.get().status == Release.Status.DRAFT
        assert "Redebeginn" in out

    def test_the_document_s_number_is_the_release_s(self, tmp_path):
        Organisation.objects.create(name="Sächsisches Staatsministerium für Kultus",
                                    slug="smk")
        with time_machine.travel(berlin(2026, 9, 3, 12), tick=False):
            self.run(tmp_path, letter("03.09.2026", kind="# Medieninformation Nr. 123/2026"),
                     "--publish")
        release = Release.objects.get()
        assert release.number_label == "123/2026"
        assert release.kind == Release.Kind.PRESS_RELEASE


class TestNumberAndKind:
    @pytest.mark.parametrize("heading", [
        "# Medieninformation Nr. 123/2026", "# Medieninformation 123/2026",
        "# Medieninformation Nr.123 / 2026", "**Medieninformation Nr. 123/2026**",
    ])
    def test_kind_heading_with_a_number(self, heading):
        parsed = parse_document(letter("03.09.2026", kind=heading))
        assert (parsed.kind, parsed.number_label) == ("medieninformation", "123/2026")
        assert parsed.organisation_name == "Sächsisches Staatsministerium für Kultus"
        assert parsed.title == "Abiturergebnisse 2026"
        assert parsed.date == datetime.date(2026, 9, 3)

    def test_number_on_a_line_of_its_own(self):
        parsed = parse_document(letter("Nr. 7/2027", "03.01.2027"))
        assert parsed.number_label == "7/2027"
        assert parsed.values()["number_label"] == "7/2027"

    def test_english_letterhead(self):
        parsed = parse_document(letter(
            "March 3, 2027", kind="# Press Release",
            title="## Saxony attracts record number of international students"))
        assert parsed.kind == "medieninformation"
        assert parsed.date == datetime.date(2027, 3, 3)
        assert parsed.title == "Saxony attracts record number of international students"


class TestDates:
    @pytest.mark.parametrize(("line", "day"), [
        ("10.08.26", datetime.date(2026, 8, 10)),
        ("Dresden, 12. März 2027", datetime.date(2027, 3, 12)),
        ("12. Okt. 2027", datetime.date(2027, 10, 12)),
        ("3. September 2026", datetime.date(2026, 9, 3)),
        ("Dresden, 02.12.2026", datetime.date(2026, 12, 2)),
        ("2026-12-02", datetime.date(2026, 12, 2)),
    ])
    def test_date_line(self, line, day):
        assert parse_document(letter(line)).date == day

    def test_no_such_day_is_no_date(self):
        assert parse_document(letter("31.02.2027")).date is None


class TestContactLines:
    def test_phone_and_fax_on_one_line(self):
        parsed = parse_document(letter("**Ihr Ansprechpartner**  \nAnna Schmidt",
                                       "Tel.: 0351 564-65065 | Fax: 0351 564-65067",
                                       "Mobil: 0171 1234567", "03.09.2026"))
        assert parsed.contact_name == "Anna Schmidt"
        assert parsed.contact_phone == "0351 564-65065"
        assert parsed.contact_mobile == "0171 1234567"
        assert parsed.organisation_name == "Sächsisches Staatsministerium für Kultus"


class TestBody:
    def body(self, text):
        return parse_document(letter("03.09.2026", body=text)).body_paragraphs

    def test_list_after_an_introducing_line(self):
        assert self.body("Die Maßnahmen:\n- Erstens\n- Zweitens") == [
            "<p>Die Maßnahmen:</p>", "<ul><li>Erstens</li><li>Zweitens</li></ul>"]

    def test_numbered_list(self):
        assert self.body("1. Erstens\n2. Zweitens") == [
            "<ol><li>Erstens</li><li>Zweitens</li></ol>"]

    @pytest.mark.parametrize("mark", ["-", "•", "·", "–"])
    def test_bullets_of_every_kind_and_a_list_of_one(self, mark):
        assert self.body(f"{mark} Punkt") == ["<ul><li>Punkt</li></ul>"]

    def test_a_dash_or_date_opening_a_wrapped_line_is_text(self):
        assert self.body("Der Minister sagte\n– und das gilt – es bleibt dabei.\n"
                         "Ab dem\n3. Oktober gilt es.") == [
            "<p>Der Minister sagte – und das gilt – es bleibt dabei. Ab dem 3. Oktober "
            "gilt es.</p>"]

    def test_appointment_lines_keep_their_breaks(self):
        assert self.body("Termin: 14. August 2026, 10 Uhr\nOrt: Rathaus Bautzen") == [
            "<p>Termin: 14. August 2026, 10 Uhr<br>Ort: Rathaus Bautzen</p>"]

    def test_italics_links_and_gender_stars(self):
        assert self.body("Für *alle* Bürger*innen und _Lehrer_innen: "
                         "<https://www.sachsen.de>") == [
            '<p>Für <em>alle</em> Bürger*innen und _Lehrer_innen: '
            '<a href="https://www.sachsen.de">https://www.sachsen.de</a></p>']

    def test_table(self):
        assert self.body("| Programm | Volumen |\n|---|---|\n| H2-Regionen | 25 Mio. € |") == [
            "<table><thead><tr><th>Programm</th><th>Volumen</th></tr></thead><tbody>"
            "<tr><td>H2-Regionen</td><td>25 Mio. €</td></tr></tbody></table>"]


class TestEncodings:
    def test_utf8_with_a_stray_windows_byte_stays_utf8(self):
        text, note = decode_text("Prüfungstermine: Am 4. Mai ".encode() + b"\x96"
                                 + " Änderungen vorbehalten.".encode())
        assert text == "Prüfungstermine: Am 4. Mai – Änderungen vorbehalten."
        assert "Windows-1252" in note

    def test_windows_text_is_read_as_windows_1252(self):
        assert decode_text("Prüfung – Straße".encode("cp1252"))[0] == "Prüfung – Straße"

    @pytest.mark.parametrize("raw", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", b"\xff\xfe",
                                     "\ufeff\n".encode("utf-16")])
    def test_a_file_of_only_a_byte_order_mark_is_empty(self, raw):
        with pytest.raises(DocumentError, match="empty"):
            decode_text(raw)
