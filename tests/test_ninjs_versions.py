"""Importing versions of the same item: out of order, dated by their version time,
restored from an export with numbers of their own, and of the wrong JSON type."""

import datetime
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from releases.models import Release

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DPA = json.loads((Path(__file__).resolve().parent / "data" / "ninjs"
                  / "dpa-example-text-2.1.json").read_text(encoding="utf-8"))
FIRST_TITLE = DPA["headlines"][0]["value"]
FIRST_TIME = datetime.datetime(2019, 5, 10, 16, 2, 28, tzinfo=BERLIN)
HOUR = datetime.timedelta(hours=1)


def version(number, versioncreated, **extra):
    """The dpa item as version ``number``; a later one has a title and text of its own."""
    item = {**DPA, "version": str(number), "versioncreated": versioncreated, **extra}
    if number > 2:
        item["headlines"] = [{"role": "main", "value": f"Fassung {number}"}]
        item["bodies"] = [{"role": "main", "contenttype": "text/html",
                           "value": f"<p>Text der Fassung {number}.</p>"}]
    return item


def run(tmp_path, *items, expect_failure=False):
    """Import ``items`` as JSON Lines with --publish for SMR; (stdout, stderr)."""
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in items), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    args = ("import_releases", str(path), "--publish", "--organisation", "smr")
    with translation.override("en"):
        if expect_failure:
            with pytest.raises(CommandError):
                call_command(*args, stdout=out, stderr=err)
        else:
            call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


V2 = version(2, "2019-05-10T16:02:28+02:00")
V3 = version(3, "2019-05-10T18:00:00+02:00")


@pytest.mark.django_db
class TestOlderVersions:
    def test_an_older_version_after_a_newer_one_is_skipped_with_a_note(self, organisation,
                                                                       tmp_path):
        run(tmp_path, V3)
        before = Release.objects.values().get()
        out, err = run(tmp_path, V2)
        assert "0 releases created, 0 updated, 1 unchanged, 0 failed" in out
        assert "Older than the stored version" in out
        assert err == ""
        assert Release.objects.values().get() == before
        assert Release.objects.get().title == "Fassung 3"

    def test_the_older_version_in_the_same_feed_as_the_newer_one(self, organisation, tmp_path):
        run(tmp_path, V2, V3, V2)
        release = Release.objects.get()
        assert (release.title, release.body) == ("Fassung 3", "<p>Text der Fassung 3.</p>")
        assert release.last_public_change_at == datetime.datetime(2019, 5, 10, 18,
                                                                  tzinfo=BERLIN)

    def test_a_newer_version_and_the_same_version_again_are_imported(self, organisation,
                                                                     tmp_path):
        run(tmp_path, V2)
        out, _err = run(tmp_path, V3)
        assert "0 releases created, 1 updated" in out
        out, _err = run(tmp_path, V3)
        assert "1 unchanged" in out and "Older" not in out
        assert Release.objects.get().title == "Fassung 3"


@pytest.mark.django_db
class TestPublicationDateOfVersions:
    def test_a_later_version_keeps_the_publication_date_and_number(self, organisation,
                                                                   tmp_path):
        run(tmp_path, V2)
        run(tmp_path, V3)
        release = Release.objects.get()
        assert (release.published_at, release.number_label) == (FIRST_TIME, "1/2019")
        assert release.last_public_change_at == datetime.datetime(2019, 5, 10, 18,
                                                                  tzinfo=BERLIN)

    def test_a_version_that_states_its_publication_time_moves_it(self, organisation, tmp_path):
        run(tmp_path, V2)
        run(tmp_path, {**V3, "contentcreated": "2019-05-10T17:00:00+02:00"})
        assert Release.objects.get().published_at == datetime.datetime(2019, 5, 10, 17,
                                                                       tzinfo=BERLIN)

    def test_a_version_cannot_move_a_numbered_release_into_another_year(self, organisation,
                                                                        tmp_path):
        run(tmp_path, V2)
        _out, err = run(tmp_path, {**V3, "contentcreated": "2020-01-02T09:00:00+01:00"},
                        expect_failure=True)
        assert "numbered 1/2019" in err and "2020" in err
        release = Release.objects.get()
        assert (release.title, release.published_at) == (FIRST_TITLE, FIRST_TIME)


def export(tmp_path):
    path = tmp_path / "export.jsonl"
    call_command("export_releases", "--output", str(path), stdout=io.StringIO(),
                 stderr=io.StringIO())
    return path


@pytest.mark.django_db
class TestRestoringNumbers:
    def test_a_public_release_not_yet_numbered_takes_no_number_a_later_line_carries(
            self, make_release, tmp_path):
        now = timezone.now()
        year = timezone.localtime(now).year
        # Its embargo ended an hour ago; publish_due has not numbered it yet.
        waiting = make_release(title="Sperrfrist vorbei", published_at=now - 2 * HOUR,
                               embargo_until=now - HOUR, effects_done_at=None)
        numbered = make_release(title="Nummeriert", number=1, number_year=year)
        path = export(tmp_path)
        Release.objects.all().delete()
        out = io.StringIO()
        with translation.override("en"):
            call_command("import_releases", str(path), "--publish", stdout=out,
                         stderr=io.StringIO())
        assert "2 releases created" in out.getvalue()
        numbers = dict(Release.objects.values_list("uuid", "number"))
        assert numbers == {numbered.uuid: 1, waiting.uuid: 2}
        assert Release.objects.public().count() == 2


@pytest.mark.django_db
class TestWrongTypes:
    @pytest.mark.parametrize(("extra", "message"), [
        ({"genres": [{"literal": ["x"]}]}, "genres[0].literal: expected text, found a list."),
        ({"people": [{"name": "X Y", "rel": "contact", "contactinfo": 5}]},
         "people[0].contactinfo: expected a list, found a number."),
        ({"organisations": [{"name": "O", "contactinfo": 7}]},
         "organisations[0].contactinfo: expected a list, found a number."),
        ({"organisations": [{"name": "O", "contactinfo": [{"address": "Dresden"}]}]},
         "organisations[0].contactinfo[0].address: expected an object, found text."),
        ({"headlines": [{"role": "main", "value": "Titel \ud800"}]},
         "headlines[0].value: the text holds a character that is not Unicode"),
    ])
    def test_the_item_is_refused_naming_the_field(self, organisation, tmp_path, extra,
                                                  message):
        _out, err = run(tmp_path, {**V2, **extra}, expect_failure=True)
        assert message in err
        assert "unexpected error" not in err
        assert not Release.objects.exists()
