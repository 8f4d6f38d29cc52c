"""The agent generates the session's support and transmits the approved RDD; a member downloads both PDFs, in a real
browser. The files are real PDFs with the expected text."""

import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Locator, Page, expect
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from commissions.meetings.models import Meeting
from decisions import services
from decisions.models import Rdd
from demo.meetings import PERFADOM, RECENT_QUESTION, RECENT_RECORD, RECENT_TITLE
from members.models import Person

pytestmark = pytest.mark.browser

COMMISSION = "CPR PACA–Corse des fournisseurs LPP titres I et IV"
DEMO_DECISION = RECENT_RECORD[1][0]


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), data[:40]
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    # Apostrophes compared as typed: the support sets them typographic (’).
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).replace("’", "'")


def download(page: Page, link: Locator) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    got = info.value
    return got.suggested_filename, Path(got.path()).read_bytes()


@pytest.fixture
def approved_rdd(full_demo):
    """The demo's draft RDD of the session held a few days ago, submitted and approved by both section presidents."""
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=["secretariat", "kern", "roussel"])
    }
    rdd = Rdd.objects.get(meeting__title=RECENT_TITLE)
    services.rdd_submit(rdd=rdd, user=users["secretariat"])
    services.rdd_approve(rdd=rdd, user=users["kern"])
    services.rdd_approve(rdd=rdd, user=users["roussel"])
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.APPROVED
    return rdd


def seal_status(data: bytes, ca_file: Path):
    """pyHanko's own validator on the downloaded file, with the issuing CA as the only trust root; in a thread of
    its own, since it runs an event loop and Playwright's synchronous API holds one in this thread."""

    def validate():
        [seal] = PdfFileReader(io.BytesIO(data)).embedded_signatures
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_file))])
        return validate_pdf_signature(seal, context)

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(validate).result()


def test_the_agent_transmits_and_a_member_downloads_the_rdd_and_the_support(
    approved_rdd, page, log_in, log_out, seal_certificate, tmp_path
):
    meeting = Meeting.objects.get(pk=approved_rdd.meeting_id)
    day = f"{meeting.date:%d/%m/%Y}"
    page.on("dialog", lambda dialog: dialog.accept())

    # The agent generates the presentation support (Celery is eager here: it is ready at once)…
    log_in("secretariat")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Support PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supports de la réunion du {day}")
    page.get_by_label("Document").select_option(label="Support de présentation")
    page.get_by_label("Version").select_option(label="Version de la convocation")
    page.get_by_role("button", name="Générer le support").click()
    expect(page.get_by_role("status")).to_have_text("Le support est prêt.")

    # … and transmits the approved RDD, which renders its own PDF once.
    page.get_by_role("link", name=day).click()
    page.get_by_role("link", name="Relevé de décisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Relevé de décisions de la séance du {day}")
    page.get_by_role("button", name="Transmettre aux membres").click()
    expect(page.get_by_role("status")).to_have_text("Relevé transmis aux membres de la commission.")
    expect(page.locator(".rdd-approvals")).to_contain_text("Transmis aux membres de la commission le")
    approved_rdd.refresh_from_db()
    assert approved_rdd.status == Rdd.Status.TRANSMITTED
    log_out()

    # Every member received the sealed RDD attached to the transmission e-mail: a PDF with the session's decision.
    member = Person.objects.get(user__username="membre")
    [sent] = [message for message in mail.outbox if message.to == [member.email] and day in message.subject]
    [(attached_name, attached, mimetype)] = sent.attachments
    assert mimetype == "application/pdf" and attached_name.endswith(".pdf")
    assert DEMO_DECISION in pdf_text(attached)

    # M. BALMELLE, a member, finds the RDD among the transmitted ones, reads it, and downloads both documents.
    log_in("membre")
    page.get_by_role("link", name="Relevés transmis").click()
    page.get_by_role("link", name=f"Séance du {day}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Relevé de décisions de la séance du {day}")
    expect(page.locator("main")).to_contain_text(DEMO_DECISION)
    expect(page.get_by_role("button", name="Transmettre aux membres")).to_have_count(0)
    page.get_by_role("link", name="Documents PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supports de la réunion du {day}")
    expect(page.get_by_role("button", name="Générer le support")).to_have_count(0)
    rows = page.get_by_role("row")
    support = rows.filter(has_text="Support de présentation")
    rdd_row = rows.filter(has_text="Relevé de décisions")
    for row in (support, rdd_row):
        expect(row.locator(".support-state")).to_have_text("prêt")

    name, data = download(page, support.get_by_role("link", name="Télécharger le PDF"))
    assert name == f"support-cpr-paca-corse-lpp-{meeting.date:%Y-%m-%d}-convocation.pdf"
    text = pdf_text(data)
    assert COMMISSION in text
    assert RECENT_TITLE in text
    # The agenda's titles are set in capitals by the support's style sheet.
    assert PERFADOM.upper() in text

    name, data = download(page, rdd_row.get_by_role("link", name="Télécharger le PDF"))
    assert name == f"rdd-cpr-paca-corse-lpp-{meeting.date:%Y-%m-%d}-final.pdf"
    text = pdf_text(data)
    assert COMMISSION in text
    assert DEMO_DECISION in text
    assert RECENT_QUESTION[0] in text
    # The attendance list, as seed 001 prints it: each member with the organisation, titular or substitute, status.
    assert "Présences" in text
    kern = Person.objects.get(user__username="kern")
    organisation = kern.mandates.get(seat__section__commission=meeting.commission).seat.organisation.acronym
    assert f"{kern.display_name} {organisation} titulaire Présent(e)" in text
    assert "suppléant" in text and "Représenté(e)" in text

    # The member checks the sealed RDD with pyHanko, outside the portal: intact, valid, signed by the portal's seal.
    status = seal_status(data, seal_certificate.ca_file)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "cachet de test" in status.signing_cert.subject.human_friendly

    # … and has the portal recognise it on "Vérifier un relevé", from the supports page.
    received = tmp_path / name
    received.write_bytes(data)
    page.get_by_role("link", name="Vérifier un relevé reçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier un relevé de décisions")
    page.get_by_label("Relevé de décisions (PDF)").set_input_files(received)
    page.get_by_role("button", name="Vérifier").click()
    result = page.locator(".verify-result")
    expect(result.get_by_role("status")).to_have_text(
        "Ce document est le relevé de décisions transmis par le portail :"
    )
    expect(result).to_contain_text(COMMISSION)
    expect(result).to_contain_text(day)
    expect(result).to_contain_text("intact : son empreinte SHA-256 est celle enregistrée au journal")
    expect(result).to_contain_text("valide : document intact depuis son scellement")
    expect(result).to_contain_text(hashlib.sha256(data).hexdigest())
