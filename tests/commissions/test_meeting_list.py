import datetime

from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create


def make_meetings(commission, count, start=datetime.date(2020, 1, 6)):
    return [
        meeting_create(
            commission=commission,
            date=start + datetime.timedelta(days=7 * rank),
            start_time=datetime.time(10),
            place=f"Salle {rank}",
        )
        for rank in range(count)
    ]


def test_past_meetings_come_by_pages_of_twenty_most_recent_first(client, alice, commission, frozen_today):
    make_meetings(commission, 45)
    upcoming = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    client.force_login(alice)
    url = reverse("commissions:meeting_list", args=[commission.slug])

    first = client.get(url)
    third = client.get(url, {"page": 3})

    assert first.context["upcoming"] == [upcoming]
    assert len(first.context["past"]) == 20
    assert first.context["past"][0].place == "Salle 44"
    assert [meeting.place for meeting in third.context["past"]] == [
        "Salle 4",
        "Salle 3",
        "Salle 2",
        "Salle 1",
        "Salle 0",
    ]
    assert "Page 1 sur 3" in first.content.decode()
    assert client.get(url, {"page": "abc"}).context["past"].number == 1


def test_the_search_finds_meetings_by_place_and_agenda_item(client, alice, commission, frozen_today):
    meetings = make_meetings(commission, 3)
    agenda_item_add(meeting=meetings[0], title="Ordonnance numérique")
    client.force_login(alice)
    url = reverse("commissions:meeting_list", args=[commission.slug])

    by_item = client.get(url, {"q": "ordonnance"})
    by_place = client.get(url, {"q": "Salle 2"})

    assert list(by_item.context["past"]) == [meetings[0]]
    assert list(by_place.context["past"]) == [meetings[2]]
    assert "Effacer la recherche" in by_item.content.decode()
