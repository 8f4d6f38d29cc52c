"""The API's conventions: absolute identifiers and `type` on every object, pages with `next` links, the filters
(`body`, `date_from`/`date_to`, `modified_since`, with a French 400 on a bad value), ETag and If-None-Match,
codes as values beside their French labels; no draft record; personal data to the secretariat only."""

import datetime

import pytest
import time_machine

from commissions.composition.models import Mandate
from commissions.composition.services import mandate_end
from commissions.meetings.models import Meeting
from commissions.meetings.services import meeting_create
from tests.api.conftest import client_for

LISTS = ["bodies", "sections", "organizations", "posts", "memberships", "persons", "meetings", "agendaItems"]
LISTS += ["records", "files", "tables"]


@pytest.fixture
def full(commission, alice, presidents, member_user, transmitted, planned, draft):
    return client_for(alice)


@pytest.mark.parametrize("endpoint", LISTS)
def test_every_object_has_an_absolute_id_a_type_and_its_dates(full, endpoint):
    rows = full.get(f"/api/v1/{endpoint}/").json()["data"]
    for row in rows:
        assert row["id"].startswith(f"http://testserver/api/v1/{endpoint}/")
        assert full.get(row["id"]).json()["id"] == row["id"]
        assert row["type"] and row["deleted"] is False
        assert datetime.datetime.fromisoformat(row["modified"]) >= datetime.datetime.fromisoformat(row["created"])


def test_a_long_list_comes_in_pages_linked_by_next(full, commission):
    for day in range(1, 8):
        meeting_create(commission=commission, date=datetime.date(2027, 1, day), start_time=datetime.time(9))
    total = Meeting.objects.filter(commission=commission).count()
    seen, url, pages = [], "/api/v1/meetings/?page_size=3", 0
    while url:
        answer = full.get(url).json()
        assert answer["pagination"]["totalElements"] == total
        seen += [row["id"] for row in answer["data"]]
        url, pages = answer["links"]["next"], pages + 1
    assert pages == -(-total // 3) and len(set(seen)) == total


def test_a_page_past_the_end_answers_404_in_french(full):
    response = full.get("/api/v1/meetings/?page=99")
    assert response.status_code == 404 and response.json() == {"detail": "Page invalide."}


def test_meetings_filtered_by_body_and_dates(full, commission, planned, transmitted):
    meetings = full.get("/api/v1/meetings/", {"body": commission.slug, "date_from": "2026-11-01"}).json()["data"]
    assert [row["start"] for row in meetings] == ["2026-12-03T10:00:00+01:00", "2026-11-02T14:00:00+01:00"]
    meetings = full.get("/api/v1/meetings/", {"date_to": "2026-10-31"}).json()["data"]
    assert [row["start"] for row in meetings] == ["2026-10-01T14:00:00+02:00"]
    assert full.get("/api/v1/meetings/", {"body": "cpr-reunion"}).json()["data"] == []


def test_modified_since_gives_what_changed_after_a_sync(full, planned, frozen_today):
    since = "2026-11-22T12:30:00+01:00"
    assert full.get("/api/v1/meetings/", {"modified_since": since}).json()["data"] == []
    frozen_today.shift(datetime.timedelta(hours=1))
    planned.place = "Marseille"
    planned.save()
    rows = full.get("/api/v1/meetings/", {"modified_since": since}).json()["data"]
    assert [row["location"] for row in rows] == ["Marseille"]


def _composition_object(commission, endpoint: str):
    mandate = Mandate.objects.filter(seat__section__commission=commission).select_related("seat").first()
    return {
        "bodies": commission,
        "sections": mandate.seat.section,
        "organizations": mandate.seat.organisation,
        "posts": mandate.seat,
        "memberships": mandate,
        "persons": mandate.person,
    }[endpoint]


@pytest.mark.parametrize("endpoint", ["bodies", "sections", "organizations", "posts", "memberships", "persons"])
def test_modified_since_gives_the_composition_s_objects_changed_after_a_sync(full, commission, endpoint):
    since = {"modified_since": "2030-01-01T00:00:00+01:00"}
    assert full.get(f"/api/v1/{endpoint}/", since).json()["data"] == []
    changed = _composition_object(commission, endpoint)
    with time_machine.travel("2030-01-02 09:00:00+00:00", tick=False):
        changed.save()
    rows = full.get(f"/api/v1/{endpoint}/", since).json()["data"]
    assert [row["id"] for row in rows] == [f"http://testserver/api/v1/{endpoint}/{changed.pk}/"]
    assert rows[0]["modified"] == "2030-01-02T10:00:00+01:00"
    assert datetime.datetime.fromisoformat(rows[0]["created"]) < datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)


def test_a_mandate_ended_by_the_service_is_modified(full, commission):
    mandate = Mandate.objects.filter(seat__section__commission=commission, end=None).first()
    with time_machine.travel("2030-01-02 09:00:00+00:00", tick=False):
        mandate_end(mandate=mandate, end=datetime.date(2029, 12, 31))
    rows = full.get("/api/v1/memberships/", {"modified_since": "2030-01-01T00:00:00+01:00"}).json()["data"]
    assert [(row["id"], row["endDate"]) for row in rows] == [
        (f"http://testserver/api/v1/memberships/{mandate.pk}/", "2029-12-31")
    ]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "03/12/2026"}, "date_from", "Date invalide « 03/12/2026 » : format AAAA-MM-JJ attendu."),
        ({"modified_since": "2026-11-22T12:00:00"}, "modified_since", "format ISO 8601 avec fuseau attendu"),
        ({"meeting": "abc"}, "meeting", "Numéro invalide « abc » : un entier positif est attendu."),
        ({"modified_since": "0001-01-01T00:00:00+01:00"}, "modified_since", "format ISO 8601 avec fuseau attendu"),
    ],
)
def test_a_filter_that_cannot_be_read_answers_400_in_french(full, params, field, message):
    url = "/api/v1/agendaItems/" if "meeting" in params else "/api/v1/meetings/"
    response = full.get(url, params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_modified_since_takes_any_offset_iso_8601_allows(full, planned):
    # PostgreSQL refuses an offset beyond ±15:59 in a timestamp: the moment is compared in UTC.
    rows = full.get("/api/v1/meetings/", {"modified_since": "2026-11-22T23:30:00+23:00"}).json()["data"]
    assert f"http://testserver/api/v1/meetings/{planned.pk}/" in [row["id"] for row in rows]  # 00:30 UTC
    assert full.get("/api/v1/persons/", {"modified_since": "2030-11-22T12:00:00-19:32"}).json()["data"] == []


def test_an_unchanged_answer_is_304_to_a_client_holding_its_etag(full, planned):
    first = full.get(f"/api/v1/meetings/{planned.pk}/")
    etag = first["ETag"]
    assert etag.startswith('"') and "Authorization" in first["Vary"]
    again = full.get(f"/api/v1/meetings/{planned.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    planned.place = "Aix-en-Provence"
    planned.save()
    changed = full.get(f"/api/v1/meetings/{planned.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["location"] == "Aix-en-Provence"


def test_codes_are_values_and_french_labels_are_data(full, planned):
    meeting = full.get(f"/api/v1/meetings/{planned.pk}/").json()
    assert (meeting["state"], meeting["stateLabel"]) == ("prevue", "Prévue")
    assert meeting["attendance"] is None  # not held yet
    body = full.get(meeting["body"]).json()
    assert (body["level"], body["levelLabel"]) == ("CPR", "Commission paritaire régionale")
    assert body["timeZone"] == "Europe/Paris"


def test_no_draft_record_is_given(full, draft, transmitted):
    records = full.get("/api/v1/records/").json()["data"]
    assert [row["id"] for row in records] == [f"http://testserver/api/v1/records/{transmitted.pk}/"]
    assert full.get(f"/api/v1/records/{draft.pk}/").status_code == 404


def test_a_meeting_s_attendance_once_held(full, transmitted, presidents):
    meeting = full.get(f"/api/v1/meetings/{transmitted.meeting_id}/").json()
    people = {row["person"]: row["status"] for row in meeting["attendance"]}
    assert people == {f"http://testserver/api/v1/persons/{person.pk}/": "present" for person in presidents}


@pytest.mark.parametrize(
    ("role", "sees_contact"),
    [("secretariat", True), ("admin", True), ("president", False), ("member", False)],
)
def test_e_mail_and_phone_only_for_the_commission_s_secretariat(
    commission, alice, admin_user, presidents, member_user, role, sees_contact
):
    person = presidents[1]
    person.phone = "04 91 00 00 00"
    person.save()
    user = {"secretariat": alice, "admin": admin_user, "president": presidents[0].user, "member": member_user}[role]
    row = client_for(user).get(f"/api/v1/persons/{person.pk}/").json()
    assert row["name"] == person.display_name
    if sees_contact:
        assert (row["email"], row["phone"]) == (person.email, "04 91 00 00 00")
    else:
        assert (row["email"], row["phone"]) == (None, None)


def test_a_person_of_two_commissions_shows_contacts_only_to_the_secretariat_of_one_of_them(
    commission, other_commission, alice, bob, presidents
):
    from commissions.composition.models import SectionKind
    from tests.factories import seat_member

    person = presidents[0]
    seat_member(other_commission, SectionKind.SOCIAL, person=person)
    assert client_for(bob).get(f"/api/v1/persons/{person.pk}/").json()["email"] == person.email
    other = seat_member(commission, SectionKind.SOCIAL).person
    assert client_for(bob).get(f"/api/v1/persons/{other.pk}/").status_code == 404


def test_the_presidency_of_each_year(full, commission, presidents):
    rows = full.get(f"/api/v1/bodies/{commission.pk}/presidencies/").json()
    by_year = {row["year"]: row for row in rows}
    # The reference year 2024 is the professional section's; the presidency alternates each year.
    assert by_year[2026]["presidentSection"] == "professionnelle"
    assert by_year[2026]["president"] == f"http://testserver/api/v1/persons/{presidents[1].pk}/"
    assert by_year[2026]["vicePresidentSection"] == "sociale"
    assert (by_year[2026]["source"], by_year[2026]["sourceLabel"]) == ("rule", "règle de rotation")


def test_the_presidency_states_the_article_in_force_that_year(full, commission, presidents):
    from commissions.composition.models import PresidencyArticle
    from tests.factories import make_session

    make_session(commission, datetime.date(2024, 5, 1))  # a year of meetings: its presidency is listed
    PresidencyArticle.objects.create(commission=commission, start="2024-01-01", article="article 49 paragraphe 1")
    PresidencyArticle.objects.create(commission=commission, start="2025-01-01", article="article 48 paragraphe 1")
    rows = {row["year"]: row for row in full.get(f"/api/v1/bodies/{commission.pk}/presidencies/").json()}
    assert (rows[2024]["article"], rows[2026]["article"]) == ("article 49 paragraphe 1", "article 48 paragraphe 1")
