"""Error pages are French even in the demo (DEBUG): a page not found, and a form refused for its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_answers_the_french_404_page(client, alice, settings, debug):
    settings.DEBUG = debug
    client.force_login(alice)

    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert "Page not found" not in response.text


@pytest.mark.parametrize("debug", [True, False])
def test_another_commissions_page_answers_the_french_404_page(client, alice, other_commission, settings, debug):
    settings.DEBUG = debug
    client.force_login(alice)

    response = client.get(reverse("commissions:detail", args=[other_commission.slug]))

    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert "Page not found" not in response.text


@pytest.mark.parametrize("debug", [True, False])
def test_a_form_without_its_csrf_token_is_refused_in_french(alice, settings, debug):
    settings.DEBUG = debug
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post(reverse("logout"))

    assert response.status_code == 403
    assert "Formulaire expiré" in response.text
    assert "CSRF verification failed" not in response.text
    assert "Forbidden" not in response.text
