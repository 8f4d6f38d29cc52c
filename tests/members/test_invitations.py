import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from commissions.composition.models import SectionKind
from members.services import person_invite
from members.tasks import send_invitation
from tests.factories import PersonFactory, UserFactory, seat_member
from tests.mail_checks import assert_automatic

LINK = re.compile(r"https?://\S+/compte/invitation/(?P<uidb64>[^/\s]+)/(?P<token>[^/\s]+)/")


def invite(person, by, capture):
    with capture(execute=True):
        return person_invite(person=person, invited_by=by)


def link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0)


def path_of(link: str) -> str:
    return urlsplit(link).path


# The service


def test_inviting_a_person_creates_an_account_without_password_linked_to_them(
    kern, alice, django_capture_on_commit_callbacks
):
    user = invite(kern, alice, django_capture_on_commit_callbacks)

    kern.refresh_from_db()
    assert kern.user == user
    assert user.username == "kern@example.org"
    assert user.email == "Kern@example.org"  # normalised by User.clean()
    assert (user.first_name, user.last_name) == ("Colette", "Kern")
    assert user.is_active
    assert not user.has_usable_password()


def test_the_invitation_is_a_french_email_with_a_link_to_choose_a_password(
    kern, alice, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://commissions.example.org"
    alice.first_name, alice.last_name = "Alice", "Durand"
    alice.save()

    invite(kern, alice, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Invitation au portail des commissions paritaires"
    assert message.to == ["Kern@Example.org"]
    assert message.body.startswith("Bonjour Mme KERN Colette,")
    assert "Alice Durand vous invite à utiliser le portail" in message.body
    assert "Votre identifiant de connexion : kern@example.org" in message.body
    assert link_in(message).startswith("https://commissions.example.org/compte/invitation/")
    assert_automatic(message)


def test_the_email_is_queued_only_when_the_transaction_commits(kern, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        person_invite(person=kern, invited_by=alice)

    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert [message.to for message in mail.outbox] == [[kern.email]]


def test_a_person_without_email_cannot_be_invited(commission, alice, django_capture_on_commit_callbacks):
    person = PersonFactory(last_name="Sans", email="")

    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        person_invite(person=person, invited_by=alice)

    assert list(error.value.message_dict) == ["email"]
    assert "e-mail" in error.value.message_dict["email"][0]
    person.refresh_from_db()
    assert person.user is None
    assert mail.outbox == []


def test_a_person_who_already_chose_a_password_is_refused(kern, alice, django_capture_on_commit_callbacks):
    kern.user = UserFactory(username="colette")
    kern.save()

    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        person_invite(person=kern, invited_by=alice)

    assert error.value.messages == [
        "Mme KERN Colette a déjà un compte actif (identifiant « colette ») : "
        "la personne peut se connecter ou utiliser « Mot de passe oublié ? »."
    ]
    assert mail.outbox == []


def test_an_unlinked_account_with_the_same_username_is_not_taken_over(kern, alice, django_capture_on_commit_callbacks):
    UserFactory(username="kern@example.org")

    with pytest.raises(ValidationError, match="existe déjà sans être rattaché"):
        invite(kern, alice, django_capture_on_commit_callbacks)

    kern.refresh_from_db()
    assert kern.user is None
    assert mail.outbox == []


def test_a_deactivated_account_is_not_invited(kern, alice, django_capture_on_commit_callbacks):
    user = User.objects.create(username="kern@example.org", is_active=False)
    user.set_unusable_password()
    user.save()
    kern.user = user
    kern.save()

    with pytest.raises(ValidationError, match="désactivé"):
        invite(kern, alice, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_inviting_again_keeps_the_account_and_sends_a_new_link(kern, alice, django_capture_on_commit_callbacks):
    first = invite(kern, alice, django_capture_on_commit_callbacks)
    second = invite(kern, alice, django_capture_on_commit_callbacks)

    assert first == second
    assert User.objects.filter(username="kern@example.org").count() == 1
    assert len(mail.outbox) == 2


def test_the_task_sends_nothing_once_the_password_is_chosen(kern, alice, django_capture_on_commit_callbacks):
    user = invite(kern, alice, django_capture_on_commit_callbacks)
    user.set_password("un-mot-de-passe-solide")
    user.save()
    mail.outbox.clear()

    send_invitation(kern.pk)

    assert mail.outbox == []


def test_the_task_sends_nothing_for_an_unknown_person(db):
    send_invitation(123456)

    assert mail.outbox == []


# The one-time link


def test_accepting_the_invitation_sets_the_password(client, kern, alice, django_capture_on_commit_callbacks):
    user = invite(kern, alice, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))

    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "<title>Choisir votre mot de passe" in page.content.decode()
    assert "kern@example.org" in page.content.decode()

    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Calanques-2026-bleues", "new_password2": "Calanques-2026-bleues"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("invitation_complete")
    assert "Votre compte est activé" in response.content.decode()
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.check_password("Calanques-2026-bleues")
    # django-axes throttles every authentication, so it needs the request (none from the test client).
    assert client.login(request=HttpRequest(), username="kern@example.org", password="Calanques-2026-bleues")


def test_the_invitation_link_works_only_once(client, kern, alice, django_capture_on_commit_callbacks):
    invite(kern, alice, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": "Calanques-2026-bleues", "new_password2": "Calanques-2026-bleues"}
    )

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "Ce lien d'invitation n'est plus valide" in again.content.decode()
    assert "form" not in again.context or again.context["form"] is None


def test_a_weak_password_is_refused_in_french(client, kern, alice, django_capture_on_commit_callbacks):
    user = invite(kern, alice, django_capture_on_commit_callbacks)
    page = client.get(path_of(link_in(mail.outbox[0])), follow=True)

    response = client.post(page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_forged_token_is_refused(client, kern, alice, django_capture_on_commit_callbacks):
    invite(kern, alice, django_capture_on_commit_callbacks)
    match = LINK.search(mail.outbox[0].body)

    response = client.get(reverse("invitation_accept", args=[match["uidb64"], "abc-123"]))

    assert response.status_code == 200
    assert response.context["validlink"] is False


# The invite action of the commission


def invite_url(commission, person) -> str:
    return reverse("commissions:person_invite", args=[commission.slug, person.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_alice_invites_a_member_of_her_commission(client, alice, kern, commission, django_capture_on_commit_callbacks):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(commission, kern))

    assert response.status_code == 302
    assert response["Location"] == commission.get_absolute_url()
    assert messages_of(response) == ["Invitation envoyée à Mme KERN Colette (Kern@Example.org)."]
    kern.refresh_from_db()
    assert kern.user.username == "kern@example.org"
    assert [message.to for message in mail.outbox] == [["Kern@Example.org"]]


def test_alice_invites_a_secretariat_contact(client, alice, contact, commission, django_capture_on_commit_callbacks):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(commission, contact))

    contact.refresh_from_db()
    assert contact.user is not None
    assert [message.to for message in mail.outbox] == [["martin@example.org"]]


def test_alice_may_invite_a_former_member(client, alice, commission, django_capture_on_commit_callbacks):
    former = seat_member(
        commission, SectionKind.PROFESSIONAL, start=datetime.date(2020, 1, 1), end=datetime.date(2022, 12, 31)
    ).person
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(commission, former))

    assert len(mail.outbox) == 1


def test_bob_gets_404_on_alices_commission(client, bob, kern, commission):
    client.force_login(bob)

    response = client.post(invite_url(commission, kern))

    assert response.status_code == 404
    kern.refresh_from_db()
    assert kern.user is None


def test_alice_gets_404_for_a_person_of_another_commission(client, alice, stranger, commission):
    client.force_login(alice)

    response = client.post(invite_url(commission, stranger))

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.user is None


def test_a_member_of_the_commission_may_not_invite(client, member_user, kern, commission):
    client.force_login(member_user)

    response = client.post(invite_url(commission, kern))

    # commission_for(manage=True): 403 for a member of the commission (it is no secret to them).
    assert response.status_code == 403
    kern.refresh_from_db()
    assert kern.user is None


def test_charlie_gets_404(client, charlie, kern, commission):
    client.force_login(charlie)

    assert client.post(invite_url(commission, kern)).status_code == 404


def test_inviting_asks_anonymous_visitors_to_log_in(client, kern, commission):
    response = client.post(invite_url(commission, kern))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inviting_is_an_action_that_needs_post(client, alice, kern, commission):
    client.force_login(alice)

    assert client.get(invite_url(commission, kern)).status_code == 405


def test_a_refused_invitation_is_an_error_message_not_a_crash(client, alice, commission):
    person = seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Sans", email="")).person
    client.force_login(alice)

    response = client.post(invite_url(commission, person))

    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert "renseignez le champ « e-mail »" in str(message)
    assert mail.outbox == []


def test_the_admin_action_invites_the_selected_persons(
    client, admin_user, kern, contact, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_person_changelist"),
            {"action": "invite", "_selected_action": [kern.pk, contact.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert sorted(message.to[0] for message in mail.outbox) == ["Kern@Example.org", "martin@example.org"]
