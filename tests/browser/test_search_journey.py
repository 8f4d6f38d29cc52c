"""The search, in a real browser, on the demo's data: a 2025 decision found by a word of its text, by the
secretariat and by a member, from the search box of every page; a draft's decision found by the secretariat only.

The PACA RDD of 26/02/2025 is transmitted ("Est désignée Présidente de la commission : Mme KERN Colette."); the
RDD of the session held a few days ago is a draft whose decision reads "La campagne d'accompagnement des
prescripteurs et des prestataires est reconduite." (demo.meetings.RECENT_RECORD).
"""

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from commissions.meetings.models import Meeting
from decisions.models import Decision, Rdd
from demo.meetings import RECENT_COMMITMENT, RECENT_RECORD, RECENT_TITLE

pytestmark = pytest.mark.browser

PACA_2025 = datetime.date(2025, 2, 26)
DRAFT_DECISION = RECENT_RECORD[1][0]
DRAFT_WORD = "reconduite"


def search_for(page: Page, query: str) -> None:
    """Type the query in the search box (the navigation bar's, or the search page's own) and press Enter."""
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill(query)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recherche")
    expect(page.get_by_label(re.compile("^Une personne, une réunion"))).to_have_value(query)


def results(page: Page) -> Locator:
    return page.locator("ol.search-results > li")


def show_decisions(page: Page) -> None:
    page.get_by_role("navigation", name="Types de résultats").get_by_role(
        "link", name=re.compile(r"^Décisions")
    ).click()
    expect(page.get_by_role("navigation", name="Types de résultats").locator("[aria-current=page]")).to_contain_text(
        "Décisions"
    )


def test_a_2025_decision_is_found_by_a_word_of_its_text_by_the_secretariat_and_by_a_member(
    full_demo, page, log_in, log_out
):
    rdd = Rdd.objects.get(meeting__commission__slug="cpr-paca-corse-lpp", meeting__date=PACA_2025)
    assert rdd.status == Rdd.Status.TRANSMITTED
    assert Decision.objects.filter(item_record__rdd=rdd, text__contains="Est désignée Présidente").exists()

    for username in ("secretariat", "membre"):
        log_in(username)
        # Without its accent, in capitals: the search folds both.
        search_for(page, "DESIGNEE")
        show_decisions(page)
        found = results(page).filter(has=page.get_by_role("link", name="Relevé de la séance du 26/02/2025", exact=True))
        expect(found.first).to_be_visible()
        expect(found.filter(has_text="Est désignée Présidente de la commission : Mme KERN Colette.")).to_have_count(1)
        expect(found.locator("mark").first).to_have_text(re.compile("^désigné", re.IGNORECASE))
        expect(found.first).to_contain_text("CPR PACA–Corse")
        # The result opens the transmitted record.
        found.first.get_by_role("link", name="Relevé de la séance du 26/02/2025", exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(rdd.get_absolute_url()) + "$"))
        expect(page.get_by_text("Est désignée Présidente de la commission : Mme KERN Colette.")).to_be_visible()
        log_out()


def test_a_member_does_not_find_a_draft_s_decision_that_the_secretariat_finds(full_demo, page, log_in, log_out):
    meeting = Meeting.objects.get(title=RECENT_TITLE)
    draft = Rdd.objects.get(meeting=meeting)
    assert draft.status == Rdd.Status.DRAFT
    assert Decision.objects.filter(item_record__rdd=draft, text=DRAFT_DECISION).exists()
    title = f"Relevé de la séance du {meeting.date:%d/%m/%Y} — brouillon"

    log_in("secretariat")
    search_for(page, DRAFT_WORD)
    show_decisions(page)
    found = results(page).filter(has=page.get_by_role("link", name=title, exact=True))
    expect(found).to_have_count(1)
    expect(found).to_contain_text(DRAFT_DECISION)
    expect(found.locator("mark")).to_have_text("reconduite")
    # The draft's commitment too, by the name of the campaign.
    search_for(page, "perfadom")
    commitment = (
        results(page).filter(has=page.get_by_role("link", name=title, exact=True)).filter(has_text="Engagement")
    )
    expect(commitment).to_contain_text(RECENT_COMMITMENT[0])
    log_out()

    # The member sits in the same commission, but a draft is not theirs to read: nothing at all is found.
    log_in("membre")
    search_for(page, DRAFT_WORD)
    expect(page.get_by_text(f"Aucun résultat pour « {DRAFT_WORD} » dans ce que vous pouvez consulter.")).to_be_visible()
    expect(results(page)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Types de résultats").get_by_role("link")).to_have_text(
        ["Tout (0)", "Personnes (0)", "Réunions (0)", "Décisions (0)", "Engagements (0)", "Questions (0)"]
    )
    # Nor the draft's commitment, though the sessions whose agenda names the campaign are found.
    search_for(page, "perfadom")
    expect(results(page).first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("brouillon"))).to_have_count(0)
    expect(page.locator("ol.search-results")).not_to_contain_text(RECENT_COMMITMENT[0])
