"""Errors a screen reader hears (portal/form_errors.py, templates/base.html): a form in error puts an alert that
takes the focus at the top of the page, each error linked to its field, and "Erreur :" at the head of the title."""

import re

from django.urls import reverse


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def summary_of(page: str) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert" id="resume-erreurs"[^>]*>(.*?)</div>', page, re.S)
    assert match, page
    return match.group(0)


def test_a_refused_login_is_summed_up_in_an_alert_and_marks_both_fields(client, alice):
    page = client.post(reverse("login"), {"username": "alice", "password": "pas-le-bon"}).content.decode()

    assert title_of(page).startswith("Erreur : Connexion")
    summary = summary_of(page)
    assert 'tabindex="-1" autofocus' in summary
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in summary
    for name in ("username", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field and 'aria-describedby="resume-erreurs"' in field
        assert "autofocus" not in field  # the summary takes the focus


def test_an_unbound_form_has_no_summary_nor_error_title(client, alice):
    page = client.get(reverse("login")).content.decode()
    assert title_of(page).startswith("Connexion")
    assert "resume-erreurs" not in page


def test_each_error_of_a_form_links_to_its_field_which_is_described_by_it(client, alice, commission):
    client.force_login(alice)
    url = reverse("commissions:mandate_add", args=[commission.slug])
    page = client.post(url, {"start": ""}).content.decode()

    assert title_of(page).startswith("Erreur : ")
    summary = summary_of(page)
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    assert f"{len(targets)} erreurs empêchent l'envoi du formulaire" in summary
    for target in targets:
        field = re.search(rf'<(?:input|select|textarea)[^>]*id="{target}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field
        assert f"{target}_error" in re.search(r'aria-describedby="([^"]+)"', field).group(1)
        assert f'id="{target}_error"' in page
