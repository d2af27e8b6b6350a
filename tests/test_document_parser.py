"""The Medieninformation parser: the seed document, and documents that differ from it."""

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from django.utils import translation

from exchange.importers import DocumentError, parse_document, parse_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_DOCUMENT = SEEDS / "000_229aa7e5ffb26140.txt"
HEADLINE = ("Große Resonanz bei simul+Werkstatt in Kattowitz Zusammenarbeit zwischen Sachsen "
            "und Schlesien ausgebaut")

MINIMAL = """# Presseeinladung

Staatskanzlei

15.03.2024

## Tag der offenen Tür

Die Staatskanzlei öffnet ihre Türen.
"""


@pytest.fixture(autouse=True)
def _english_messages():
    """Error messages are matched in English (the German catalogue: test_translations.py)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED_DOCUMENT)


class TestSeedDocument:
    def test_letterhead_gives_kind_organisation_and_date(self, seed):
        assert seed.kind == "medieninformation"
        assert seed.organisation_name == "Sächsisches Staatsministerium für Regionalentwicklung"
        assert seed.date.isoformat() == "2021-10-08"

    def test_contact_has_name_direct_line_and_email_without_footnote_mark(self, seed):
        assert (seed.contact_name, seed.contact_phone, seed.contact_email) == (
            "Frank Meyer", "+49 351 564 50024", "medien@smr.sachsen.de")

    def test_sidecar_splits_the_headline_into_title_and_subtitle(self, seed):
        assert seed.headline == HEADLINE
        assert seed.title == "Große Resonanz bei simul+Werkstatt in Kattowitz"
        assert seed.subtitle == "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"

    def test_body_keeps_quotes_and_the_second_page_in_order(self, seed):
        body = seed.body_paragraphs
        assert len(body) == 5
        assert "»Unsere Erwartungen waren hoch" in body[1]
        assert "»Solche Kooperationen" in body[2] and "‚Internet of Things‘" in body[2]
        assert "30-köpfigen Delegation" in body[3]
        assert body[4].endswith("Prof. Arkadiusz Mężyk zusammen.</p>")

    def test_footer_is_website_line_and_signature_notice_not_body(self, seed):
        assert seed.footer_paragraphs == [
            '<p><a href="http://www.smr.sachsen.de">www.smr.sachsen.de</a></p>',
            "<p>* Kein Zugang für verschlüsselte elektronische Dokumente. Zugang für "
            "qualifiziert elektronisch signierte Dokumente nur unter den auf "
            '<a href="http://www.lsf.sachsen.de/eSignatur.html">'
            "www.lsf.sachsen.de/eSignatur.html</a> vermerkten Voraussetzungen.</p>",
        ]
        assert "Kein Zugang" not in seed.body_html

    def test_source_hash_is_sha256_of_the_file(self, seed):
        assert seed.source_hash == hashlib.sha256(SEED_DOCUMENT.read_bytes()).hexdigest()

    def test_sidecar_links_are_passed_on_as_metadata(self, seed):
        assert seed.metadata["topics"][0] == "digitalisierung"
        assert "title" not in seed.metadata

    def test_without_sidecar_the_whole_headline_is_the_title(self):
        parsed = parse_document(SEED_DOCUMENT.read_text(encoding="utf-8"))
        assert (parsed.title, parsed.subtitle) == (HEADLINE, "")

    def test_sidecar_title_alone_leaves_the_rest_as_subtitle(self):
        parsed = parse_document(SEED_DOCUMENT.read_text(encoding="utf-8"),
                                {"title": "Große Resonanz bei simul+Werkstatt in Kattowitz"})
        assert parsed.subtitle == "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"


class TestOtherDocuments:
    def test_missing_contact_leaves_contact_fields_empty(self):
        parsed = parse_document(MINIMAL)
        assert (parsed.contact_name, parsed.contact_phone, parsed.contact_email) == ("", "", "")
        assert parsed.organisation_name == "Staatskanzlei"

    @pytest.mark.parametrize(("heading", "kind"), [
        ("Presseeinladung", "presseeinladung"), ("Terminhinweis", "terminhinweis"),
        ("Statement", "statement"), ("Rede", "rede"), ("Pressemitteilung", "medieninformation"),
    ])
    def test_kind_heading_gives_the_kind(self, heading, kind):
        parsed = parse_document(MINIMAL.replace("# Presseeinladung", f"# {heading}"))
        assert parsed.kind == kind
        assert parsed.title == "Tag der offenen Tür"

    def test_without_kind_heading_kind_is_empty_and_first_heading_is_title(self):
        parsed = parse_document("## Neue Förderrichtlinie\n\nText.\n")
        assert (parsed.kind, parsed.title) == ("", "Neue Förderrichtlinie")

    def test_no_title_is_a_clear_error(self):
        with pytest.raises(DocumentError, match="no title"):
            parse_document("# Medieninformation\n\nStaatskanzlei\n\n08.10.2021\n")

    def test_no_text_after_title_is_a_clear_error(self):
        with pytest.raises(DocumentError, match="no text"):
            parse_document("# Medieninformation\n\n## Titel\n")

    def test_document_error_is_a_value_error(self):
        assert issubclass(DocumentError, ValueError)

    def test_empty_document_is_refused(self):
        with pytest.raises(DocumentError):
            parse_document("")

    def test_bold_headline_after_the_date_is_the_title(self):
        parsed = parse_document("# Medieninformation\n\nStaatskanzlei\n\n08.10.2021\n\n"
                                "**Neuer Titel**\n\nText.\n")
        assert parsed.title == "Neuer Titel"

    def test_text_is_escaped_and_only_safe_links_become_anchors(self):
        parsed = parse_document("## Titel\n\nA <script>x</script> & "
                                "[Seite](https://example.org/a?b=1&c=2) "
                                "[böse](javascript:alert(1))\n")
        assert parsed.body_html == (
            '<p>A &lt;script&gt;x&lt;/script&gt; &amp; '
            '<a href="https://example.org/a?b=1&amp;c=2">Seite</a> böse</p>')

    def test_hard_line_breaks_and_lists_are_kept(self):
        parsed = parse_document("## Titel\n\nErste Zeile  \nzweite Zeile\n\n- eins\n- zwei\n")
        assert parsed.body_paragraphs == ["<p>Erste Zeile<br>zweite Zeile</p>",
                                          "<ul><li>eins</li><li>zwei</li></ul>"]

    def test_windows_line_endings_parse_the_same(self):
        text = SEED_DOCUMENT.read_text(encoding="utf-8")
        windows = parse_document(text.replace("\n", "\r\n"))
        assert dataclasses.replace(windows, source_hash="") == dataclasses.replace(
            parse_document(text), source_hash="")

    def test_unreadable_sidecar_is_a_document_error(self, tmp_path):
        (tmp_path / "x.txt").write_text(MINIMAL, encoding="utf-8")
        (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
        with pytest.raises(DocumentError, match="x.json"):
            parse_file(tmp_path / "x.txt")

    def test_without_headline_the_body_cannot_be_told_from_the_letterhead(self, tmp_path):
        (tmp_path / "x.txt").write_text("Staatskanzlei\n\nNur Text ohne Überschrift.\n",
                                        encoding="utf-8")
        (tmp_path / "x.json").write_text(json.dumps({"title": "Titel aus der Seitendatei"}),
                                         encoding="utf-8")
        with pytest.raises(DocumentError, match="no text"):
            parse_file(tmp_path / "x.txt")
