"""The secretariat's exports of a commission: its meetings (with each one's RDD) and its commitments (with their last
follow-up, closed or open, overdue), as CSV and XLSX, read back with csv and openpyxl."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from commissions.meetings.models import Meeting
from decisions import content, services
from tests.factories import make_session

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def history(frozen_today, commission, other_commission, alice):
    """As of 22/11/2026: two past sessions with RDDs and commitments, an upcoming session, a convened information
    meeting; another commission's session and commitment, which no export of this one shows."""
    first = make_session(commission, datetime.date(2025, 2, 26), place="CPAM 13, salle du conseil")
    rdd1 = services.rdd_create(meeting=first, user=alice)
    campaign = content.commitment_save(
        rdd=rdd1, text="Avertir la profession du lancement de la campagne SCOR.", carried_by="secretariat"
    )
    dmp = content.commitment_save(rdd=rdd1, text="Modalités d'accès au DMP.", carried_by="sociale")
    second = make_session(commission, datetime.date(2026, 9, 15), title="Séance d'automne")
    rdd2 = services.rdd_create(meeting=second, user=alice)
    content.commitment_follow(rdd=rdd2, commitment=campaign, date=second.date, status="Campagne lancée en octobre")
    content.commitment_follow(rdd=rdd2, commitment=dmp, date=second.date, status="Réponse apportée", closes=True)
    content.commitment_save(rdd=rdd2, text="=1+1 calendrier des séances 2027", carried_by="professionnelle")
    make_session(commission, datetime.date(2026, 12, 3))
    Meeting.objects.create(
        commission=commission,
        kind=Meeting.Kind.INFORMATION,
        title="Réunion avec les médecins",
        date=datetime.date(2026, 12, 10),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(11, 0),
        place="Marseille",
        status=Meeting.Status.CONVENED,
        convened_at=datetime.datetime(2026, 11, 20, 23, 30, tzinfo=UTC),  # 21/11 at 00:30 in Paris
    )
    elsewhere = make_session(other_commission, datetime.date(2025, 3, 1), place="Saint-Denis")
    content.commitment_save(
        rdd=services.rdd_create(meeting=elsewhere, user=None), text="Engagement de La Réunion", carried_by="sociale"
    )


def url(name: str, commission, extension: str) -> str:
    return reverse(f"decisions:{name}", args=[commission.slug, extension])


def read_xlsx(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()], sheet


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


MEETINGS_CSV = [
    [
        "Date",
        "Heure de début",
        "Heure de fin",
        "Intitulé",
        "Type",
        "Statut",
        "Lieu",
        "Convoquée le",
        "Relevé de décisions",
    ],
    [
        "10/12/2026",
        "09:30",
        "11:00",
        "Réunion avec les médecins",
        "Réunion d'information (sans relevé de décisions)",
        "Convoquée",
        "Marseille",
        "21/11/2026",
        "Sans relevé (réunion d'information)",
    ],
    ["03/12/2026", "14:00", "", "", "Séance de la commission", "Prévue", "", "", "Pas encore rédigé"],
    ["15/09/2026", "14:00", "", "Séance d'automne", "Séance de la commission", "Tenue", "", "", "Brouillon"],
    [
        "26/02/2025",
        "14:00",
        "",
        "",
        "Séance de la commission",
        "Tenue",
        "CPAM 13, salle du conseil",
        "",
        "Brouillon",
    ],
]


def test_the_meetings_as_csv(client, alice, commission, history):
    client.force_login(alice)

    response = client.get(url("meetings_export", commission, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="reunions-cpr-paca-2026-11-22.csv"'
    assert read_csv(response) == MEETINGS_CSV


def test_the_meetings_as_xlsx_with_dates_as_dates(client, alice, commission, history):
    client.force_login(alice)

    response = client.get(url("meetings_export", commission, "xlsx"))

    assert response["Content-Disposition"] == 'attachment; filename="reunions-cpr-paca-2026-11-22.xlsx"'
    rows, sheet = read_xlsx(response)
    assert sheet.title == "Réunions"
    assert rows[0] == tuple(MEETINGS_CSV[0])
    assert rows[1][0] == datetime.datetime(2026, 12, 10)
    assert rows[1][7] == datetime.datetime(2026, 11, 21)  # the day in the commission's time zone
    assert sheet["A2"].number_format == sheet["H2"].number_format == "DD/MM/YYYY"
    assert [row[0].date() for row in rows[1:]] == [
        datetime.date(2026, 12, 10),
        datetime.date(2026, 12, 3),
        datetime.date(2026, 9, 15),
        datetime.date(2025, 2, 26),
    ]
    assert [row[8] for row in rows[1:]] == [line[8] for line in MEETINGS_CSV[1:]]


def test_the_rdd_state_is_its_current_versions(client, alice, commission, history, presidents):
    """A submitted RDD shows as such; once approved and corrected, its new draft version, on one line."""
    first = Meeting.objects.get(commission=commission, date=datetime.date(2025, 2, 26))
    rdd = services.rdd_submit(rdd=first.rdds.get(), user=alice)
    client.force_login(alice)

    submitted = read_csv(client.get(url("meetings_export", commission, "csv")))

    for president in presidents:
        services.rdd_approve(rdd=rdd, user=president.user)
    services.rdd_new_version(rdd=rdd, user=alice)
    corrected = read_csv(client.get(url("meetings_export", commission, "csv")))

    assert submitted[-1][8] == "Soumis aux présidents de section"
    assert corrected[-1][8] == "Brouillon (version 2)"
    assert len(corrected) == len(MEETINGS_CSV)  # one line per meeting, whatever its number of RDD versions


COMMITMENTS_CSV = [
    ["Séance", "Engagement", "Porté par", "Dernier suivi le", "État au dernier suivi", "Clos ou ouvert", "En retard"],
    [
        "26/02/2025",
        "Avertir la profession du lancement de la campagne SCOR.",
        "Secrétariat",
        "15/09/2026",
        "Campagne lancée en octobre",
        "Ouvert",
        "Oui",
    ],
    ["26/02/2025", "Modalités d'accès au DMP.", "Section sociale", "15/09/2026", "Réponse apportée", "Clos", "Non"],
    [
        "15/09/2026",
        "'=1+1 calendrier des séances 2027",  # never run as a formula
        "Section professionnelle",
        "",
        "Pas encore de suivi",
        "Ouvert",
        "Non",
    ],
]


def test_the_commitments_as_csv(client, alice, commission, history):
    client.force_login(alice)

    response = client.get(url("commitments_export", commission, "csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="engagements-cpr-paca-2026-11-22.csv"'
    assert read_csv(response) == COMMITMENTS_CSV


def test_the_commitments_as_xlsx(client, alice, commission, history, django_assert_max_num_queries):
    client.force_login(alice)

    with django_assert_max_num_queries(8):  # session, user, access, the commitments, their follow-ups
        response = client.get(url("commitments_export", commission, "xlsx"))

    rows, sheet = read_xlsx(response)
    assert sheet.title == "Engagements"
    assert rows[0] == tuple(COMMITMENTS_CSV[0])
    assert rows[1] == (
        datetime.datetime(2025, 2, 26),
        "Avertir la profession du lancement de la campagne SCOR.",
        "Secrétariat",
        datetime.datetime(2026, 9, 15),
        "Campagne lancée en octobre",
        "Ouvert",
        "Oui",
    )
    assert [row[5:] for row in rows[1:]] == [("Ouvert", "Oui"), ("Clos", "Non"), ("Ouvert", "Non")]
    assert sheet["B4"].data_type == "s"  # a text cell, not a formula
    assert rows[3][4] == "Pas encore de suivi" and rows[3][3] is None


def test_an_open_commitment_is_overdue_half_a_year_after_its_session(client, alice, commission, history, frozen_today):
    frozen_today.move_to("2027-04-01 10:00:00+00:00")  # the autumn session's commitment is now 6 months old
    client.force_login(alice)

    rows = read_csv(client.get(url("commitments_export", commission, "csv")))

    assert [row[6] for row in rows[1:]] == ["Oui", "Non", "Oui"]


def test_the_meetings_list_links_to_the_exports_for_the_secretariat_only(client, alice, member_user, commission):
    links = [
        url(name, commission, ext) for name in ("meetings_export", "commitments_export") for ext in ("csv", "xlsx")
    ]
    client.force_login(alice)
    page = client.get(reverse("commissions:meeting_list", args=[commission.slug])).content.decode()
    assert all(link in page for link in links)
    client.force_login(member_user)
    page = client.get(reverse("commissions:meeting_list", args=[commission.slug])).content.decode()
    assert not any(link in page for link in links)


@pytest.mark.parametrize("name", ["meetings_export", "commitments_export"])
def test_members_get_403_and_others_404(client, name, commission, member_user, bob, charlie, history):
    client.force_login(member_user)
    assert client.get(url(name, commission, "csv")).status_code == 403
    for outsider in (bob, charlie):
        client.force_login(outsider)
        assert client.get(url(name, commission, "xlsx")).status_code == 404


@pytest.mark.parametrize("name", ["meetings_export", "commitments_export"])
def test_an_unknown_format_or_an_anonymous_visitor(client, alice, commission, name):
    assert client.get(url(name, commission, "csv")).status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get(url(name, commission, "pdf")).status_code == 404
    assert client.get(reverse(f"decisions:{name}", args=["inconnue", "csv"])).status_code == 404


def test_bob_exports_his_own_commission_only(client, bob, other_commission, history):
    client.force_login(bob)

    commitments = read_csv(client.get(url("commitments_export", other_commission, "csv")))
    meetings = read_csv(client.get(url("meetings_export", other_commission, "csv")))

    assert [row[1] for row in commitments[1:]] == ["Engagement de La Réunion"]
    assert [row[6] for row in meetings[1:]] == ["Saint-Denis"]
