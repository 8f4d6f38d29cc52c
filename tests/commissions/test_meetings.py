"""Meetings: creation with the presidency by default, screens, access, attendance and quorum."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissions.composition.models import SectionKind
from commissions.meetings.models import Attendance, Meeting, QuorumRule
from commissions.meetings.selectors import meeting_members
from commissions.meetings.services import attendance_record, meeting_create, meeting_update


def test_a_session_is_presided_by_default_by_the_president_the_rule_gives(commission, presidents, frozen_today):
    social, professional = presidents
    # Reference 2024: the professional section presides, so again in 2026 and the social one in 2027.
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    assert meeting.presided_by == professional
    later = meeting_create(commission=commission, date=datetime.date(2027, 3, 4), start_time=datetime.time(10))
    assert later.presided_by == social


def test_who_presided_can_be_changed_on_the_session(commission, presidents, frozen_today):
    social, _ = presidents
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    meeting_update(meeting=meeting, presided_by=social)
    meeting.refresh_from_db()
    assert meeting.presided_by == social


def test_a_session_without_known_presidency_is_created_without_president(commission, frozen_today):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    assert meeting.presided_by is None


def test_an_information_meeting_has_no_president_by_default(commission, presidents, frozen_today):
    meeting = meeting_create(
        commission=commission,
        kind=Meeting.Kind.INFORMATION,
        title="Réunion avec les médecins généralistes",
        date=datetime.date(2026, 11, 28),
        start_time=datetime.time(14),
    )
    assert meeting.presided_by is None
    assert not meeting.is_session


def test_the_start_is_read_in_the_commissions_time_zone(other_meeting):
    assert other_meeting.starts_at.utcoffset() == datetime.timedelta(hours=4)
    assert other_meeting.starts_at.isoformat() == "2026-12-10T09:00:00+04:00"


def test_a_meeting_cannot_end_before_it_starts(meeting):
    with pytest.raises(ValidationError, match="L'heure de fin doit être postérieure à l'heure de début."):
        meeting_update(meeting=meeting, end_time=datetime.time(9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(end_time=datetime.time(9))


def test_a_meeting_is_convened_only_by_sending_the_convocation(meeting):
    with pytest.raises(ValidationError, match="envoi de la convocation"):
        meeting_update(meeting=meeting, status=Meeting.Status.CONVENED)
    with time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=1)):
        meeting_update(meeting=meeting, status=Meeting.Status.HELD)
    with pytest.raises(ValidationError, match="revenir"):
        meeting_update(meeting=meeting, status=Meeting.Status.PLANNED)


def test_alice_creates_a_meeting_and_sees_it_in_french(client, alice, commission, presidents, frozen_today):
    client.force_login(alice)
    response = client.post(
        reverse("commissions:meeting_create", args=[commission.slug]),
        {
            "kind": "seance",
            "title": "",
            "date": "2026-12-03",
            "start_time": "10:00",
            "end_time": "12:30",
            "place": "Marseille",
            "video_link": "",
            "presided_by": "",
            "next_meeting_note": "à fixer",
        },
    )
    meeting = Meeting.objects.get(commission=commission)
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.presided_by == presidents[1]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "03/12/2026" in page and "10h00" in page and "à fixer" in page
    listing = client.get(reverse("commissions:meeting_list", args=[commission.slug])).content.decode()
    assert "03/12/2026" in listing


def test_the_form_refuses_an_end_before_the_start(client, alice, commission, frozen_today):
    client.force_login(alice)
    response = client.post(
        reverse("commissions:meeting_create", args=[commission.slug]),
        {"kind": "seance", "date": "2026-12-03", "start_time": "10:00", "end_time": "09:00"},
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_alice_edits_the_meeting(client, alice, meeting):
    client.force_login(alice)
    url = reverse("commissions:meeting_edit", args=[meeting.commission.slug, meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"kind": "seance", "date": "2026-12-04", "start_time": "14:00", "place": "Ajaccio", "status": "prevue"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.place) == (datetime.date(2026, 12, 4), "Ajaccio")


@pytest.mark.parametrize(
    "name, method",
    [
        ("meeting_detail", "get"),
        ("meeting_edit", "get"),
        ("meeting_edit", "post"),
        ("meeting_attendance", "get"),
        ("meeting_convene", "get"),
        ("meeting_convene", "post"),
        ("agenda_item_add", "post"),
    ],
)
def test_bob_gets_404_on_alices_meeting(client, bob, meeting, name, method):
    client.force_login(bob)
    # Through his own commission's slug as well as through Alice's.
    for slug in (meeting.commission.slug, bob.served_commissions.get().slug):
        url = reverse(f"commissions:{name}", args=[slug, meeting.pk])
        assert getattr(client, method)(url).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_charlie_gets_404_on_the_meeting_list(client, charlie, meeting):
    client.force_login(charlie)
    assert client.get(reverse("commissions:meeting_list", args=[meeting.commission.slug])).status_code == 404


def test_a_member_reads_the_meeting_but_cannot_change_it(client, member_user, agenda):
    client.force_login(member_user)
    page = client.get(agenda.get_absolute_url())
    assert page.status_code == 200
    assert "Ordonnance numérique" in page.content.decode()
    assert "Envoyer la convocation" not in page.content.decode()
    edit = reverse("commissions:meeting_edit", args=[agenda.commission.slug, agenda.pk])
    assert client.get(edit).status_code in (403, 404)


def test_the_meeting_pages_need_a_login(client, meeting):
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 302


def test_attendance_is_recorded_once_per_member(meeting, members):
    attendance_record(meeting=meeting, person=members["kern"], status=Attendance.Status.EXCUSED)
    attendance_record(meeting=meeting, person=members["kern"], status=Attendance.Status.PRESENT)
    assert Attendance.objects.get(meeting=meeting, person=members["kern"]).status == "present"
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_the_database_refuses_two_attendances_of_one_person(meeting, members):
    Attendance.objects.create(meeting=meeting, person=members["kern"], status="present")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, person=members["kern"], status="absent")


def test_only_members_on_the_meetings_date_have_an_attendance(meeting, members, outsider):
    with pytest.raises(ValidationError, match="n'est pas membre"):
        attendance_record(meeting=meeting, person=members["former"], status="present")
    with pytest.raises(ValidationError, match="n'est pas membre"):
        attendance_record(meeting=meeting, person=outsider, status="present")
    names = [row.person.last_name for row in meeting_members(meeting)]
    assert names == ["Kern", "Dupont", "Roussel", "Sansmail"]


# The quorum's counts: tests/commissions/test_quorum.py.


def test_the_database_refuses_a_zero_quorum(commission):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuorumRule.objects.create(commission=commission, section_kind=SectionKind.SOCIAL, minimum_present=0)


def test_alice_records_attendance_from_the_form(client, alice, meeting, members):
    client.force_login(alice)
    url = reverse("commissions:meeting_attendance", args=[meeting.commission.slug, meeting.pk])
    page = client.get(url).content.decode()
    assert "Dupont".upper() in page and "ANCIEN" not in page
    response = client.post(
        url,
        {
            f"status_{members['kern'].pk}": "represente",
            f"status_{members['dupont'].pk}": "present",
            f"status_{members['roussel'].pk}": "present",
        },
        follow=True,
    )
    assert "Présences enregistrées" in response.content.decode()
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("person__last_name", "status")) == {
        "Kern": "represente",
        "Dupont": "present",
        "Roussel": "present",
    }
    assert "Quorum par section" in response.content.decode()


def test_contradictions_are_refused_naming_the_seat_and_nothing_is_saved(client, alice, meeting, members):
    client.force_login(alice)
    url = reverse("commissions:meeting_attendance", args=[meeting.commission.slug, meeting.pk])
    response = client.post(
        url,
        {
            f"status_{members['kern'].pk}": "represente",
            f"status_{members['dupont'].pk}": "absent",
            f"status_{members['roussel'].pk}": "represente",
            f"status_{members['silent'].pk}": "present",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Rien n'est enregistré" in page
    assert (
        "Siège ORG" in page and "(section sociale) : Mme KERN" in page and "n&#x27;est pas noté(e) présent(e)" in page
    )
    assert "le siège n&#x27;a pas de suppléant" in page
    assert not Attendance.objects.exists()


def test_a_substitute_is_never_represented(meeting, members):
    with pytest.raises(ValidationError, match="est suppléant\\(e\\) ; « représenté\\(e\\) par son suppléant »"):
        attendance_record(meeting=meeting, person=members["dupont"], status="represente")
    assert not Attendance.objects.exists()


def test_the_attendance_list_is_exported(client, alice, meeting, members):
    attendance_record(meeting=meeting, person=members["kern"], status="present")
    client.force_login(alice)
    url = reverse("commissions:meeting_attendance_export", args=[meeting.commission.slug, meeting.pk, "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Section;Organisation;Civilité;Nom;Prénom;Mandat;Présence"
    assert any(";Kern;" in line and line.endswith(";Titulaire;Présent(e)") for line in lines)
    assert any(";Dupont;" in line and line.endswith(";Suppléant(e);non renseignée") for line in lines)
    xlsx = client.get(url.replace(".csv", ".xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(url.replace(".csv", ".exe")).status_code == 404


def test_the_secretariat_sets_the_quorum_rules(client, alice, bob, meeting, members):
    client.force_login(alice)
    url = reverse("commissions:quorum_rules", args=[meeting.commission.slug])
    page = client.post(url, {"minimum_sociale": "5", "minimum_professionnelle": "2"}).content.decode()
    assert "Entre 1 et 1 : la section compte 1 siège." in page
    response = client.post(
        url + "?retour=https://ailleurs.example/", {"minimum_sociale": "1", "minimum_professionnelle": ""}
    )
    assert response.url == reverse("commissions:meeting_list", args=[meeting.commission.slug])
    assert list(QuorumRule.objects.values_list("section_kind", "minimum_present")) == [("sociale", 1)]
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_an_unknown_attendance_status_is_refused_by_the_form(client, alice, meeting, members):
    client.force_login(alice)
    url = reverse("commissions:meeting_attendance", args=[meeting.commission.slug, meeting.pk])
    response = client.post(url, {f"status_{members['kern'].pk}": "ailleurs"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_the_admin_pages_of_meetings_open(client, admin_user, agenda, members):
    attendance_record(meeting=agenda, person=members["kern"], status="present")
    client.force_login(admin_user)
    item = agenda.agenda_items.first()
    for url in (
        reverse("admin:commissions_meeting_changelist"),
        reverse("admin:commissions_meeting_change", args=[agenda.pk]),
        reverse("admin:commissions_agendaitem_change", args=[item.pk]),
        reverse("admin:commissions_contentblock_add"),
        reverse("admin:commissions_quorumrule_add"),
        reverse("admin:commissions_calendartoken_changelist"),
        reverse("admin:commissions_convocationdelivery_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_meeting_page_keeps_to_a_query_budget(client, alice, agenda, members, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(agenda.get_absolute_url())
    assert response.status_code == 200


def test_a_new_session_created_on_the_page_starts_with_the_standard_items(client, alice, commission, frozen_today):
    client.force_login(alice)
    response = client.post(
        reverse("commissions:meeting_create", args=[commission.slug]),
        {"kind": "seance", "date": "2027-01-14", "start_time": "10:00", "place": "Marseille"},
    )

    meeting = Meeting.objects.get(commission=commission)
    assert response.status_code == 302
    titles = [item.title for item in meeting.agenda_items.filter(parent=None).order_by("position")]
    assert titles[-2:] == ["Questions de la profession", "Questions diverses"]
    assert any("présidence" in title.lower() for title in titles)  # first session of 2027
