"""The rendered document itself (real WeasyPrint renders: kept few, the demo support is rendered once)."""

import datetime
import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import AgendaItem, ContentBlock, Meeting
from commissions.meetings.services import meeting_create
from demo.loader import load_all
from supports.context import support_context
from supports.pdf import render_pdf
from tests.factories import OrganisationFactory, PersonFactory, SeatFactory
from tests.supports.helpers import pdf_pages, pdftoppm_pages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The final support of the demo session of 26/02/2025 (PACA–Corse CPR, document 001), rendered once."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_all()
        meeting = Meeting.objects.get(commission__slug="cpr-paca-corse-lpp", date=datetime.date(2025, 2, 26))
        context = support_context(meeting, version="final")
        result = render_pdf(context)
        transaction.set_rollback(True)
    return {"result": result, "pages": pdf_pages(result.pdf), "context": context}


def test_the_demo_support_has_the_numbered_agenda(demo):
    agenda = next(page for page in demo["pages"] if page.startswith("ORDRE DU JOUR"))
    for number, title in (("01", "APPROBATION DU RELEVÉ"), ("03", "AIDES À LA TÉLÉTRANSMISSION"), ("4.1", "Bilan")):
        assert f"{number} {title}" in agenda
    assert "5.4 L’appli carte Vitale" in agenda
    assert "08 QUESTIONS DE LA PROFESSION" in agenda


def test_the_demo_support_names_the_presidency_and_the_composition(demo):
    text = " ".join(demo["pages"])
    assert "Présidente de la commission Mme KERN Colette" in text
    assert "Vice-Président de la commission M. ROUSSEL Philippe" in text
    assert "UNDPM M. MEUNIER Jean-Roch M. LAFON Grégory" in text
    assert "DRSM PACA-Corse Mme GINOUX Delphine à pourvoir" in text
    assert "Le poste de suppléant pour DRSM PACA-Corse reste à pourvoir." in text


def test_the_demo_support_shows_the_secretariat_cnil_notice_and_next_date(demo):
    text = " ".join(demo["pages"])
    assert "SECRÉTARIAT DE LA COMMISSION CPCAM 13" in text
    assert "Mme ASTOLFI Elisabeth" in text
    assert "INFORMATION CNIL Conformément aux délibérations de la Commission Nationale" in text
    assert "PROCHAINE SÉANCE Date à fixer" in text
    assert "MERCI POUR VOTRE PARTICIPATION" in demo["pages"][-1]


def test_each_item_has_its_number_and_speaker(demo):
    item = next(page for page in demo["pages"] if "ORDONNANCE NUMÉRIQUE" in page and "Intervenant" in page)
    assert "5.3 ORDONNANCE NUMÉRIQUE Intervenant : Section sociale" in item


def test_the_attached_table_is_french_formatted(demo):
    text = " ".join(demo["pages"])
    assert "261 355 100 9,9 %" in text
    assert "111 643 NS" in text


def test_every_page_but_the_cover_and_closing_has_the_footer(demo):
    pages = demo["pages"]
    total = len(pages)
    assert total == demo["result"].page_count
    for number, text in enumerate(pages[1:-1], start=2):
        assert f"{number} / {total}" in text or f"{number}/{total}" in text
        assert "CPR PACA–Corse des fournisseurs LPP titres I et IV – 26/02/2025" in text


def test_the_rdd_pages_carry_the_pictogram_decisions_and_approvals(demo):
    reader = PdfReader(io.BytesIO(demo["result"].pdf))
    decision_pages = [index for index, text in enumerate(demo["pages"]) if "Décision actée :" in text]
    assert decision_pages
    for index in decision_pages:
        assert "Relevé de décisions" in demo["pages"][index]
        assert reader.pages[index].images or "/XObject" in reader.pages[index]["/Resources"]
    text = " ".join(demo["pages"])
    assert "Approuvé le 14/04/2025 par la Présidente, Mme KERN Colette" in text
    assert "Approuvé le 05/04/2025 par le Vice-Président, M. ROUSSEL Philippe" in text
    assert "2- Question : Point à date du déploiement de la e-prescription" in text
    assert "Hors compétence de la commission" in text


def test_the_support_is_a_tagged_pdf_ua_document_in_french(demo):
    reader = PdfReader(io.BytesIO(demo["result"].pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Séance de la commission du 26/02/2025")


def test_pdftoppm_renders_every_page(demo, tmp_path):
    images = pdftoppm_pages(demo["result"].pdf, tmp_path)
    assert len(images) == demo["result"].page_count
    assert all(image.stat().st_size > 1000 for image in images)


def test_an_information_meeting_has_no_rdd_parts(commission, frozen_today):
    meeting = meeting_create(
        commission=commission,
        kind=Meeting.Kind.INFORMATION,
        title="Rencontre avec les médecins",
        date=datetime.date(2026, 11, 28),
        start_time=datetime.time(12, 30),
    )
    agenda_item_add(meeting=meeting, title="Vos ordonnances", content="<p>Génériques et biosimilaires.</p>")
    ContentBlock.objects.create(commission=commission, title="Information CNIL", content="<p>Notice CNIL locale.</p>")
    context = support_context(meeting)
    assert context["rdd"] is None
    text = " ".join(pdf_pages(render_pdf(context).pdf))
    assert "Rencontre avec les médecins" in text
    assert "01 VOS ORDONNANCES" in text
    assert "Notice CNIL locale." in text
    assert "Relevé de décisions" not in text
    assert "QUESTIONS DE LA PROFESSION" not in text
    assert "PRÉSIDENCE DE LA COMMISSION" not in text  # not a session: no presidency nor composition pages
    assert "COMPOSITION DE LA SECTION" not in text


def test_a_meeting_without_agenda_nor_composition_renders(commission, frozen_today):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0))
    text = " ".join(pdf_pages(render_pdf(support_context(meeting)).pdf))
    assert "L’ordre du jour n’est pas encore établi." in text
    assert "A ce jour, la section professionnelle n’a fait remonter aucune question." in text


def test_names_of_300_characters_render(commission, frozen_today):
    word = "Ā" + "x" * 299
    commission.name = ("Commission " + "y" * 200)[:200]
    commission.save()
    person = PersonFactory(last_name="L" * 100, first_name="P" * 100)
    seat = SeatFactory(
        section=commission.sections.get(kind="sociale"), organisation=OrganisationFactory(acronym="O" * 60)
    )
    seat.mandates.create(role="titulaire", person=person, start=datetime.date(2024, 1, 1))
    meeting = meeting_create(
        commission=commission, date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0), place="z" * 300
    )
    agenda_item_add(meeting=meeting, title=word, speaker="sociale", content=f"<p>{word}</p>")
    result = render_pdf(support_context(meeting))
    text = "".join(pdf_pages(result.pdf)).replace(" ", "")
    assert "L" * 100 in text
    assert "x" * 299 in text


def test_a_meeting_with_200_agenda_items_renders(commission, frozen_today):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0))
    # Created in one query: 200 calls of agenda_item_add would cost more than the rendering.
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, level=1, position=rank, title=f"Point numéro {rank}") for rank in range(1, 201)
    )
    result = render_pdf(support_context(meeting))
    pages = pdf_pages(result.pdf)
    assert result.page_count > 200
    assert any("200 POINT NUMÉRO 200" in page for page in pages)


def test_a_table_of_5000_rows_is_cut_and_attached_in_full(commission, frozen_today):
    from stats.models import StatColumn, StatRow, StatTable, StatValue

    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0))
    item = agenda_item_add(meeting=meeting, title="Données chiffrées")
    table = StatTable.objects.create(
        commission=commission,
        kind="indicateurs",
        title="Indicateurs par officine",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        agenda_item=item,
    )
    column = StatColumn.objects.create(table=table, position=0, header="Nombre de TROD")
    rows = StatRow.objects.bulk_create(
        StatRow(table=table, position=rank, label=f"Officine {rank}") for rank in range(5000)
    )
    total = StatRow.objects.create(table=table, position=5000, label="TOTAL", is_subtotal=True)
    StatValue.objects.bulk_create(StatValue(row=row, column=column, value=row.position) for row in [*rows, total])
    result = render_pdf(support_context(meeting))
    text = " ".join(pdf_pages(result.pdf))
    assert "Officine 0" in text and "Officine 4999" not in text
    assert "TOTAL" in text
    assert "limité à ses 29 premières lignes et à ses totaux (5 001 lignes au total)" in text
    assert f"tableau-{table.pk}.xlsx" in text
    attachments = PdfReader(io.BytesIO(result.pdf)).attachments
    assert list(attachments) == [f"tableau-{table.pk}.xlsx"]
