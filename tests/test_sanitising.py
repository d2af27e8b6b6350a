"""Rich text is cleaned on save: hostile markup comes out inert, good markup survives."""

import re

import pytest

from releases.html import clean_html, html_to_text

HOSTILE = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example"><input name=a></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<body onload=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<style>@import "https://evil.example/x.css";</style>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<a href="#" onmouseover="alert(1)">x</a>',
    '<!--<img src=x onerror=alert(1)>-->',
    '<blockquote cite="javascript:alert(1)">x</blockquote>',
    '<<script>script>alert(1)<</script>/script>',
]

ON_ATTRIBUTE = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
URL_ATTRIBUTE = re.compile(r'(?:href|src|cite|action|background)="([^"]*)"', re.IGNORECASE)
SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|/|#|[^:]*$)", re.IGNORECASE)


def assert_inert(html):
    assert "<script" not in html.lower()
    assert not ON_ATTRIBUTE.search(html)
    assert "style=" not in html.lower()
    for tag in ("<iframe", "<object", "<embed", "<form", "<svg", "<math", "<img", "<meta",
                "<base", "<style"):
        assert tag not in html.lower()
    for url in URL_ATTRIBUTE.findall(html):
        assert SAFE_URL.match(url.strip()), url


class TestCleanHtml:
    @pytest.mark.parametrize("payload", HOSTILE)
    def test_hostile_markup_comes_out_inert(self, payload):
        assert_inert(clean_html(payload))

    def test_headings_lists_links_tables_and_umlauts_survive(self):
        html = (
            "<h2>Überschrift</h2><h3>Zwischenzeile</h3><p><strong>Fett</strong> und "
            "<em>kursiv</em>: Größe, Straße, Ärger, Öl, Übung, »Zitat«</p>"
            "<ul><li>eins</li></ul><ol><li>zwei</li></ol>"
            '<p><a href="https://www.smr.sachsen.de">SMR</a> '
            '<a href="mailto:medien@smr.sachsen.de">Mail</a> '
            '<a href="tel:+4935156450024">Telefon</a> <a href="/themen/polen/">Polen</a></p>'
            "<blockquote><p>Zitat</p></blockquote>"
            "<table><thead><tr><th>Ort</th></tr></thead><tbody><tr><td>Kattowitz</td></tr></tbody>"
            "</table>"
        )
        cleaned = clean_html(html)
        for fragment in ("<h2>Überschrift</h2>", "<h3>", "<strong>Fett</strong>", "<em>kursiv</em>",
                         "Größe, Straße, Ärger, Öl, Übung, »Zitat«", "<ul><li>eins</li></ul>",
                         "<ol><li>zwei</li></ol>", 'href="https://www.smr.sachsen.de"',
                         'href="mailto:medien@smr.sachsen.de"', 'href="tel:+4935156450024"',
                         'href="/themen/polen/"', "<blockquote>", "<table>", "<th>Ort</th>",
                         "<td>Kattowitz</td>"):
            assert fragment in cleaned

    def test_links_get_safe_rel(self):
        assert 'rel="noopener noreferrer"' in clean_html('<a href="https://example.org">x</a>')

    def test_text_of_removed_script_is_gone(self):
        assert "alert" not in clean_html("<p>Hallo</p><script>alert(1)</script>")

    def test_empty_paragraphs_are_dropped(self):
        assert clean_html("<p>&nbsp;</p><p>Text</p><p> </p>") == "<p>Text</p>"

    def test_empty_value_is_empty_string(self):
        assert clean_html(None) == ""

    def test_plain_text_of_rich_text_keeps_paragraph_breaks(self):
        assert html_to_text("<p>Eins</p><p>Zwei &amp; drei</p>") == "Eins\nZwei & drei"

    def test_plain_text_of_a_table_keeps_its_cells_apart(self):
        assert html_to_text("<table><tr><th>Programm</th><th>Volumen</th></tr><tr>"
                            "<td>H2</td><td>25 Mio.</td></tr></table>") == (
            "Programm Volumen \nH2 25 Mio.")


@pytest.mark.django_db
class TestSanitisedOnSave:
    @pytest.mark.parametrize("payload", HOSTILE)
    def test_release_body_is_cleaned_on_save(self, make_release, payload):
        release = make_release(body=f"<p>Vorher</p>{payload}<p>Nachher</p>")
        release.refresh_from_db()
        assert_inert(release.body)
        assert release.body.startswith("<p>Vorher</p>")

    def test_organisation_footer_is_cleaned_on_save(self, organisation):
        organisation.footer = '<p onclick="x()">Fußzeile<script>alert(1)</script></p>'
        organisation.save()
        organisation.refresh_from_db()
        assert organisation.footer == "<p>Fußzeile</p>"

    def test_bulk_create_is_cleaned_too(self, organisation):
        from releases.models import Release

        Release.objects.bulk_create([Release(organisation=organisation, title="T", slug="t",
                                             body="<p>ok</p><script>alert(1)</script>")])
        assert Release.objects.get(slug="t").body == "<p>ok</p>"


class TestBlocksOutsideTheAllowlist:
    """What the editor's source view or a paste brings keeps its text apart."""

    def test_source_view_blocks_stay_apart(self):
        assert clean_html("<h1>Hauptzeile</h1><div>Erster Absatz</div><div>Zweiter Absatz</div>"
                          "<p>Dritter</p>") == (
            "<h2>Hauptzeile</h2><p>Erster Absatz</p><p>Zweiter Absatz</p><p>Dritter</p>")

    def test_nested_boxes_and_deep_headings(self):
        assert clean_html('<section class="x"><div><div>Text</div></div></section>'
                          "<h5>Klein</h5><H6>Kleiner</H6>") == (
            "<p>Text</p><h4>Klein</h4><h4>Kleiner</h4>")

    def test_a_word_containing_a_tag_name_is_left_alone(self):
        assert clean_html("<p>&lt;divers&gt; <b>h1</b></p><diverse>x</diverse>") == (
            "<p>&lt;divers&gt; <b>h1</b></p>x")
