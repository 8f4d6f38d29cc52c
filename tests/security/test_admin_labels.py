"""The admin speaks French everywhere, the third-party apps and the delete action included."""

from django.urls import reverse

from tests.factories import PersonFactory


def test_the_admin_names_every_app_in_french(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Tentatives de connexion" in page and "Second facteur (TOTP)" in page
    assert "AXES" not in page and "OTP_TOTP" not in page


def test_the_delete_action_is_right_for_every_model(client, admin_user):
    PersonFactory()  # the actions show on a list that has rows
    client.force_login(admin_user)
    page = client.get(reverse("admin:members_person_changelist")).content.decode()
    assert "Supprimer la sélection" in page and "sélectionnés" not in page
