"""The API's documentation page (/api/): every operation of the OpenAPI document with its
parameters and answers, and example answers the API itself would give."""

import datetime
import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PAGE = "/api/"


def page(client, url=PAGE):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def examples(content):
    """The example answers on the page, parsed."""
    return [json.loads(html.unescape(text)) for text in
            re.findall(r'<pre class="api-example"><code>(.*?)</code></pre>', content, re.S)]


class TestApiDocumentation:
    def test_url_name(self):
        assert reverse("releases:api-documentation") == PAGE

    def test_page_lists_every_operation_and_parameter_of_the_openapi_document(self, client):
        document = json.loads(client.get(reverse("releases:api-openapi")).content)
        content = page(client)
        with translation.override("de"):
            for path, operations in document["paths"].items():
                for method, operation in operations.items():
                    heading = f'<h2 id="{operation["operationId"]}">{method.upper()} ' \
                              f"<code>{html.escape(path)}</code></h2>"
                    assert heading in content, (method, path)
                    assert translation.gettext(operation["summary"]) in content
                    for parameter in operation.get("parameters", []):
                        assert f"<dt><code>{parameter['name']}</code></dt>" in content
                        assert html.escape(translation.gettext(
                            parameter["description"]), quote=False) in content
                    for status in operation["responses"]:
                        assert f"<dt><code>{status}</code></dt>" in content

    def test_page_says_where_and_of_which_type_and_whether_required(self, client):
        content = page(client)
        assert ("<dt><code>uuid</code></dt>\n    <dd><span class=\"meta\">Pfadparameter · "
                "<code>string</code> · Pflichtangabe</span>") in content
        assert ("<dt><code>page_size</code></dt>\n    <dd><span class=\"meta\">"
                "Abfrageparameter · <code>integer</code> · optional</span><br>"
                "Medieninformationen je Seite. Von 1 bis 100. Standard: 20.</dd>") in content
        assert "Einer der Werte: medieninformation, presseeinladung" in content

    def test_examples_are_the_api_s_own_answers_for_the_newest_public_release(
            self, client, make_release):
        make_release(title="Ältere Meldung",
                     published_at=datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC))
        release = make_release(title="Neueste Meldung")
        make_release(title="Noch unter Sperrfrist",
                     embargo_until=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        page_example, release_example = examples(page(client))
        answer = json.loads(client.get(f"/api/releases/{release.uuid}/").content)
        assert release_example == answer
        assert page_example["count"] == 2
        assert page_example["results"] == [answer]
        assert page_example["next"].endswith("/api/releases/?page=2&page_size=1")

    def test_without_a_public_release_the_page_says_the_example_follows(self, client):
        content = page(client)
        assert examples(content) == []
        assert "Das Beispiel erscheint mit der ersten öffentlichen Medieninformation." in content

    def test_page_is_german_and_english_under_en(self, client):
        assert "<h1>Schnittstelle (API)</h1>" in page(client)
        assert "Öffentliche Medieninformationen, neueste zuerst" in page(client)
        content = page(client, "/en" + PAGE)
        assert "<h1>Interface (API)</h1>" in content
        assert "Public releases, newest first" in content

    def test_page_runs_no_script_and_sets_no_cookie(self, client, make_release):
        make_release(title="<script>alert(1)</script>")
        response = client.get(PAGE)
        assert "<script" not in response.content.decode()
        assert not response.cookies

    def test_page_is_served_from_the_page_cache(self, client, make_release,
                                                django_assert_num_queries):
        make_release()
        first = client.get(PAGE)
        with django_assert_num_queries(0):
            second = client.get(PAGE)
        assert second.content == first.content
        assert "public" in second["Cache-Control"]
