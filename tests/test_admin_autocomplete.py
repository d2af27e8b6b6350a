"""A value no row can have, sent for an autocomplete field (by hand: the widget offers
none), is refused with the field's message, never with a server error."""

import pytest

from releases.models import Contact, Event, Release
from tests.admin_helpers import admin_url, management_form, release_data

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "9" * 30, "-1", "1.5"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_release_s_organisation_and_contacts(admin_client, organisation, value):
    data = {**release_data(organisation), "organisation": value, "contacts": [value],
            "topics": [value]}
    response = admin_client.post(admin_url(Release, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"organisation", "contacts", "topics"} <= set(errors)
    assert not Release.objects.exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_an_appointment_s_links(admin_client, organisation, value):
    response = admin_client.post(admin_url(Event, "add"), {
        "title": "Werkstatt", "slug": "werkstatt", "organisation": value,
        "theme": "", "description": "", "expected_participants": "",
        "starts_at_0": "10.03.2027", "starts_at_1": "10:00", "ends_at_0": "", "ends_at_1": "",
        "has_time": "on", "venue": "", "address": "", "city": "Dresden", "country": "",
        "press_information": "", "ministers": [value], "topics": [value], "delegation": value,
        "status": "draft", "published_at_0": "", "published_at_1": "",
        "embargo_until_0": "", "embargo_until_1": "", **management_form("Release_events")})
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_a_contact_s_organisation(admin_client):
    response = admin_client.post(admin_url(Contact, "add"), {
        "name": "Frank Meyer", "role": "", "phone": "", "mobile": "", "email": "",
        "organisation": "abc", "is_active": "on"})
    assert response.status_code == 200
    assert not Contact.objects.exists()
