"""A member sees their own commission only, and none of the secretariat's actions, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_member_cannot_reach_another_commission_nor_a_secretariat_action(demo, log_in):
    page = log_in("membre")
    # The login lands on the home page: the member's one commission, nothing of the secretariat's to-do.
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")
    commissions = page.get_by_role("region", name="Vos commissions").get_by_role("heading", level=3)
    expect(commissions).to_have_count(1)
    expect(commissions).to_contain_text("CPR PACA–Corse")
    expect(page.get_by_text("Secrétariat : ce qui est à faire")).to_have_count(0)

    page.goto("/commissions/")
    commissions = page.locator(".list-group-item")
    expect(commissions).to_have_count(1)
    expect(commissions).to_contain_text("CPR PACA–Corse")

    commissions.click()
    expect(page.get_by_text("Membre", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Séances et réunions")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter un mandat")).to_have_count(0)
    expect(page.get_by_role("link", name="Importer une composition")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Terminer"))).to_have_count(0)

    # Another commission answers "not found", whether the member asks for it or for its meetings.
    for address in ("/commissions/cpl-pharmaciens-cote-dor/", "/commissions/cpl-pharmaciens-cote-dor/seances/"):
        response = page.goto(address)
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(page.locator("main")).not_to_contain_text("Côte-d'Or")
        expect(page.get_by_role("link", name="Retour à mes commissions")).to_be_visible()

    # The secretariat's pages of the member's own commission answer "forbidden", and say why.
    for address in (
        "/commissions/cpr-paca-corse-lpp/mandats/ajouter/",
        "/commissions/cpr-paca-corse-lpp/composition/importer/",
        "/commissions/cpr-paca-corse-lpp/seances/nouvelle/",
    ):
        response = page.goto(address)
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
        expect(page.locator("main")).to_contain_text("Cette action est réservée au secrétariat de la commission.")
