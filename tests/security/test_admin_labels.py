"""The admin speaks French everywhere, the third-party apps and the delete action included."""

from django.apps import apps
from django.urls import reverse

from tests.factories import PersonFactory

PORTAL_APPS = {"members", "commissions", "decisions", "statistics", "supports", "api", "home", "ops"}


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


# Field names that are the same word in French: their default label ("Commission", "Date"…) is French already.
SAME_IN_FRENCH = {
    "action",
    "article",
    "code",
    "poste",
    "source",
    "commission",
    "commissions",
    "date",
    "description",
    "organisation",
    "profession",
    "section",
    "service",
    "version",
}


def test_every_field_of_the_portal_has_a_french_label():
    """A field without a verbose name shows its attribute's name in the admin and in form errors: "Created at",
    "Uploaded by", "Seat"."""
    english = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS
        for field in model._meta.get_fields()
        if field.concrete
        and not field.auto_created
        and field.verbose_name == field.name.replace("_", " ")
        and field.name not in SAME_IN_FRENCH
    ]
    assert english == []


def test_the_admin_shows_the_dates_of_a_person_in_french(client, admin_user):
    person = PersonFactory()
    client.force_login(admin_user)
    page = client.get(reverse("admin:members_person_change", args=[person.pk])).content.decode()
    assert "Créé le" in page and "Modifié le" in page
    assert "Created at" not in page and "Updated at" not in page
