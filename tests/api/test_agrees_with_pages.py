"""What the API gives is what the portal shows: a full composition read through the API is the CSV export's, and
a transmitted record read through the API is what its RDD page says."""

import csv
import datetime
import hashlib
import html
import io

from commissions.composition.models import Mandate, SectionKind
from tests.api.conftest import client_for
from tests.factories import MandateFactory, PersonFactory, SeatFactory, seat_member


def every(client, url: str) -> list[dict]:
    """Every object of a list, following its `next` links."""
    rows = []
    while url:
        answer = client.get(url).json()
        rows += answer["data"]
        url = answer["links"]["next"]
    return rows


def french(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def composition_through_the_api(client, slug: str, day: datetime.date) -> list[list[str]]:
    """The composition on `day`, in the export's columns, from posts, memberships, sections, organisations and
    persons of the API (three objects a page, so that the pages are followed too)."""
    sections = {row["id"]: row["name"] for row in every(client, f"/api/v1/sections/?body={slug}")}
    organisations = {row["id"]: row["shortName"] for row in every(client, "/api/v1/organizations/?page_size=3")}
    persons = {row["id"]: row for row in every(client, "/api/v1/persons/?page_size=3")}
    mandates = {}
    for row in every(client, f"/api/v1/memberships/?body={slug}&page_size=3"):
        if row["startDate"] <= day.isoformat() and (row["endDate"] is None or row["endDate"] >= day.isoformat()):
            mandates[(row["post"], row["role"])] = row
    lines = []
    for post in every(client, f"/api/v1/posts/?body={slug}&page_size=3"):
        if (post["startDate"] or "") > day.isoformat() or (post["endDate"] or "9999") < day.isoformat():
            continue
        for role, label in Mandate.Role.choices:
            line = [sections[post["organization"]], organisations[post["onBehalfOf"]], label.lower()]
            mandate = mandates.get((post["id"], role))
            if mandate is None:
                line += ["", "", "", "", "", ""]
            else:
                person = persons[mandate["person"]]
                line += [person["formOfAddress"], person["familyName"], person["givenName"], person["email"] or ""]
                line += [french(mandate["startDate"]), french(mandate["endDate"])]
            lines.append(line)
    return lines


def test_a_full_composition_read_through_the_api_is_the_csv_export(client, commission, alice, presidents, frozen_today):
    titular = seat_member(commission, SectionKind.SOCIAL)
    MandateFactory(seat=titular.seat, role=Mandate.Role.SUBSTITUTE, person=PersonFactory(civility="M."))
    vacant = SeatFactory(section=commission.sections.get(kind=SectionKind.PROFESSIONAL))
    ended = seat_member(commission, SectionKind.PROFESSIONAL, end=datetime.date(2025, 12, 31))
    seat_member(commission, SectionKind.SOCIAL, start=datetime.date(2027, 1, 1))  # not yet in office
    client.force_login(alice)
    export = client.get(f"/commissions/{commission.slug}/composition/exporter/?format=csv")
    assert export.status_code == 200
    exported = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))[1:]
    through_api = composition_through_the_api(client_for(alice), commission.slug, commission.today())
    assert sorted(through_api) == sorted(exported)
    assert len(exported) == 12  # 6 seats with a titular and a substitute each, vacancies included
    assert any(line[1] == vacant.organisation.acronym and line[3:] == [""] * 6 for line in through_api)
    assert not any(line[4] == ended.person.last_name for line in through_api)


def test_a_transmitted_record_read_through_the_api_is_its_rdd_page(client, commission, member_user, transmitted):
    record = client_for(member_user).get(f"/api/v1/records/{transmitted.pk}/").json()
    client.force_login(member_user)
    page = html.unescape(client.get(f"/rdd/{transmitted.pk}/").content.decode())
    assert record["state"] == "transmis" and record["web"] == f"http://testserver/rdd/{transmitted.pk}/"
    stated = [record["statedFacts"]["place"]] + [row["name"] for row in record["statedFacts"]["attendance"]]
    for item in record["items"]:
        stated += [item["number"], item["name"], item["summary"], *item["decisions"]]
    stated += [commitment["text"] for commitment in record["commitments"]]
    stated += [text for question in record["questions"] for text in (question["text"], question["answer"])]
    stated += [f"Approuvé le {french(approval['approvedOn'])} par " for approval in record["approvals"]]
    stated += [f"{approval['name']}" for approval in record["approvals"]]
    missing = [text for text in stated if text not in page]
    assert missing == []
    assert record["items"][0]["decisions"] == ["Aide versée en mars."]
    assert len(record["approvals"]) == 2
    document = record["document"]
    assert document["sha256Checksum"] == transmitted.meeting.renders.get().sha256
    download = client.get(document["accessUrl"])
    assert download.status_code == 200
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == document["sha256Checksum"]
