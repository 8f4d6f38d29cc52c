"""The secretariat agent prepares a meeting and convenes it, in a real browser."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from commissions.composition.models import Commission
from commissions.meetings.convocation import convocation_recipients
from commissions.meetings.models import Meeting

pytestmark = pytest.mark.browser


def test_the_agent_builds_an_agenda_records_attendance_and_sends_the_convocation(demo, log_in):
    commission = Commission.objects.get(slug="cpr-paca-corse-lpp")
    day = commission.today() + datetime.timedelta(days=28)
    page = log_in("secretariat")
    page.get_by_role("link", name=re.compile("CPR PACA–Corse")).click()
    page.get_by_role("link", name="Séances et réunions").click()
    expect(page.get_by_text("Aucune réunion à venir : créez la prochaine avec « Nouvelle réunion ».")).to_be_visible()

    page.get_by_role("link", name="Nouvelle réunion").click()
    page.get_by_label("Type de réunion").select_option(label="Séance de la commission")
    page.get_by_label("Intitulé").fill("Séance plénière")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Heure de fin").fill("17:00")
    page.get_by_label("Lieu").fill("CPCAM des Bouches-du-Rhône, salle du conseil, Marseille")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Réunion du {day:%d/%m/%Y} créée.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Séance plénière du {day:%d/%m/%Y}")

    # A new session starts with the standard items (presidency, commitments, questions…); the agent adds one
    # with formatted content (a script in it is removed), moves it up twice, and gives it two levels below.
    agenda = page.locator("ol.agenda > li")
    expect(agenda.last).to_contain_text("Questions diverses")
    standard = agenda.count()
    assert standard >= 3
    form = page.locator("details").filter(has_text="Ajouter un point à l'ordre du jour")
    form.get_by_text("Ajouter un point à l'ordre du jour").click()
    form.get_by_label("Titre").fill("Dossiers individuels")
    form.get_by_label("Intervenant").select_option(label="Section sociale")
    form.get_by_label("Contenu").fill(
        "<p>Dossiers présentés par le <strong>service médical</strong> :</p>"
        "<ul><li>déconventionnements ;</li><li>avertissements.</li></ul>"
        "<script>document.title = 'piraté'</script>"
    )
    form.get_by_role("button", name="Ajouter le point").click()
    position = standard + 1
    expect(page.get_by_role("status")).to_have_text(f"Point {position:02d} ajouté.")
    for _ in range(2):
        page.get_by_role("button", name=f"Monter le point {position:02d}", exact=True).click()
        position -= 1
        expect(page.get_by_role("status")).to_have_text(f"Point déplacé : désormais {position:02d}.")

    page.get_by_role("link", name=f"Sous-point du point {position:02d}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Nouveau sous-point de {position:02d} – Dossiers individuels"
    )
    page.get_by_role("textbox", name=re.compile(r"^Titre")).fill("Déconventionnements")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Point {position}.1 ajouté.")
    page.get_by_role("link", name=f"Sous-point du point {position}.1", exact=True).click()
    page.get_by_role("textbox", name=re.compile(r"^Titre")).fill("Société Alpha Santé (Marseille)")
    # The rich-text editor: typed like a person would, with a bold word from the toolbar.
    editor = page.locator(".ProseMirror")
    editor.click()
    page.keyboard.type("Grief : facturation d'actes non réalisés, ")
    page.get_by_role("button", name="Gras").click()
    page.keyboard.type("12 480,00 €")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(f"Point {position}.1.1 ajouté.")

    numbers = [f"{rank:02d}" for rank in range(1, standard + 2)]
    numbers[position:position] = [f"{position}.1", f"{position}.1.1"]
    expect(agenda.locator(".agenda-number")).to_have_text(numbers)
    files = agenda.nth(position - 1)
    expect(files).to_contain_text("Dossiers individuels")
    expect(files.locator(".agenda-content strong")).to_have_text("service médical")
    expect(files.locator(".agenda-content li")).to_have_count(2)
    expect(agenda.nth(position)).to_contain_text("Déconventionnements")
    expect(agenda.nth(position + 1).locator(".agenda-content strong")).to_have_text("12 480,00 €")
    expect(agenda.last).to_contain_text("Questions diverses")
    expect(page.locator(".agenda-content script")).to_have_count(0)
    expect(page).not_to_have_title(re.compile("piraté"))

    # Attendance.
    page.get_by_role("link", name="Présences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Présences à la réunion du {day:%d/%m/%Y}")
    # Mme KERN (CPCAM 13) is represented by her substitute, Mme ARMANDI, who must then be present (seed 001).
    page.get_by_label("Mme KERN Colette").select_option(label="Représenté(e) par son suppléant")
    page.get_by_label("M. ROUSSEL Philippe").select_option(label="Présent(e)")
    page.get_by_label("M. BALMELLE Nicolas").select_option(label="Présent(e)")
    page.get_by_label("Mme GINOUX Delphine").select_option(label="Excusé(e)")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("alert")).to_contain_text("Mme ARMANDI Chrystelle n'est pas noté(e) présent(e)")
    page.get_by_label("Mme ARMANDI Chrystelle").select_option(label="Présent(e)")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("status")).to_have_text("Présences enregistrées.")
    expect(page.get_by_label("Mme KERN Colette")).to_have_value("represente")
    # Mme KERN's seat counts once in the social section's quorum, though her substitute is present too.
    quorum = page.get_by_role("region", name="Quorum par section")
    expect(quorum.get_by_role("row").filter(has_text="Section sociale").locator("td").nth(1)).to_have_text("1")
    expect(quorum.get_by_role("row").filter(has_text="Section professionnelle").locator("td").nth(1)).to_have_text("2")
    page.get_by_role("link", name="Retour à la réunion").click()

    # The convocation: a confirmation page that names the recipients, then the e-mails.
    meeting = Meeting.objects.get(commission=commission, date=day)
    recipients = {person.email for person in convocation_recipients(meeting)}
    assert len(recipients) > 10
    page.get_by_role("link", name="Envoyer la convocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyer la convocation")
    expect(page.get_by_text(f"sera envoyé à {len(recipients)} membres")).to_be_visible()
    assert mail.outbox == []
    page.get_by_role("button", name="Confirmer l'envoi de la convocation").click()
    expect(page.get_by_role("status")).to_have_text("Convocation envoyée aux membres de la commission.")
    expect(page.get_by_text(f"convoquée le {commission.today():%d/%m/%Y}")).to_be_visible()

    assert {address for message in mail.outbox for address in message.to} == recipients
    assert len(mail.outbox) == len(recipients)
    message = mail.outbox[0]
    assert message.subject == f"Convocation — {commission.name} — {day:%d/%m/%Y}"
    assert f"Date : {day:%d/%m/%Y} à 14h00 (fin prévue à 17h00)" in message.body
    assert f"{position:02d}  DOSSIERS INDIVIDUELS" in message.body
    assert f"    {position}.1 – Déconventionnements" in message.body
    assert f"{position}.1.1 – Société Alpha Santé (Marseille)" in message.body
    assert message.body.index("DOSSIERS INDIVIDUELS") < message.body.index("QUESTIONS DIVERSES")
    # An invitation part calendars act on, and the same file attached.
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/calendar" and "METHOD:REQUEST" in content
    [(name, _, mimetype)] = message.attachments
    assert (name, mimetype) == ("convocation.ics", "application/ics")
