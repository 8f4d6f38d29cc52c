"""The secretariat agent edits the agenda of an upcoming session of the demo's PACA commission in place, in a real
browser: drag and drop, the keyboard alone, an item inserted at a chosen position, a deletion confirmed; the page is
never reloaded and axe-core finds nothing serious on it."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from commissions.composition.models import Commission
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Meeting
from commissions.meetings.selectors import agenda_flat
from commissions.meetings.services import meeting_create

pytestmark = pytest.mark.browser


def stored(meeting: Meeting) -> list[tuple[str, str]]:
    return [(node.number, node.item.title) for node in agenda_flat(meeting)]


def shown(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("ol.agenda > li")
    return list(
        zip(
            rows.locator(".agenda-number").all_inner_texts(),
            rows.locator(".agenda-title").all_text_contents(),
            strict=True,
        )
    )


def expect_agenda(page: Page, meeting: Meeting) -> list[tuple[str, str]]:
    """The page shows the stored agenda, numbers and titles in order."""
    expected = stored(meeting)
    expect(page.locator("ol.agenda > li .agenda-number")).to_have_text([number for number, _ in expected])
    assert [(number, title.strip()) for number, title in shown(page)] == expected
    return expected


def row(page: Page, title: str):
    return page.locator("ol.agenda > li").filter(has=page.locator(".agenda-title", has_text=title))


def top_level(meeting: Meeting) -> list[str]:
    return [node.item.title for node in agenda_flat(meeting) if node.depth == 1]


@pytest.fixture
def upcoming(demo, log_in) -> tuple[Page, Meeting]:
    """A session in four weeks, created as the meeting page does (the standard items), with two items more."""
    commission = Commission.objects.get(slug="cpr-paca-corse-lpp")
    meeting = meeting_create(
        commission=commission,
        date=commission.today() + datetime.timedelta(days=28),
        start_time=datetime.time(14),
        title="Séance plénière",
        standard_items=True,
    )
    files = agenda_item_add(meeting=meeting, title="Ordonnance numérique", speaker="sociale")
    agenda_item_add(meeting=meeting, parent=files, title="Point d'étape du déploiement")
    agenda_item_add(meeting=meeting, title="Calendrier des séances")
    page = log_in("secretariat")
    page.goto(meeting.get_absolute_url())
    expect_agenda(page, meeting)
    # A mark that a reload would lose: every step below happens on this one page.
    page.evaluate("window.agendaJourney = 'même page'")
    return page, meeting


def still_the_same_page(page: Page) -> None:
    assert page.evaluate("window.agendaJourney") == "même page"


def test_the_agent_reorders_and_indents_the_agenda_by_drag_and_drop(upcoming):
    page, meeting = upcoming
    page.set_viewport_size({"width": 1366, "height": 1600})  # the whole agenda in view: no scrolling mid-drag
    titles = top_level(meeting)
    first, last = titles[0], titles[-1]

    # The last item dropped on the upper half of the first one: it becomes 01, the rest follow.
    target = row(page, first).first
    row(page, last).locator(".agenda-handle").drag_to(target, target_position={"x": 12, "y": 4})
    expect(page.get_by_role("status")).to_have_text("Point déplacé : désormais 01.")
    assert top_level(meeting)[:2] == [last, first]
    expect_agenda(page, meeting)
    expect(page.locator("#agenda-annonce")).to_have_text(f"Point {len(titles):02d} déplacé en position 01.")

    # Then dropped low and to the right on the next item: it becomes that item's first sub-item.
    target = row(page, first).first
    box = target.bounding_box()
    row(page, last).locator(".agenda-handle").drag_to(
        target, target_position={"x": min(200, box["width"] - 10), "y": box["height"] - 4}
    )
    expect(page.get_by_role("status")).to_have_text("Point déplacé : désormais 1.1.")
    numbers = dict((title, number) for number, title in stored(meeting))
    assert numbers[first] == "01" and numbers[last] == "1.1"
    expect_agenda(page, meeting)
    still_the_same_page(page)


def test_the_agent_moves_an_item_with_the_keyboard_only(upcoming):
    page, meeting = upcoming
    titles = top_level(meeting)
    moved = titles[0]

    # From the skip link, Tab up to the first item's "Descendre" button, as a keyboard user would.
    page.keyboard.press("Tab")
    down = page.get_by_role("button", name="Descendre le point 01", exact=True)
    for _ in range(60):
        if down.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(down).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Point déplacé : désormais 02.")
    expect(page.locator("#agenda-annonce")).to_have_text("Point 01 déplacé en position 02.")
    # The focus stays on the moved item's button, so the next key press moves it again.
    expect(page.get_by_role("button", name="Descendre le point 02", exact=True)).to_be_focused()

    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#agenda-annonce")).to_have_text("Point 02 déplacé en position 03.")
    assert top_level(meeting)[2] == moved
    page.keyboard.press("Alt+ArrowRight")  # a sub-item of the item above it, now 02
    expect(page.locator("#agenda-annonce")).to_have_text(re.compile(r"^Point 03 déplacé en position 2\.\d+\.$"))
    number = dict((title, number) for number, title in stored(meeting))[moved]
    assert number.startswith("2.")
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile(f"le point {re.escape(number)}$"))
    page.keyboard.press("Alt+ArrowLeft")  # back to the first level, right after 02
    expect(page.locator("#agenda-annonce")).to_have_text(f"Point {number} déplacé en position 03.")
    assert top_level(meeting)[2] == moved
    expect_agenda(page, meeting)
    expect(page).to_have_url(re.compile(rf"/seances/{meeting.pk}/$"))  # Alt + ← did not go back in the history
    still_the_same_page(page)


def test_the_agent_inserts_an_item_at_a_chosen_position_and_deletes_one_with_confirmation(upcoming):
    page, meeting = upcoming
    second = top_level(meeting)[1]
    count = len(stored(meeting))

    page.get_by_label("Autres actions sur le point 02", exact=True).click()
    page.get_by_role("link", name="Insérer un point avant le point 02").click()
    form = page.locator("details.agenda-add")
    expect(form.get_by_label("Titre")).to_be_focused()
    expect(form.get_by_label("Emplacement")).to_have_value(str(row(page, second).first.get_attribute("data-id")))
    page.keyboard.type("Dossiers individuels")
    form.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_role("status")).to_have_text("Point 02 ajouté.")
    assert top_level(meeting)[1:3] == ["Dossiers individuels", second]
    expect_agenda(page, meeting)

    # Deleting asks first: refused, nothing changes; confirmed, the item goes and the rest are renumbered.
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_label("Autres actions sur le point 02", exact=True).click()
    page.get_by_role("link", name="Supprimer le point 02").click()
    assert asked == [
        "Supprimer le point 02 – Dossiers individuels et ses pièces jointes ? Les points suivants seront renumérotés."
    ]
    assert len(stored(meeting)) == count + 1

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("link", name="Supprimer le point 02").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_have_text(
        "Point 02 supprimé ; les points suivants ont été renumérotés."
    )
    assert len(stored(meeting)) == count
    assert top_level(meeting)[1] == second
    expect_agenda(page, meeting)
    still_the_same_page(page)


def test_the_meeting_page_with_its_agenda_menu_open_has_no_serious_accessibility_violation(upcoming):
    page, _ = upcoming
    page.get_by_label("Autres actions sur le point 02", exact=True).click()
    expect(page.get_by_role("link", name="Insérer un point avant le point 02")).to_be_visible()
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, serious
