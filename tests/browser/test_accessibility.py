"""Accessibility of the main pages: axe-core finds nothing serious, the page is in French, focus is visible.

Each page is checked at 1366 px and again at 390 px (a phone, WCAG 1.4.10 reflow): at 390 px nothing scrolls
sideways (the widest elements are named when something does) and axe-core runs again.

axe-core comes inside the axe-playwright-python wheel (axe.min.js): nothing is
fetched at run time. Every page checked is also saved as a screenshot in
test-results/screenshots/, to be looked at, and axe's findings of any impact
in test-results/axe/.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from commissions.composition.export import composition_xlsx
from commissions.composition.models import Commission
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Attendance, Meeting
from commissions.meetings.selectors import meeting_members
from commissions.meetings.services import attendance_record, meeting_create
from decisions.models import Rdd
from decisions.services import rdd_submit as submit
from demo.meetings import PACA_2025_DAY, RECENT_TITLE, UPCOMING_TITLE
from demo.tables import DATA as DEMO_TABLES
from stats.models import StatTable
from supports.services import support_request

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# The elements wider than the viewport that are not inside a scrolling region (the page's own overflow).
OVERFLOW_JS = r"""() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (element) => {
        for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(node).overflowX)) return true;
        }
        return false;
    };
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
        const box = element.getBoundingClientRect();
        if (box.width && box.right > width + 1 && !scrolls(element)) {
            const parent = element.parentElement.getBoundingClientRect();
            if (parent.right <= width + 1 || element.parentElement === document.body) {
                const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                    + (element.className && typeof element.className === 'string'
                        ? '.' + element.className.trim().split(/\s+/).join('.') : '');
                wide.push(`${name} (${Math.round(box.right)} px)`);
            }
        }
    }
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


@pytest.fixture
def meeting(demo):
    """A session of the PACA commission in four weeks, with a three-level agenda and some attendance."""
    commission = Commission.objects.get(slug="cpr-paca-corse-lpp")
    meeting = meeting_create(
        commission=commission,
        date=commission.today() + datetime.timedelta(days=28),
        start_time=datetime.time(14),
        end_time=datetime.time(17),
        title="Séance plénière",
        place="CPCAM des Bouches-du-Rhône, salle du conseil, Marseille",
    )
    agenda_item_add(
        meeting=meeting,
        title="Approbation du relevé de décisions",
        content="<p>Le relevé de décisions de la séance du <strong>26 février</strong> est soumis à approbation.</p>",
    )
    files = agenda_item_add(meeting=meeting, title="Dossiers individuels", speaker="sociale")
    sanctions = agenda_item_add(meeting=meeting, parent=files, title="Déconventionnements")
    agenda_item_add(
        meeting=meeting,
        parent=sanctions,
        title="Société Alpha Santé (Marseille)",
        content="<table><thead><tr><th>Grief</th><th>Montant</th></tr></thead>"
        "<tbody><tr><td>Facturation d'actes non réalisés</td><td>12 480,00 €</td></tr></tbody></table>",
    )
    agenda_item_add(meeting=meeting, title="Questions diverses")
    for row in meeting_members(meeting)[:4]:
        attendance_record(meeting=meeting, person=row.person, status=Attendance.Status.PRESENT)
    return meeting


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))


class PageAudit:
    """Visits pages one after the other: lang, axe-core, a screenshot; the blocking findings are kept for the end."""

    def __init__(self, page: Page, results: Path, first: int = 1):
        self.page = page
        self.results = results
        self.axe = Axe()
        self.count = first - 1
        self.blocking: dict[str, list[dict]] = {}
        self.summary: dict[str, dict[str, int]] = {}
        self.overflowing: dict[str, dict] = {}

    def check(self, name: str) -> None:
        """The page at 1366 px, then at 390 px: no sideways scroll and axe-core again; back to 1366 px."""
        self.count += 1
        slug = f"{self.count:02d}-{name}"
        expect(self.page.locator("html")).to_have_attribute("lang", "fr")
        self._axe(slug)
        self.page.set_viewport_size(PHONE)
        try:
            reflow = self.page.evaluate(OVERFLOW_JS)
            if reflow["scroll"] > reflow["width"]:
                self.overflowing[slug] = reflow
            self._axe(f"{slug}-390px")
        finally:
            self.page.set_viewport_size(LAPTOP)

    def _axe(self, slug: str) -> None:
        self.page.screenshot(path=self.results / "screenshots" / f"{slug}.png", full_page=True)
        violations = self.axe.run(self.page).response["violations"]
        write_json(self.results / "axe" / f"{slug}.json", violations)
        self.summary[slug] = {}
        for violation in violations:
            impact = violation["impact"]
            self.summary[slug][impact] = self.summary[slug].get(impact, 0) + 1
            if impact in BLOCKING:
                self.blocking.setdefault(slug, []).append(violation)

    def write_summary(self) -> None:
        """Add this audit's counts to test-results/axe/summary.json (several tests audit pages)."""
        path = self.results / "axe" / "summary.json"
        summary = json.loads(path.read_text()) if path.exists() else {}
        write_json(path, {**summary, **self.summary})

    def report(self) -> str:
        lines = []
        for slug, violations in self.blocking.items():
            for violation in violations:
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                lines.append(f"{slug}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}")
        for slug, reflow in self.overflowing.items():
            wide = ", ".join(reflow["wide"])
            lines.append(f"{slug}: défilement horizontal à 390 px ({reflow['scroll']} px de large) — {wide}")
        return "\n".join(lines)

    def failed(self) -> bool:
        return bool(self.blocking or self.overflowing)


def test_the_main_pages_have_no_serious_accessibility_violations(meeting, page, log_in, tmp_path, pytestconfig):
    commission = meeting.commission
    base = f"/commissions/{commission.slug}"
    # pytest-playwright's output folder, test-results/ unless --output says otherwise.
    results = Path(pytestconfig.getoption("--output")).resolve()
    audit = PageAudit(page, results)

    page.goto("/compte/connexion/")
    audit.check("connexion")
    log_in("secretariat")
    audit.check("mes-commissions")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the login lands on the home page by role
    page.goto("/recherche/?q=ordre+du+jour")
    audit.check("recherche")
    page.goto("/supports/verifier-un-releve/")
    audit.check("verifier-un-releve")

    page.goto(f"{base}/")
    audit.check("commission")
    page.goto(f"{base}/mandats/ajouter/")
    audit.check("formulaire-mandat")
    page.get_by_role("button", name="Ajouter le mandat").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    audit.check("formulaire-mandat-erreurs")

    page.goto(f"{base}/composition/importer/")
    audit.check("import-composition")
    spreadsheet = tmp_path / "composition.xlsx"
    spreadsheet.write_bytes(composition_xlsx(commission=commission, day=commission.today()))
    page.get_by_label("Fichier de composition (CSV, XLSX ou ODS)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import de la composition")
    audit.check("import-apercu")

    page.goto(f"{base}/seances/")
    audit.check("reunions")
    page.goto(f"{base}/seances/nouvelle/")
    audit.check("formulaire-reunion")
    page.goto(meeting.get_absolute_url())
    audit.check("reunion")
    page.get_by_role("link", name="Modifier le point 2.1.1").click()
    audit.check("point-ordre-du-jour")
    page.goto(f"{base}/seances/{meeting.pk}/presences/")
    audit.check("presences")
    page.goto(f"{base}/seances/{meeting.pk}/convocation/")
    audit.check("convocation")
    page.goto("/commissions/une-commission-inconnue/")
    audit.check("page-introuvable")

    page.get_by_role("button", name="Se déconnecter").click()
    log_in("membre")
    page.goto(f"{base}/")
    audit.check("commission-vue-membre")
    page.goto(f"{base}/mandats/ajouter/")
    audit.check("acces-refuse")

    audit.write_summary()
    assert not audit.failed(), "axe-core at 1366 and 390 px, reflow at 390 px:\n" + audit.report()


def test_the_rdd_statistics_and_supports_pages_have_no_serious_accessibility_violations(
    full_demo, page, log_in, log_out, pytestconfig
):
    """The pages of the RDD, statistics and PDF journeys, on the full demo (its tables, RDDs, the session held a few
    days ago whose draft RDD is submitted here, and the upcoming session)."""
    results = Path(pytestconfig.getoption("--output")).resolve()
    audit = PageAudit(page, results, first=31)
    users = {user.username: user for user in get_user_model().objects.filter(username__in=["secretariat", "kern"])}
    upcoming = Meeting.objects.get(title=UPCOMING_TITLE)
    draft = Rdd.objects.get(meeting__title=RECENT_TITLE)
    transmitted = Rdd.objects.get(meeting__commission__slug="cpr-paca-corse-lpp", meeting__date=PACA_2025_DAY)
    # The demo holds several tables of amounts for PACA–Corse (000's PACA and Corse, 001's PACA): any one will do.
    amounts = StatTable.objects.filter(commission__slug="cpr-paca-corse-lpp", kind="montants").order_by("pk").first()
    support_request(meeting=upcoming, kind="support", version="convocation")  # eager: a ready row on the page
    base = "/commissions/cpr-paca-corse-lpp"

    log_in("secretariat")
    page.goto(f"{base}/statistiques/")
    audit.check("statistiques")
    page.get_by_role("link", name="Importer un tableau").click()
    audit.check("import-tableau")
    page.get_by_label("Fichier (CSV, XLSX ou ODS)").set_input_files(DEMO_TABLES / "montants_paca_2023.csv")
    page.get_by_label("Titre").fill("Bilan des montants remboursés en PACA – année 2023")
    page.get_by_label("Début de période").fill("01/01/2023")
    page.get_by_label("Fin de période").fill("31/12/2023")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier l'import")
    audit.check("import-tableau-apercu")
    page.goto(amounts.get_absolute_url())
    expect(page.locator("figure svg").first).to_be_visible()
    audit.check("tableau")
    page.goto(f"/rdd/{draft.pk}/rediger/")
    audit.check("rdd-redaction")
    page.goto(draft.get_absolute_url())
    audit.check("rdd-brouillon")
    page.goto(transmitted.get_absolute_url())
    audit.check("rdd-transmis")
    page.goto(upcoming.get_absolute_url())
    page.get_by_role("link", name="Support PDF").click()
    expect(page.locator(".support-state").first).to_have_text("prêt")
    audit.check("supports")
    log_out()

    submit(rdd=draft, user=users["secretariat"])
    log_in("kern")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("link", name="RDD à approuver").click()
    audit.check("rdd-a-approuver")
    page.get_by_role("link", name="Approuver", exact=True).click()
    audit.check("rdd-approbation")
    page.get_by_label("Votre mot de passe").fill("pas-le-bon")  # the error, tied to its field
    page.get_by_role("button", name="Approuver", exact=True).click()
    # The password is checked before anything else asks for a confirmation; the error is read out at once.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Votre mot de passe : Mot de passe incorrect")
    expect(page).to_have_title(re.compile(r"^Erreur : Approuver le relevé de décisions"))
    password = page.get_by_label("Votre mot de passe")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile(r"Mot de passe incorrect : le relevé"))
    assert dialogs == []
    audit.check("rdd-approbation-erreur")
    log_out()

    log_in("membre")
    page.get_by_role("link", name="Relevés transmis").click()
    audit.check("releves-transmis")

    audit.write_summary()
    assert not audit.failed(), "axe-core at 1366 and 390 px, reflow at 390 px:\n" + audit.report()


def focus_indicator(page: Page) -> dict:
    """How the focused element shows its focus: outline and box-shadow as computed by the browser."""
    return page.evaluate(
        r"""() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            const text = element.getAttribute('aria-label') || element.innerText || element.value || '';
            return {
                text: text.replace(/\s+/g, ' ').trim(),
                tag: element.tagName.toLowerCase(),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                shadow: style.boxShadow !== 'none',
                visible: box.width > 1 && box.height > 1,
            };
        }"""
    )


def test_keyboard_users_log_in_and_always_see_where_the_focus_is(meeting, page):
    page.goto("/compte/connexion/")
    expect(page.get_by_label("Nom d’utilisateur")).to_be_focused()
    page.keyboard.type("secretariat")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type("demo-portail-2026")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")

    page.goto(meeting.get_absolute_url())
    # The first Tab reaches the skip link, which shows itself and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    seen = []
    for _ in range(80):
        indicator = focus_indicator(page)
        if indicator["tag"] == "body":  # past the last element: the focus left the page
            break
        seen.append(indicator)
        assert indicator["visible"] and (indicator["outline"] or indicator["shadow"]), indicator
        page.keyboard.press("Tab")
    # The walk went through the navigation, the meeting's actions and the agenda's, up to the form.
    texts = [indicator["text"] for indicator in seen]
    walk = " | ".join(texts)
    # The walk went on to the quorum's link at the end of the page.
    assert texts[-1] == "Règles de quorum de la commission", walk
    for expected in (
        "Commissions",
        "Se déconnecter",
        "Présences",
        "Monter le point 02",
        "Modifier le point 2.1.1",
        "Ajouter un point à l'ordre du jour",
    ):
        assert any(text.startswith(expected) for text in texts), walk


def test_a_form_in_error_is_announced_and_its_summary_takes_the_focus(meeting, page, log_in):
    """The login refused and a form left empty: an alert summing up the errors takes the focus (a screen reader
    reads it at once), the title starts with "Erreur :", each field in error is invalid and described by its error,
    and the summary's links lead to the fields."""
    page.goto("/compte/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("secretariat")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("mot de passe valides")
    expect(page).to_have_title(re.compile(r"^Erreur : Connexion"))
    for label in ("Nom d’utilisateur", "Mot de passe"):
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("mot de passe valides"))

    log_in("secretariat")
    expect(page).not_to_have_title(re.compile("^Erreur"))
    page.goto(f"/commissions/{meeting.commission.slug}/mandats/ajouter/")
    page.get_by_role("button", name="Ajouter le mandat").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    first.click()
    field = page.locator(target)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("obligatoire"))
