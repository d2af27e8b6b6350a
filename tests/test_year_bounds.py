"""Dates an editor can mean: a typing error such as 31.12.9999 or 01.01.0001 is refused
with a message in the form, which keeps what was typed, instead of being stored (and
breaking the lists' year links) or failing with a server error."""

import pytest
import time_machine

from releases.models import Event, Release
from tests.admin_helpers import admin_url, management_form, release_data
from tests.public_data import berlin
from tests.workflow_fixtures import fresh, workflow_url

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

MESSAGE = "Geben Sie ein Datum zwischen den Jahren 1900 und 2199 ein."
OUT_OF_RANGE = [("31.12.9999", "23:59"), ("01.01.0001", "00:30"), ("31.12.1899", "12:00")]


def errors(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize(("day", "time"), OUT_OF_RANGE)
def test_a_release_s_embargo(editor_client, organisation, day, time):
    response = editor_client.post(admin_url(Release, "add"), release_data(
        organisation, embargo_until_0=day, embargo_until_1=time))
    assert response.status_code == 200
    assert errors(response)["embargo_until"] == [MESSAGE]
    assert f'value="{day}"' in response.content.decode()
    assert not Release.objects.exists()


@pytest.mark.parametrize(("day", "time"), OUT_OF_RANGE)
def test_an_appointment_s_start(editor_client, organisation, day, time):
    response = editor_client.post(admin_url(Event, "add"), {
        "title": "Werkstatt", "slug": "werkstatt", "organisation": str(organisation.pk),
        "theme": "", "description": "", "expected_participants": "",
        "starts_at_0": day, "starts_at_1": time, "ends_at_0": "", "ends_at_1": "",
        "venue": "", "address": "", "city": "Dresden", "country": "", "press_information": "",
        "status": "draft", "published_at_0": "", "published_at_1": "",
        "embargo_until_0": "", "embargo_until_1": "",
        **management_form("Release_events-2")})
    assert response.status_code == 200
    assert errors(response)["starts_at"] == [MESSAGE]
    assert not Event.objects.exists()


def test_the_schedule(spokesperson_client, approved):
    with time_machine.travel(berlin(2026, 10, 20, 9, 0), tick=False):
        response = spokesperson_client.post(workflow_url(approved, "schedule"), {
            "version": str(approved.version), "at_0": "31.12.9999", "at_1": "23:59"})
    assert response.status_code == 200
    assert response.context["form"].errors["at"] == [MESSAGE]
    assert fresh(approved).status == Release.Status.APPROVED


def test_the_first_and_last_years_are_taken(editor_client, organisation):
    for day in ("01.01.1900", "31.12.2199"):
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, slug=f"x-{day[-4:]}", embargo_until_0=day, embargo_until_1="10:00"))
        assert response.status_code == 302
    assert Release.objects.count() == 2
