"""The RDD editor in a real browser: text typed is saved as one types, never lost by leaving the page, by another
agent's change or by an expired session (the draft RDD of the demo's session held a few days ago)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from commissions.meetings.models import Meeting
from decisions.models import ItemRecord, Rdd
from demo.compositions import DEMO_PASSWORD
from demo.meetings import RECENT_TITLE

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Enregistré à \d\d h \d\d")


@pytest.fixture
def draft(full_demo) -> Rdd:
    return Rdd.objects.get(meeting=Meeting.objects.get(title=RECENT_TITLE), status=Rdd.Status.DRAFT)


def editor(page: Page, rdd: Rdd) -> Page:
    page.goto(f"/rdd/{rdd.pk}/rediger/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rédaction du relevé de décisions")
    return page


def item(page: Page, record: ItemRecord):
    return page.locator(f"#point-{record.pk}")


def state(page: Page, record: ItemRecord):
    return item(page, record).locator(".rdd-autosave-state")


def test_text_typed_in_two_items_is_saved_before_leaving_by_a_link(draft, page, log_in):
    first, second = draft.item_records.order_by("position")[:2]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in("secretariat")
    editor(page, draft)

    item(page, first).get_by_label("Synthèse des échanges").fill("Synthèse du premier point.")
    expect(state(page, first)).to_have_text("Modifications non enregistrées")
    expect(state(page, first)).to_have_text(SAVED)
    item(page, second).get_by_label("Synthèse des échanges").fill("Synthèse du deuxième point.")
    item(page, second).get_by_label("Décisions actées").fill("Décision une\nDécision deux")
    page.get_by_role("link", name="Aperçu et journal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Relevé de décisions de la séance du")
    assert dialogs == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.summary == "Synthèse du premier point."
    assert second.summary == "Synthèse du deuxième point."
    assert list(second.decisions.values_list("text", flat=True)) == ["Décision une", "Décision deux"]


def test_two_agents_editing_one_block_see_the_conflict_and_choose(draft, page, log_in, browser, browser_context_args):
    record = draft.item_records.order_by("position").first()
    log_in("secretariat")
    editor(page, draft)
    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    try:
        other.goto("/compte/connexion/")
        other.get_by_label("Nom d’utilisateur").fill("secretariat")
        other.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        other.get_by_role("button", name="Se connecter").click()
        other.get_by_role("button", name="Se déconnecter").wait_for()
        editor(other, draft)
        # Both opened the same version; the other agent saves first.
        item(other, record).get_by_label("Synthèse des échanges").fill("Le texte de l'autre agent.")
        expect(state(other, record)).to_have_text(SAVED)
    finally:
        other_context.close()

    item(page, record).get_by_label("Synthèse des échanges").fill("Mon texte.")
    conflict = item(page, record).get_by_role("alert")
    expect(conflict).to_contain_text("Modifié par un autre agent pendant votre saisie : « Le texte de l'autre agent. »")
    record.refresh_from_db()
    assert record.summary == "Le texte de l'autre agent."
    expect(item(page, record).get_by_label("Synthèse des échanges")).to_have_value("Mon texte.")

    conflict.get_by_role("button", name="Garder mon texte").click()
    expect(state(page, record)).to_have_text(SAVED)
    expect(conflict).to_have_count(0)
    record.refresh_from_db()
    assert record.summary == "Mon texte."


def test_an_expired_session_while_typing_loses_nothing(draft, page, log_in):
    record = draft.item_records.order_by("position").first()
    log_in("secretariat")
    editor(page, draft)
    page.context.clear_cookies(name="sessionid")

    item(page, record).get_by_label("Synthèse des échanges").fill("Texte tapé pendant que la session expirait.")
    expired = "Session expirée : votre texte est conservé sur cet appareil ; reconnectez-vous."
    expect(state(page, record)).to_have_text(expired)
    page.get_by_role("alert").get_by_role("link", name="Se reconnecter").click()

    page.get_by_label("Nom d’utilisateur").fill("secretariat")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rédaction du relevé de décisions")
    field = item(page, record).get_by_label("Synthèse des échanges")
    expect(field).to_have_value("Texte tapé pendant que la session expirait.")
    expect(state(page, record)).to_have_text(SAVED)
    record.refresh_from_db()
    assert record.summary == "Texte tapé pendant que la session expirait."
    # Saved: nothing is kept on the device any more.
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('rdd-editor:'))") == []


def test_the_editor_has_no_serious_accessibility_violations(draft, page, log_in):
    record = draft.item_records.order_by("position").first()
    log_in("secretariat")
    editor(page, draft)
    item(page, record).get_by_label("Synthèse des échanges").fill("Synthèse.")
    expect(state(page, record)).to_have_text(SAVED)

    violations = Axe().run(page).response["violations"]

    assert [
        (violation["id"], violation["impact"])
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ] == []
