import re
from urllib.parse import urlsplit

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.mail_checks import assert_automatic

LINK = re.compile(r"https?://\S+/compte/mot-de-passe/nouveau/\S+/")


def ask_for_a_link(client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def test_the_forgotten_password_page_is_in_french(client, db):
    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Mot de passe oublié" in content
    assert "Recevoir le lien" in content


def test_the_login_page_leads_to_the_forgotten_password_page(client, db):
    response = client.get(reverse("login"))

    assert reverse("password_reset") in response.content.decode()


def test_a_user_receives_a_french_email_with_a_link_to_the_portal(client, alice, settings):
    settings.PORTAL_BASE_URL = "https://commissions.example.org"

    response = ask_for_a_link(client, "alice@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Réinitialisation de votre mot de passe — portail des commissions paritaires"
    assert "votre compte « alice »" in message.body
    assert LINK.search(message.body).group(0).startswith("https://commissions.example.org/compte/mot-de-passe/")
    assert_automatic(message)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = ask_for_a_link(client, "personne@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_done_page_is_in_french(client, db):
    response = client.get(reverse("password_reset_done"))

    assert "Consultez votre messagerie" in response.content.decode()


def test_the_link_sets_a_new_password_once(client, alice):
    ask_for_a_link(client, "alice@example.org")
    link = urlsplit(LINK.search(mail.outbox[0].body).group(0)).path

    form = client.get(link, follow=True)
    assert "<title>Nouveau mot de passe" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Sainte-Victoire-1904", "new_password2": "Sainte-Victoire-1904"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Mot de passe enregistré" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("Sainte-Victoire-1904")
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Ce lien de réinitialisation n'est plus valide" in again.content.decode()


def test_mismatched_passwords_are_refused_in_french(client, alice):
    ask_for_a_link(client, "alice@example.org")
    form = client.get(urlsplit(LINK.search(mail.outbox[0].body).group(0)).path, follow=True)

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Sainte-Victoire-1904", "new_password2": "Mont-Ventoux-1904"}
    )

    assert response.status_code == 200
    assert "Les deux mots de passe ne correspondent pas" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("motdepasse-solide")


def test_logging_out_leads_back_to_the_login_page(client, alice):
    client.force_login(alice)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    # The browser forgets what it kept for the portal (texts typed in the RDD editor and not yet saved).
    assert response["Clear-Site-Data"] == '"storage"'


def test_an_invited_user_who_has_not_chosen_a_password_gets_no_reset_email(client, db):
    # Django only resets usable passwords: the invited person asks for a new invitation instead.
    user = UserFactory(username="nouveau", email="nouveau@example.org")
    user.set_unusable_password()
    user.save()

    ask_for_a_link(client, "nouveau@example.org")

    assert mail.outbox == []
