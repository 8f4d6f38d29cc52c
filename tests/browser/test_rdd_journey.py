"""The RDD of the demo's session held a few days ago, in a real browser: the agent writes and submits it, both section
presidents approve it (one of them with the keyboard only), the agent transmits it and a member reads it. A president
of another commission cannot reach it."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Locator, Page, expect

from commissions.meetings.models import Meeting
from decisions.models import Approval, Rdd
from demo.compositions import DEMO_PASSWORD
from demo.meetings import PRESCRIPTION, RECENT_TITLE
from members.models import Person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

ITEM = PRESCRIPTION
SUMMARY = "La section sociale rappelle les règles de délivrance des produits de la LPP sur prescription."
DECISION = "Un Flash Infos rappellera aux fournisseurs la durée de validité des ordonnances."
COMMITMENT = "Diffuser aux membres la fiche des mentions obligatoires de l'ordonnance."
QUESTION = "La mention « accord du prescripteur » doit-elle être datée ?"
ANSWER = "Oui : elle porte la date, la signature et le cachet du professionnel (article R165-42 du CSS)."


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab until the target has the focus, as a keyboard user would; fail if it never gets it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus after {limit} presses of Tab")


def approve_with_the_keyboard(page: Page, password: str) -> None:
    """Log in, open the inbox, the approval form, type the password and send it: Tab, typing and Enter only."""
    page.goto("/compte/connexion/")
    expect(page.get_by_label("Nom d’utilisateur")).to_be_focused()
    page.keyboard.type("kern")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")

    tab_to(page, page.get_by_role("link", name="RDD à approuver"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("RDD à approuver")
    tab_to(page, page.get_by_role("link", name="Approuver", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approuver le relevé de décisions")
    expect(page.get_by_text("au titre de la section sociale")).to_be_visible()
    tab_to(page, page.get_by_label("Votre mot de passe"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")  # the confirmation dialog is accepted by the page's handler


def test_the_held_session_s_rdd_is_written_submitted_approved_transmitted_and_read(full_demo, page, log_in, log_out):
    meeting = Meeting.objects.get(title=RECENT_TITLE)
    assert meeting.status == Meeting.Status.HELD
    rdd = Rdd.objects.get(meeting=meeting)
    day = f"{meeting.date:%d/%m/%Y}"
    page.on("dialog", lambda dialog: dialog.accept())

    # The agent opens the draft from the session's page and writes it.
    log_in("secretariat")
    page.get_by_role("link", name=re.compile("CPR PACA–Corse")).click()
    page.get_by_role("link", name="Séances et réunions").click()
    page.get_by_role("row").filter(has_text=RECENT_TITLE).get_by_role("link", name=day).click()
    page.get_by_role("link", name="Relevé de décisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rédaction du relevé de décisions — séance du {day}")

    record = page.locator("form").filter(has=page.get_by_role("heading", name=ITEM))
    record.get_by_label("Synthèse des échanges").fill(SUMMARY)
    record.get_by_label("Décisions actées").fill(DECISION)
    save = record.get_by_role("button", name=re.compile("^Enregistrer le point"))
    number = save.inner_text().removeprefix("Enregistrer le point ")
    save.click()
    expect(page.get_by_role("status")).to_have_text(f"Point {number} enregistré.")
    expect(record.get_by_label("Décisions actées")).to_have_value(DECISION)

    adding = page.locator("details").filter(has_text="Ajouter un engagement")
    adding.get_by_text("Ajouter un engagement").click()
    adding.get_by_label("Engagement").fill(COMMITMENT)
    adding.get_by_label("Porté par").select_option(label="Secrétariat")
    adding.get_by_role("button", name="Ajouter l'engagement").click()
    expect(page.get_by_role("status")).to_have_text("Engagement ajouté.")

    adding = page.locator("details").filter(has_text="Ajouter une question")
    adding.get_by_text("Ajouter une question").click()
    adding.get_by_label("Question").fill(QUESTION)
    adding.get_by_label("Réponse").fill(ANSWER)
    adding.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_role("status")).to_have_text("Question ajoutée.")
    expect(page.get_by_text(QUESTION)).to_be_visible()

    page.get_by_role("button", name="Soumettre aux présidents").click()
    expect(page.get_by_role("status")).to_have_text(
        "Relevé soumis à l'approbation des présidents de section : son contenu est désormais figé."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Relevé de décisions de la séance du {day}")
    content = page.locator("main")
    for text in (DECISION, COMMITMENT, QUESTION, ANSWER):
        expect(content).to_contain_text(text)
    expect(page.get_by_text("Pas encore approuvé par les présidents de section.")).to_be_visible()
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.SUBMITTED
    log_out()

    # Mme KERN, president of the social section, with the keyboard only.
    approve_with_the_keyboard(page, DEMO_PASSWORD)
    expect(page.get_by_role("status")).to_have_text("Relevé de décisions approuvé. Merci.")
    expect(page.get_by_text("Aucun relevé de décisions n'attend votre approbation.")).to_be_visible()
    assert list(rdd.approvals.values_list("section", flat=True)) == ["sociale"]
    log_out()

    # M. ROUSSEL, president of the professional section, on his phone (390 px); a wrong password first approves
    # nothing.
    page.set_viewport_size(PHONE)
    log_in("roussel")
    page.get_by_role("link", name="RDD à approuver").click()
    row = page.get_by_role("row").filter(has_text=f"Séance du {day}")
    expect(row).to_contain_text("CPR PACA–Corse")
    expect(row).to_contain_text("Section professionnelle")
    approve_link = row.get_by_role("link", name="Approuver", exact=True)
    approve_link.scroll_into_view_if_needed()
    expect(approve_link).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    approve_link.click()
    # The text to approve comes first, then the password.
    first_item = page.locator("main h2").first.bounding_box()
    password = page.get_by_label("Votre mot de passe").bounding_box()
    assert first_item["y"] < password["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Votre mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Approuver", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Mot de passe incorrect : le relevé n'a pas été approuvé.")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Votre mot de passe")).to_have_attribute("aria-invalid", "true")
    assert rdd.approvals.count() == 1
    page.get_by_label("Votre mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Approuver", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Relevé de décisions approuvé. Merci.")
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.APPROVED
    assert set(Approval.objects.filter(rdd=rdd).values_list("section", flat=True)) == {"sociale", "professionnelle"}
    page.set_viewport_size(LAPTOP)
    page.goto(rdd.get_absolute_url())
    expect(page.locator(".rdd-approvals")).to_contain_text("KERN")
    expect(page.locator(".rdd-approvals")).to_contain_text("ROUSSEL")
    log_out()

    # The agent transmits it to the members; the approval closed the session.
    log_in("secretariat")
    page.goto(rdd.get_absolute_url())
    page.get_by_role("button", name="Transmettre aux membres").click()
    expect(page.get_by_role("status")).to_have_text("Relevé transmis aux membres de la commission.")
    expect(page.locator(".rdd-approvals")).to_contain_text("Transmis aux membres de la commission le")
    rdd.refresh_from_db()
    meeting.refresh_from_db()
    assert (rdd.status, meeting.status) == (Rdd.Status.TRANSMITTED, Meeting.Status.CLOSED)
    log_out()

    # M. BALMELLE, a member, reads it among the transmitted RDDs.
    log_in("membre")
    page.get_by_role("link", name="Relevés transmis").click()
    page.get_by_role("link", name=f"Séance du {day}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Relevé de décisions de la séance du {day}")
    for text in (SUMMARY, DECISION, COMMITMENT, QUESTION, ANSWER):
        expect(page.locator("main")).to_contain_text(text)
    expect(page.get_by_role("button", name="Transmettre aux membres")).to_have_count(0)
    log_out()

    # M. BARD presides the professional section of the Côte-d'Or commission: the PACA RDD does not exist for him.
    bard = Person.objects.get(last_name="BARD")
    bard.user = get_user_model().objects.create_user("bard", password=DEMO_PASSWORD)
    bard.save(update_fields=["user"])
    log_in("bard")
    page.get_by_role("link", name="RDD à approuver").click()
    expect(page.get_by_text("Aucun relevé de décisions n'attend votre approbation.")).to_be_visible()
    for address in (rdd.get_absolute_url(), f"/rdd/{rdd.pk}/approuver/", f"/rdd/{rdd.pk}/renvoyer/"):
        response = page.goto(address)
        assert response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(page.locator("main")).not_to_contain_text("PACA")
