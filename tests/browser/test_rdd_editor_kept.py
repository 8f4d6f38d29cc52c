"""The RDD editor's texts kept on this device: the forms that add a row (a commitment, a question, a follow-up state)
keep what is typed until it is added, and logging out from any page forgets every kept text."""

import pytest
from playwright.sync_api import Page, expect

from commissions.meetings.models import Meeting
from decisions.models import Rdd
from demo.meetings import RECENT_TITLE

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(full_demo) -> Rdd:
    return Rdd.objects.get(meeting=Meeting.objects.get(title=RECENT_TITLE), status=Rdd.Status.DRAFT)


def kept_keys(page: Page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter((key) => key.startsWith('rdd-editor:'))")


def test_a_commitment_typed_but_not_added_is_kept_and_asked_about_before_leaving(draft, page, log_in):
    dialogs, leave = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept() if leave else dialog.dismiss()))
    log_in("secretariat")
    page.goto(f"/rdd/{draft.pk}/rediger/")
    adding = page.locator("form[data-keep='commitment-new']")
    if not adding.is_visible():
        page.get_by_text("Ajouter un engagement").click()
    adding.get_by_label("Engagement").fill("Envoyer le bilan PERFADOM aux syndicats.")
    expect(adding.locator(".rdd-keep-state")).to_have_text("Pas encore ajouté : texte conservé sur cet appareil.")

    # Leaving asks first (the browser's own dialog, dismissed: the agent stays) …
    page.get_by_role("link", name="Aperçu et journal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rédaction du relevé de décisions")
    assert dialogs == ["beforeunload"]
    # … and a reload (the agent said to leave) brings the text back, the form open.
    leave.append(True)
    page.reload()
    adding = page.locator("form[data-keep='commitment-new']")
    expect(adding.get_by_label("Engagement")).to_have_value("Envoyer le bilan PERFADOM aux syndicats.")
    expect(adding.locator(".rdd-keep-state")).to_have_text(
        "Texte non ajouté repris de cet appareil : vérifiez-le puis ajoutez-le."
    )

    adding.get_by_role("button", name="Ajouter l'engagement").click()
    expect(page.get_by_role("status")).to_contain_text("Engagement ajouté")
    assert draft.commitments.filter(text="Envoyer le bilan PERFADOM aux syndicats.").exists()
    assert kept_keys(page) == []


def test_logging_out_from_any_page_forgets_the_kept_texts(draft, page, log_in, log_out):
    log_in("secretariat")
    page.goto(f"/rdd/{draft.pk}/rediger/")
    key = f"rdd-editor:{draft.pk}:preamble"
    page.evaluate("(key) => localStorage.setItem(key, JSON.stringify({user: 'x', values: {preamble: 'Texte'}}))", key)
    page.goto("/")
    assert kept_keys(page) == [key]

    log_out()

    assert kept_keys(page) == []
