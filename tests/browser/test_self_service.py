"""Self-service in a browser: the admin creates a commission from the commission list (an error first, in French),
the secretariat invites the members without an account in one action; axe-core on each new page."""

from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from commissions.composition.models import Commission
from commissions.composition.services import invitation_plan
from tests.browser.test_accessibility import PageAudit

pytestmark = pytest.mark.browser


def test_the_admin_creates_a_commission_and_the_secretariat_invites_its_members(
    demo, page, log_in, log_out, pytestconfig
):
    results = Path(pytestconfig.getoption("--output")).resolve()
    audit = PageAudit(page, results, first=61)

    log_in("admin")
    page.goto("/commissions/")
    page.get_by_role("link", name="Nouvelle commission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle commission")
    audit.check("nouvelle-commission")
    taken = Commission.objects.order_by("name").first()
    page.get_by_label("Nom").fill(taken.name)
    page.get_by_role("button", name="Créer la commission").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text(
        f"Une commission porte déjà le nom « {taken.name} »"
    )
    audit.check("nouvelle-commission-erreurs")
    page.get_by_label("Nom").fill("CPD Var LPP")
    page.get_by_label("Niveau").select_option("CPD")
    page.get_by_label("Profession").fill("Fournisseurs LPP")
    page.get_by_label("Territoire").fill("Var")
    page.get_by_role("button", name="Créer la commission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD Var LPP")
    expect(page.get_by_text("Commission « CPD Var LPP » créée avec ses sections")).to_be_visible()
    assert Commission.objects.get(slug="cpd-var-lpp").sections.count() == 2
    log_out()

    paca = Commission.objects.get(slug="cpr-paca-corse-lpp")
    expected = len(invitation_plan(paca).to_invite)
    assert expected > 0
    log_in("secretariat")
    page.goto(paca.get_absolute_url())
    page.get_by_role("link", name="Inviter les membres sans compte").click()
    expect(page.get_by_role("heading", name="Seront invités")).to_contain_text(f"({expected})")
    audit.check("inviter-les-membres")
    mail.outbox.clear()
    page.get_by_role("button", name=f"Envoyer {expected} invitation").click()
    expect(page.get_by_text(f"{expected} invitation")).to_be_visible()
    assert invitation_plan(paca).to_invite == []

    audit.write_summary()
    assert not audit.failed(), "axe-core at 1366 and 390 px, reflow at 390 px:\n" + audit.report()
