"""The admin: an RDD that is no longer a draft is read-only, and a change is refused in French, never a 500."""

import pytest
from django.urls import reverse

from decisions.models import ItemRecord, Rdd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    # The admin's second factor is tested with the admin site; here it would only hide the pages.
    settings.ADMIN_REQUIRE_OTP = False


def test_the_admin_shows_an_approved_rdd_read_only(client, admin_user, approved):
    client.force_login(admin_user)

    response = client.get(reverse("admin:decisions_rdd_change", args=[approved.pk]))

    assert response.status_code == 200
    assert "Chaîne d&#x27;empreintes intacte" in response.content.decode()


def test_the_admin_refuses_to_change_a_frozen_item_record(client, admin_user, approved):
    client.force_login(admin_user)
    record = ItemRecord.objects.filter(rdd=approved).first()

    response = client.post(
        reverse("admin:decisions_itemrecord_change", args=[record.pk]),
        {"position": 1, "number": "01", "title": "Réécrit", "speaker": "", "summary": "Réécrit"},
    )

    assert response.status_code == 200
    assert "n&#x27;est plus un brouillon" in response.content.decode()
    record.refresh_from_db()
    assert record.summary == "La section sociale présente les aides à la télétransmission."


def test_the_admin_edits_a_draft_and_submits_through_the_workflow(client, admin_user, rdd, presidents):
    client.force_login(admin_user)
    record = ItemRecord.objects.filter(rdd=rdd).order_by("position").first()

    response = client.post(
        reverse("admin:decisions_itemrecord_change", args=[record.pk]),
        {
            "rdd": rdd.pk,
            "position": 1,
            "number": "01",
            "title": record.title,
            "speaker": record.speaker,
            "summary": "Corrigé dans l'admin",
            "decisions-TOTAL_FORMS": 0,
            "decisions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.summary == "Corrigé dans l'admin"

    client.post(reverse("admin:decisions_rdd_changelist"), {"action": "submit", "_selected_action": [rdd.pk]})
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.SUBMITTED


def test_the_admin_warns_that_a_frozen_record_is_read_only(client, admin_user, approved):
    client.force_login(admin_user)
    record = ItemRecord.objects.filter(rdd=approved).first()

    response = client.get(reverse("admin:decisions_itemrecord_change", args=[record.pk]))

    assert response.status_code == 200
    assert "n&#x27;est plus un brouillon" in response.content.decode()
    assert 'name="summary"' not in response.content.decode()


def test_the_admin_pages_of_the_models_open(client, admin_user, approved):
    client.force_login(admin_user)
    for model in ("rdd", "itemrecord", "commitment", "commitmentupdate", "question", "approval", "trailentry"):
        assert client.get(reverse(f"admin:decisions_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:decisions_rdd_add")).status_code == 200
