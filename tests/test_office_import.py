"""DOCX and Word-HTML documents as the parser's Markdown: where Word hides text and structure.

Each DOCX is built with python-docx; what python-docx cannot write (tracked
changes, content controls, fields) is added to its XML.
"""

import io
import re
import zipfile

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from exchange.importers import DocumentError, parse_document
from exchange.importers.webpage import html_markdown
from exchange.importers.word import docx_markdown

W = nsdecls("w")
HEADLINE = "Neue Förderprogramme für die Regionen"
DATA = [["Programm", "Volumen", "Frist"],
        ["H2-Regionen", "25 Mio. €", "31.03.2027"],
        ["Kulturräume", "12 Mio. €", "30.06.2027"]]


def markdown(document):
    """The Markdown that word.py makes of ``document`` (a python-docx Document)."""
    return docx_markdown(saved(document))[0]


def saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraphs(text):
    return text.strip().split("\n\n")


def paragraph_with(document, xml):
    """A new paragraph holding ``xml`` (elements that may stand in a w:p)."""
    paragraph = document.add_paragraph()
    for element in parse_xml(f"<w:p {W}>{xml}</w:p>").iterchildren():
        paragraph._p.append(element)
    return paragraph


def body_xml(document, xml):
    """Put ``xml`` (one block-level element) into the body, before its section properties."""
    document.element.body.sectPr.addprevious(parse_xml(xml))


def run(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def with_content_type(raw, content_type):
    """``raw`` with another content type for word/document.xml."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = re.sub(rb'(PartName="/word/document.xml" ContentType=")[^"]+',
                              rb"\g<1>" + content_type.encode(), data)
            target.writestr(name, data)
    return buffer.getvalue()


def with_part(raw, name, data):
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            target.writestr(member, data if member == name else source.read(member))
    return buffer.getvalue()


class TestHiddenText:
    def test_tracked_insertion_is_kept_and_deletion_left_out(self):
        document = docx.Document()
        paragraph_with(document, run("Vorher. ")
                       + f'<w:ins w:id="1" w:author="Max">{run("EINGEFUEGT.")}</w:ins>'
                       + '<w:del w:id="2" w:author="Max"><w:r><w:delText>GELOESCHT.'
                         "</w:delText></w:r></w:del>")
        assert markdown(document) == "Vorher. EINGEFUEGT.\n"

    def test_hidden_text_is_left_out(self):
        document = docx.Document()
        paragraph = document.add_paragraph("Sichtbar.")
        paragraph.add_run(" Intern: noch nicht abgestimmt.").font.hidden = True
        assert markdown(document) == "Sichtbar.\n"

    def test_moved_text_is_read_once_at_its_new_place(self):
        document = docx.Document()
        paragraph_with(document, f'<w:moveFrom w:id="1" w:author="Max">{run("ALT ")}'
                                 "</w:moveFrom>" + run("Mitte ")
                       + f'<w:moveTo w:id="2" w:author="Max">{run("NEU")}</w:moveTo>')
        assert markdown(document) == "Mitte NEU\n"

    def test_content_control_field_result_and_smart_tag_in_a_paragraph(self):
        document = docx.Document()
        paragraph_with(document, run("Ort: ")
                       + f"<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent>{run('Dresden')}"
                         "</w:sdtContent></w:sdt>"
                       + run(", Stand: ")
                       + f'<w:fldSimple w:instr=" DATE ">{run("03.09.2026")}</w:fldSimple>'
                       + run(", Partner: ")
                       + f'<w:smartTag w:uri="urn:x" w:element="place">{run("Kattowitz")}'
                         "</w:smartTag>")
        assert markdown(document) == "Ort: Dresden, Stand: 03.09.2026, Partner: Kattowitz\n"

    def test_link_inside_a_tracked_insertion(self):
        document = docx.Document()
        paragraph = document.add_paragraph("Mehr unter ")
        rel = paragraph.part.relate_to("https://www.smr.sachsen.de/",
                                       docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                                       is_external=True)
        paragraph_with(document, f'<w:ins w:id="1" w:author="Max"><w:hyperlink '
                                 f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                                 f'2006/relationships" r:id="{rel}">{run("smr.sachsen.de")}'
                                 "</w:hyperlink></w:ins>")
        assert "[smr.sachsen.de](https://www.smr.sachsen.de/)" in markdown(document)

    def test_date_picker_and_other_content_controls_holding_whole_blocks(self):
        document = docx.Document()
        document.add_paragraph("Medieninformation", style="Title")
        body_xml(document, f'<w:sdt {W}><w:sdtPr><w:date w:fullDate="2026-09-03T00:00:00Z">'
                           '<w:dateFormat w:val="dd.MM.yyyy"/></w:date></w:sdtPr>'
                           f"<w:sdtContent><w:p>{run('03.09.2026')}</w:p></w:sdtContent>"
                           "</w:sdt>")
        document.add_heading(HEADLINE, level=1)
        body_xml(document, f"<w:sdt {W}><w:sdtPr/><w:sdtContent>"
                           f"<w:p>{run('Erster Absatz im Baustein.')}</w:p>"
                           f"<w:tbl><w:tr><w:tc><w:p>{run('A1')}</w:p></w:tc>"
                           f"<w:tc><w:p>{run('B1')}</w:p></w:tc></w:tr></w:tbl>"
                           "</w:sdtContent></w:sdt>")
        text = markdown(document)
        assert paragraphs(text) == ["# Medieninformation", "03.09.2026", f"# {HEADLINE}",
                                    "Erster Absatz im Baustein.", "| A1 | B1 |\n|---|---|"]
        assert parse_document(text).date.isoformat() == "2026-09-03"

    def test_content_control_showing_its_placeholder_is_left_out(self):
        document = docx.Document()
        document.add_paragraph("Text.")
        body_xml(document, f"<w:sdt {W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
                           f"<w:p>{run('Klicken Sie hier, um ein Datum einzugeben.')}</w:p>"
                           "</w:sdtContent></w:sdt>")
        assert markdown(document) == "Text.\n"


class TestTables:
    def letter(self):
        """A letterhead with its contact box in a table, then the headline."""
        document = docx.Document()
        document.add_paragraph("Medieninformation", style="Title")
        box = document.add_table(rows=2, cols=2)
        box.cell(0, 0).paragraphs[0].add_run("Ihr Ansprechpartner").bold = True
        box.cell(0, 1).text = "Frank Meyer"
        box.cell(1, 0).paragraphs[0].add_run("Durchwahl").bold = True
        box.cell(1, 1).text = "Telefon +49 351 564 50024"
        document.add_paragraph("08.10.2021")
        document.add_heading(HEADLINE, level=1)
        document.add_paragraph("Der Freistaat fördert drei Programme.")
        return document

    def add_data(self, document):
        table = document.add_table(rows=3, cols=3)
        for row, values in zip(table.rows, DATA, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        return table

    def test_data_table_after_the_headline_stays_a_table(self):
        document = self.letter()
        self.add_data(document)
        assert paragraphs(markdown(document))[-1] == (
            "| Programm | Volumen | Frist |\n|---|---|---|\n"
            "| H2-Regionen | 25 Mio. € | 31.03.2027 |\n| Kulturräume | 12 Mio. € | 30.06.2027 |")
        assert parse_document(markdown(document)).body_paragraphs[-1] == (
            "<table><thead><tr><th>Programm</th><th>Volumen</th><th>Frist</th></tr></thead>"
            "<tbody><tr><td>H2-Regionen</td><td>25 Mio. €</td><td>31.03.2027</td></tr>"
            "<tr><td>Kulturräume</td><td>12 Mio. €</td><td>30.06.2027</td></tr></tbody>"
            "</table>")

    def test_a_bar_in_a_cell_is_text(self):
        document = self.letter()
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Tel. | Fax", "B"
        table.cell(1, 0).text, table.cell(1, 1).text = "1", "2"
        assert "<th>Tel. | Fax</th><th>B</th>" in parse_document(
            markdown(document)).body_paragraphs[-1]

    def test_letterhead_table_is_still_read_cell_by_cell(self):
        document = self.letter()
        self.add_data(document)
        text = markdown(document)
        assert paragraphs(text)[1:5] == ["**Ihr Ansprechpartner**", "Frank Meyer",
                                         "**Durchwahl**", "Telefon +49 351 564 50024"]
        parsed = parse_document(text)
        assert (parsed.contact_name, parsed.contact_phone) == ("Frank Meyer",
                                                               "+49 351 564 50024")
        assert parsed.title == HEADLINE
        assert "<td>H2-Regionen</td>" in parsed.body_html

    def test_document_without_letterhead_reads_its_table_as_data(self):
        document = docx.Document()
        document.add_heading(HEADLINE, level=1)
        self.add_data(document)
        assert paragraphs(markdown(document))[1].startswith("| Programm | Volumen | Frist |")

    def test_merged_cells_are_read_once(self):
        document = self.letter()
        table = self.add_data(document)
        merged = table.cell(2, 1).merge(table.cell(2, 2))
        merged.text = "offen"
        # python-docx moves the text of vertically merged cells into the first one.
        table.cell(0, 0).merge(table.cell(1, 0))
        text = markdown(document)
        assert paragraphs(text)[-1] == (
            "| Programm H2-Regionen | Volumen | Frist |\n|---|---|---|\n"
            "|  | 25 Mio. € | 31.03.2027 |\n| Kulturräume | offen |  |")

    def test_row_with_one_filled_cell_keeps_its_paragraphs(self):
        document = self.letter()
        box = document.add_table(rows=1, cols=1)
        box.cell(0, 0).text = "Hintergrund"
        box.cell(0, 0).add_paragraph("Die Programme laufen seit 2021.")
        assert paragraphs(markdown(document))[-2:] == ["Hintergrund",
                                                       "Die Programme laufen seit 2021."]


class TestBreaksAndFormats:
    def test_line_break_is_a_hard_break_page_break_and_tab_a_space(self):
        document = docx.Document()
        paragraph = document.add_paragraph("Zeile eins")
        paragraph.add_run().add_break()
        paragraph.add_run("Zeile zwei")
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        paragraph.add_run("Seite zwei")
        paragraph.add_run().add_break(WD_BREAK.COLUMN)
        paragraph.add_run("Spalte\tzwei")
        assert markdown(document) == "Zeile eins  \nZeile zwei Seite zwei Spalte zwei\n"

    def test_carriage_return_is_a_hard_break(self):
        document = docx.Document()
        paragraph_with(document, f"{run('Zeile eins')}<w:r><w:cr/></w:r>{run('Zeile zwei')}")
        assert markdown(document) == "Zeile eins  \nZeile zwei\n"

    def test_italic_and_bold_text(self):
        document = docx.Document()
        document.add_heading(HEADLINE, level=1)
        paragraph = document.add_paragraph("Das Programm ")
        paragraph.add_run("simul+").italic = True
        paragraph.add_run(" startet ")
        paragraph.add_run("heute").bold = True
        both = paragraph.add_run(" wirklich")
        both.bold = both.italic = True
        assert paragraphs(markdown(document))[-1] == (
            "Das Programm *simul+* startet **heute wirklich**")
        assert parse_document(markdown(document)).body_html == (
            "<p>Das Programm <em>simul+</em> startet <strong>heute wirklich</strong></p>")


class TestUnreadableFiles:
    def message(self, raw):
        with translation.override("en"), pytest.raises(DocumentError) as error:
            docx_markdown(raw)
        message = str(error.value)
        assert not re.search(r"0x[0-9a-f]+|object at|BytesIO", message)
        return message

    def test_macro_document_is_named_as_such(self):
        raw = with_content_type(saved(docx.Document()),
                                "application/vnd.ms-word.document.macroEnabled.main+xml")
        assert self.message(raw) == ("The document contains macros (.docm); save it as a plain "
                                     "Word document (.docx) and import that.")

    def test_template_is_named_as_such(self):
        raw = with_content_type(
            saved(docx.Document()),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
        assert self.message(raw).startswith("The document is a Word template (.dotx)")

    def test_damaged_xml_gives_a_sentence_without_internals(self):
        raw = with_part(saved(docx.Document()), "word/document.xml", b"<w:document><oops")
        assert self.message(raw) == "The DOCX file is damaged and cannot be read."

    def test_missing_part_gives_a_sentence_without_internals(self):
        raw = with_part(saved(docx.Document()), "[Content_Types].xml",
                        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                        b'package/2006/content-types"/>')
        assert self.message(raw).startswith("The DOCX file cannot be read: ")


WORD_HTML = """<html><head><style>p.MsoListParagraph {margin:0}</style></head><body>
<p class=MsoNormal>Die Ministerin nannte drei Ziele:</p>
<p class=MsoListParagraphCxSpFirst><span style='font-family:Symbol'>·<span>&nbsp;&nbsp;</span>\
</span>Mehr Geld für die Kulturräume</p>
<p class=MsoListParagraphCxSpMiddle style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>\
<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·\
<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;</span></span></span>\
<![endif]>Schnellere <b>Verfahren</b></p>
<p class=MsoListParagraphCxSpLast><span style='font-family:Wingdings'>§<span>&nbsp;</span>\
</span>Weniger Formulare</p>
<p class=MsoNormal>Der Zeitplan:</p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l1 level1 lfo2'><![if !supportLists]>\
<span><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp;</span></span></span><![endif]>\
Antrag stellen</p>
<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'><![if !supportLists]>\
<span><span style='mso-list:Ignore'>2.<span>&nbsp;&nbsp;</span></span></span><![endif]>\
Bescheid abwarten</p>
<p class=MsoNormal>§ 5 der Richtlinie gilt weiter.</p>
<p class=MsoListParagraph><span style='font-family:"Courier New"'>o<span>&nbsp;&nbsp;</span>\
</span>Einzelner Punkt</p>
</body></html>"""


class TestWordHtml:
    def test_bullet_paragraphs_become_one_list(self):
        text = html_markdown(WORD_HTML)[0]
        assert paragraphs(text)[:2] == [
            "Die Ministerin nannte drei Ziele:",
            "- Mehr Geld für die Kulturräume\n- Schnellere **Verfahren**\n- Weniger Formulare"]

    def test_numbered_paragraphs_become_a_list_keeping_their_numbers(self):
        text = html_markdown(WORD_HTML)[0]
        assert paragraphs(text)[3] == "- 1. Antrag stellen\n- 2. Bescheid abwarten"

    def test_italics(self):
        text = html_markdown("<main><h1>Titel</h1><p>Das <em>Programm</em> und "
                             "<i>mehr</i></p></main>")[0]
        assert paragraphs(text)[-1] == "Das *Programm* und *mehr*"

    def test_ordinary_paragraphs_keep_their_leading_characters(self):
        text = html_markdown(WORD_HTML)[0]
        assert paragraphs(text)[4:] == ["§ 5 der Richtlinie gilt weiter.", "- Einzelner Punkt"]

    def test_list_reaches_the_body_as_a_list(self):
        page = WORD_HTML.replace("<body>", f"<body><h1>{HEADLINE}</h1>")
        body = parse_document(html_markdown(page)[0]).body_html
        assert re.search(r"<ul><li>Mehr Geld für die Kulturräume</li><li>Schnellere "
                         r"<strong>Verfahren</strong></li><li>Weniger Formulare</li></ul>", body)
