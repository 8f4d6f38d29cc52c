"""The attendance list — member, organisation, titular or substitute, status — printed in the RDD document and in
the final support, as seed 001 does, from the facts the RDD states (real WeasyPrint renders, read back with pypdf)."""

import io

import pytest
from pypdf import PdfReader

from commissions.composition.models import Mandate, SectionKind
from commissions.meetings.models import Attendance
from decisions import services
from supports.context import support_context
from supports.pdf import render_pdf
from tests.factories import seat_member

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def submitted_with_attendance(commission, session, rdd, presidents, alice):
    social, professional = presidents
    substitute = seat_member(commission, SectionKind.PROFESSIONAL, role=Mandate.Role.SUBSTITUTE)
    Attendance.objects.create(meeting=session, person=social, status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=session, person=professional, status=Attendance.Status.EXCUSED)
    Attendance.objects.create(meeting=session, person=substitute.person, status=Attendance.Status.PRESENT)
    services.rdd_submit(rdd=rdd, user=alice)
    return social, professional, substitute.person


def rows_of(people):
    social, professional, substitute = people
    return [
        (social, "titulaire", "Présent(e)"),
        (professional, "titulaire", "Excusé(e)"),
        (substitute, "suppléant", "Présent(e)"),
    ]


@pytest.mark.parametrize(("kind", "version"), [("rdd", "final"), ("support", "final")])
def test_the_attendance_list_is_printed(submitted_with_attendance, session, commission, kind, version):
    text = pdf_text(render_pdf(support_context(session, kind=kind, version=version)).pdf)

    assert "Présences" in text
    for person, role, status in rows_of(submitted_with_attendance):
        organisation = person.mandates.get().seat.organisation.acronym
        assert f"{person.display_name} {organisation} {role} {status}" in text


def test_the_convocation_support_has_no_attendance_list(submitted_with_attendance, session):
    text = pdf_text(render_pdf(support_context(session, kind="support", version="convocation")).pdf)

    assert "Présences" not in text
    assert "Excusé(e)" not in text
