"""The secretariat's home page after each step of a meeting's preparation, in a real browser.

The agent of the demo starts on the home page (the CPR PACA–Corse's next meeting is the demo's session in three
weeks), creates a session two weeks ahead, builds its agenda, generates the convocation support, sends the
convocation with a message of their own and the support attached, then moves the meeting: the support is "à
mettre à jour" (the supports page says what changed) until one click renders it again, and the convocation is to
resend. At each step the home page's checklist of the meeting says what is due.

The journey from the empty new meeting to the convocation sent with its current support is counted as the agent
does it (page loads, clicks, fields and keys typed) and turned into a keystroke-level estimate of its duration
(printed with `pytest -s`; the counts are asserted, not the time).
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from commissions.composition.models import Commission
from commissions.meetings.convocation import convocation_recipients
from commissions.meetings.models import Meeting
from demo.meetings import UPCOMING_TITLE
from supports.models import SupportRender

pytestmark = pytest.mark.browser

PACA = "cpr-paca-corse-lpp"
TITLE = "Séance extraordinaire"
PLACE = "CPCAM des Bouches-du-Rhône, salle du conseil, Marseille"
NEW_PLACE = "ARS PACA, salle Méditerranée, Marseille"
MESSAGE = "Merci de confirmer votre présence avant le vendredi précédant la séance."
# A realistic agenda: six items with titles of about 40 characters.
ITEMS = [
    ("Bilan des contrôles de facturation 2026", "Section sociale"),
    ("Déploiement de l'ordonnance numérique", "Section sociale"),
    ("Aides à la télétransmission : critères", "Section sociale"),
    ("Campagne PERFADOM : résultats de l'étude", "Section sociale"),
    ("Demandes des prestataires de la profession", "Section professionnelle"),
    ("Calendrier des séances de l'année à venir", "Section sociale"),
]

# Keystroke-level model (Card, Moran & Newell), seconds: K for an average typist, P point with the mouse, B a mouse
# button press, H hands between mouse and keyboard, M mental preparation before each step.
K, P, B, H, M = 0.28, 1.1, 0.1, 0.4, 1.35
GOAL_MINUTES = 15


@dataclass
class Journey:
    """The agent's actions while `counting`: each click (a select counts two: open, choose), each field typed
    with its keys, each page load with its duration read from the browser's navigation timing."""

    page: Page
    counting: bool = False
    clicks: int = 0
    fields: int = 0
    keys: int = 0
    loads: list[float] = field(default_factory=list)
    partials: list[float] = field(default_factory=list)
    _origin: float = 0.0

    def click(self, target: Locator, *, navigates: bool = True, timeout: float = 30_000) -> None:
        if navigates:
            with self.page.expect_navigation(timeout=timeout):
                target.click()
            self._loaded()
        else:
            target.click()
        self.clicks += self.counting

    def partial(self) -> None:
        """After an update of part of the page (htmx): the duration of its request, from the resource timing."""
        duration = self.page.evaluate(
            "() => performance.getEntriesByType('resource').filter(e => e.initiatorType === 'xmlhttprequest')"
            ".at(-1).duration"
        )
        if self.counting:
            self.partials.append(duration / 1000)

    def select(self, target: Locator, label: str) -> None:
        target.select_option(label=label)
        self.clicks += 2 * self.counting

    def type(self, target: Locator, text: str, *, keys: int | None = None) -> None:
        """Fill a field; `keys` when a person types fewer keys than the value has (a date: 8 digits)."""
        target.fill(text)
        self.fields += self.counting
        self.keys += (len(text) if keys is None else keys) * self.counting

    def _loaded(self) -> None:
        origin, duration = self.page.evaluate(
            "() => [performance.timeOrigin, performance.getEntriesByType('navigation')[0].duration]"
        )
        if origin != self._origin:
            self._origin = origin
            if self.counting:
                self.loads.append(duration / 1000)

    def estimate(self) -> dict[str, float]:
        """Seconds: each click M+P+B, each field M+P+B (focus) + 2H + K per key, plus the measured page loads."""
        clicking = self.clicks * (M + P + B)
        typing = self.fields * (M + P + B + 2 * H) + self.keys * K
        waiting = sum(self.loads) + sum(self.partials)
        return {"clicks": clicking, "typing": typing, "loads": waiting, "total": clicking + typing + waiting}


def checklist(page: Page, commission: Commission) -> dict[str, tuple[str, str]]:
    """The home page's checklist of the commission's next meeting: label → (badge, text)."""
    page.goto("/")
    card = page.locator("article").filter(has=page.get_by_role("heading", name=commission.name, exact=True))
    upcoming = card.locator(".col-md-6").filter(has=page.get_by_role("heading", name="Prochaine réunion"))
    rows = {}
    for line in upcoming.locator(".home-checklist li").all():
        badge = line.locator(".badge").inner_text()
        label = line.locator("strong").inner_text()
        rows[label] = (badge, line.inner_text().split(f"{label} : ", 1)[1].strip())
    return rows


def next_meeting(page: Page, commission: Commission) -> Locator:
    """The line naming the commission's next meeting on the home page: its link, then its status."""
    card = page.locator("article").filter(has=page.get_by_role("heading", name=commission.name, exact=True))
    return (
        card.locator(".col-md-6").filter(has=page.get_by_role("heading", name="Prochaine réunion")).locator("p").first
    )


def meeting_link(page: Page, commission: Commission) -> Locator:
    return next_meeting(page, commission).get_by_role("link")


def pdf_text(data: bytes) -> str:
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", text)


def test_the_home_page_says_what_is_due_at_each_step_of_a_meeting_s_preparation(full_demo, page, log_in):
    commission = Commission.objects.get(slug=PACA)
    demo_session = Meeting.objects.get(commission=commission, title=UPCOMING_TITLE)
    day = commission.today() + datetime.timedelta(days=14)
    assert day < demo_session.date
    today = f"{timezone.localdate():%d/%m/%Y}"
    journey = Journey(page)
    log_in("secretariat")

    # Before: the next meeting of the PACA commission is the demo's session, whose support is not generated.
    page.goto("/")
    expect(meeting_link(page, commission)).to_have_text(re.compile(rf"^{UPCOMING_TITLE}, "))
    assert checklist(page, commission)["Support"] == ("À faire", "pas encore généré")

    # 1. A session created two weeks before it: the new next meeting, its standard items, nothing sent, no support.
    card = page.locator("article").filter(has=page.get_by_role("heading", name=commission.name, exact=True))
    card.get_by_role("link", name=commission.name).click()
    page.get_by_role("link", name="Séances et réunions").click()
    journey.counting = True
    journey.click(page.get_by_role("link", name="Nouvelle réunion"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle réunion")
    journey.select(page.get_by_label("Type de réunion"), "Séance de la commission")
    journey.type(page.get_by_label("Intitulé"), TITLE)
    journey.type(page.get_by_label("Date"), day.isoformat(), keys=8)
    journey.type(page.get_by_label("Heure de début"), "09:00", keys=4)
    journey.type(page.get_by_label("Heure de fin"), "12:00", keys=4)
    journey.type(page.get_by_label("Lieu"), PLACE)
    journey.click(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("status")).to_have_text(f"Réunion du {day:%d/%m/%Y} créée.")
    meeting = Meeting.objects.get(commission=commission, date=day)
    agenda = page.locator("ol.agenda > li")
    standard = agenda.count()
    assert standard >= 3
    journey.counting = False

    checks = checklist(page, commission)
    expect(meeting_link(page, commission)).to_have_text(re.compile(rf"^{TITLE}, .* {day.year} à 09h00$"))
    assert checks == {
        "Ordre du jour": ("À faire", f"{standard} points habituels seulement : sujets à ajouter"),
        "Convocation": ("À faire", "pas encore envoyée"),
        "Support": ("À faire", "pas encore généré"),
    }

    # 2. The agenda: six items of the meeting's own, added from the meeting's page.
    page.goto(meeting.get_absolute_url())
    journey.counting = True
    form = page.locator("details").filter(has_text="Ajouter un point à l'ordre du jour")
    for rank, (title, speaker) in enumerate(ITEMS, start=standard):
        if not form.evaluate("details => details.open"):
            journey.click(form.get_by_text("Ajouter un point à l'ordre du jour"), navigates=False)
        journey.type(form.get_by_label("Titre"), title)
        journey.select(form.get_by_label("Intervenant"), speaker)
        journey.click(form.get_by_role("button", name="Ajouter le point"), navigates=False)
        expect(page.get_by_role("status")).to_have_text(f"Point {rank + 1:02d} ajouté.")
        expect(agenda).to_have_count(rank + 1)
        journey.partial()
    expect(agenda).to_have_count(standard + len(ITEMS))
    journey.counting = False

    checks = checklist(page, commission)
    assert checks == {
        "Ordre du jour": ("Fait", f"{standard + len(ITEMS)} points"),
        "Convocation": ("À faire", "pas encore envoyée"),
        "Support": ("À faire", "pas encore généré"),
    }

    # 3. The convocation support, generated from the meeting's page (rendered at once: Celery is eager here).
    page.goto(meeting.get_absolute_url())
    journey.counting = True
    journey.click(page.get_by_role("link", name="Support PDF"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supports de la réunion du {day:%d/%m/%Y}")
    expect(page.get_by_label("Document")).to_have_value("support")
    expect(page.get_by_label("Version")).to_have_value("convocation")
    journey.click(page.get_by_role("button", name="Générer le support"), timeout=180_000)
    expect(page.get_by_role("status").filter(has_text="Le support est prêt.")).to_be_visible()
    states = page.locator("td.support-state")
    expect(states).to_have_count(1)
    expect(states).to_have_text("prêt")
    journey.click(page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name=f"{day:%d/%m/%Y}"))
    journey.counting = False

    checks = checklist(page, commission)
    assert checks["Support"] == ("Fait", f"à jour, généré le {today}")
    assert checks["Convocation"] == ("À faire", "pas encore envoyée")

    # 4. The convocation: the confirmation page lists the support attached and takes a message of the secretariat.
    page.goto(meeting.get_absolute_url())
    recipients = {person.email for person in convocation_recipients(meeting)}
    assert recipients
    support_name = f"support-{PACA}-{day:%Y-%m-%d}.pdf"
    journey.counting = True
    journey.click(page.get_by_role("link", name="Envoyer la convocation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyer la convocation")
    expect(page.get_by_role("listitem").filter(has_text="le support de la séance :")).to_have_text(
        f"le support de la séance : {support_name}"
    )
    journey.type(page.get_by_label("Message du secrétariat"), MESSAGE)
    journey.click(page.get_by_role("button", name="Confirmer l'envoi de la convocation"))
    expect(page.get_by_role("status")).to_have_text("Convocation envoyée aux membres de la commission.")
    journey.counting = False

    assert {address for message in mail.outbox for address in message.to} == recipients
    message = mail.outbox[0]
    assert MESSAGE in message.body
    assert message.body.index(MESSAGE) < message.body.index(ITEMS[0][0].upper())
    attached = {name: (data, mimetype) for name, data, mimetype in message.attachments}
    assert set(attached) == {"convocation.ics", support_name}
    data, mimetype = attached[support_name]
    assert mimetype == "application/pdf"
    first_support = pdf_text(data)
    assert PLACE in first_support
    assert ITEMS[3][0].upper().replace("'", "’") in first_support

    checks = checklist(page, commission)
    assert checks == {
        "Ordre du jour": ("Fait", f"{standard + len(ITEMS)} points"),
        "Convocation": ("Fait", f"envoyée le {today}"),
        "Support": ("Fait", f"à jour, généré le {today}"),
    }
    expect(next_meeting(page, commission)).to_have_text(re.compile(r" — convoquée$"))

    # 5. The meeting moves to another room: the support is out of date and the convocation is to resend.
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.get_by_label("Lieu").fill(NEW_PLACE)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Réunion enregistrée.")).to_be_visible()
    expect(page.get_by_text("La date, l'horaire ou le lieu ont changé depuis la convocation du")).to_be_visible()

    checks = checklist(page, commission)
    assert checks == {
        "Ordre du jour": ("Fait", f"{standard + len(ITEMS)} points"),
        "Convocation": ("À revoir", f"envoyée le {today}, réunion modifiée depuis le {today} : à renvoyer"),
        "Support": ("À revoir", f"à mettre à jour : réunion modifiée le {today}"),
    }

    # The supports page says so, with what changed, and renders it again in one click.
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Support PDF").click()
    expect(states).to_contain_text("à mettre à jour")
    expect(states).to_contain_text("Modifié depuis ce rendu : date, horaires, lieu ou titre de la réunion.")
    stale = SupportRender.objects.get(meeting=meeting, status=SupportRender.Status.READY)
    # Until then the confirmation page does not attach the old support.
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Renvoyer la convocation").first.click()
    expect(page.get_by_text("aucun support : générez la version de la convocation")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Support PDF").click()
    with page.expect_navigation(timeout=180_000):
        states.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_role("status").filter(has_text="Le support est prêt.")).to_be_visible()
    expect(states).to_have_text("prêt")
    renders = SupportRender.objects.filter(meeting=meeting, status=SupportRender.Status.READY).order_by("created_at")
    assert [render.pk for render in renders][0] == stale.pk and renders.count() == 2

    checks = checklist(page, commission)
    assert checks["Support"] == ("Fait", f"à jour, généré le {today}")
    assert checks["Convocation"] == ("À revoir", f"envoyée le {today}, réunion modifiée depuis le {today} : à renvoyer")

    # 6. The convocation sent again, with the new support: everything is done.
    mail.outbox.clear()
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Renvoyer la convocation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Renvoyer la convocation")
    expect(page.get_by_label("Message du secrétariat")).to_have_value(MESSAGE)
    expect(page.get_by_role("listitem").filter(has_text="le support de la séance :")).to_have_text(
        f"le support de la séance : {support_name}"
    )
    page.get_by_role("button", name="Confirmer l'envoi de la convocation").click()
    expect(page.get_by_role("status")).to_have_text("Convocation envoyée aux membres de la commission.")
    attached = {name: data for name, data, _ in mail.outbox[0].attachments}
    second_support = pdf_text(attached[support_name])
    assert NEW_PLACE in second_support and PLACE not in second_support

    checks = checklist(page, commission)
    assert checks == {
        "Ordre du jour": ("Fait", f"{standard + len(ITEMS)} points"),
        "Convocation": ("Fait", f"envoyée le {today}"),
        "Support": ("Fait", f"à jour, généré le {today}"),
    }

    # The journey from the empty new meeting to the convocation sent with its current support.
    estimate = journey.estimate()
    print(
        f"\nParcours « réunion créée → convocation envoyée avec son support » : {len(journey.loads)} chargements "
        f"de page, {len(journey.partials)} mises à jour partielles, {journey.clicks} clics, {journey.fields} champs "
        f"({journey.keys} frappes) ; estimation KLM "
        f"{estimate['total'] / 60:.1f} min (clics {estimate['clicks']:.0f} s, saisie {estimate['typing']:.0f} s, "
        f"chargements mesurés {estimate['loads']:.1f} s ; objectif ≤ {GOAL_MINUTES} min)"
    )
    assert len(journey.loads) == 1 + 1 + 3 + 2
    assert len(journey.partials) == len(ITEMS)
    assert journey.fields == 5 + len(ITEMS) + 1
