"""The approval page checks the password before any confirmation, and a wrong one is announced."""

import re

import pytest
from django.urls import reverse

from decisions.models import Approval

pytestmark = pytest.mark.django_db


def test_no_confirmation_comes_before_the_password_is_checked(client, submitted, presidents):
    client.force_login(presidents[0].user)
    page = client.get(reverse("decisions:approve", args=[submitted.pk])).content.decode()
    form = re.search(r"<form method=\"post\"[^>]*>", page).group(0)
    assert "data-confirm" not in form  # no dialog before the server checks the password


def test_a_wrong_password_is_summed_up_and_tied_to_its_field(client, submitted, presidents):
    client.force_login(presidents[0].user)
    response = client.post(reverse("decisions:approve", args=[submitted.pk]), {"password": "pas-le-bon"})
    page = response.content.decode()

    assert re.search(r"<title>\s*Erreur : Approuver le relevé", page)
    assert 'role="alert" id="resume-erreurs" tabindex="-1" autofocus' in page
    assert '<a href="#id_password">Votre mot de passe : Mot de passe incorrect' in page
    field = re.search(r'<input type="password"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "id_password_error" in field
    assert not Approval.objects.filter(rdd=submitted).exists()
