"""Self-service: an administrator creates a commission (with its two sections) from the portal; the secretariat
invites in one action every current member who has an e-mail and no account."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from commissions.composition.models import Commission, Section, SectionKind
from commissions.composition.services import invitation_plan
from tests.factories import CommissionFactory, OrganisationFactory, PersonFactory, UserFactory, seat_member

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("commissions:commission_create")
INVITATION_SUBJECT = "Invitation au portail des commissions paritaires"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_commission(**changes) -> dict:
    data = {
        "name": "CPD Var LPP",
        "slug": "",
        "level": Commission.Level.CPD,
        "profession": "Fournisseurs LPP",
        "territory": "Var",
        "time_zone": "Europe/Paris",
        "secretariat_organisation": "",
        "secretariat_department": "",
    }
    return {**data, **changes}


# A new commission


def test_the_admin_creates_a_commission_with_its_two_sections_and_lands_on_its_page(client, admin_user):
    cpam = OrganisationFactory(acronym="CPAM 83")
    client.force_login(admin_user)

    response = client.post(CREATE_URL, new_commission(secretariat_organisation=cpam.pk))

    commission = Commission.objects.get(name="CPD Var LPP")
    assert commission.slug == "cpd-var-lpp"  # made from the name
    assert (commission.level, commission.territory, commission.secretariat_organisation) == ("CPD", "Var", cpam)
    assert sorted(Section.objects.filter(commission=commission).values_list("kind", flat=True)) == sorted(
        SectionKind.values
    )
    assert list(commission.agents.all()) == []  # a superuser sees every commission without serving it
    assert response.status_code == 302
    assert response["Location"] == commission.get_absolute_url()
    assert messages_of(response) == [
        "Commission « CPD Var LPP » créée avec ses sections sociale et professionnelle. "
        "Ajoutez ses sièges ou importez sa composition."
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "CPD Var LPP" in page.content.decode()


def test_the_commission_list_offers_the_new_commission_page_to_admins_only(client, admin_user, alice):
    client.force_login(admin_user)
    assert CREATE_URL in client.get(reverse("commissions:list")).content.decode()
    client.force_login(alice)
    assert CREATE_URL not in client.get(reverse("commissions:list")).content.decode()


def test_a_staff_account_with_the_permission_creates_and_becomes_an_agent(client, db):
    staff = UserFactory(username="paul", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_commission", content_type__app_label="commissions"))
    client.force_login(staff)

    response = client.post(CREATE_URL, new_commission(slug="cpd-var"))

    commission = Commission.objects.get(slug="cpd-var")
    assert list(commission.agents.all()) == [staff]
    assert commission.sections.count() == 2
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("who", ["alice", "member_user", "charlie", "staff_without_permission"])
def test_only_admins_may_create_a_commission(client, who, request):
    user = (
        UserFactory(username="pierre", is_staff=True)
        if who == "staff_without_permission"
        else request.getfixturevalue(who)
    )
    client.force_login(user)

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, new_commission()).status_code == 403
    assert not Commission.objects.filter(name="CPD Var LPP").exists()
    assert CREATE_URL not in client.get(reverse("commissions:list")).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_name_already_taken_is_refused_in_french(client, admin_user, commission):
    client.force_login(admin_user)

    response = client.post(CREATE_URL, new_commission(name="cpr paca–corse  lpp", slug="autre"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": [
            "Une commission porte déjà le nom « CPR PACA–Corse LPP » (identifiant « cpr-paca ») : choisissez un autre "
            "nom, par exemple avec la profession ou le territoire."
        ]
    }
    assert Commission.objects.count() == 1


def test_an_identifier_already_taken_is_refused_in_french_and_nothing_is_created(client, admin_user, commission):
    client.force_login(admin_user)

    typed = client.post(CREATE_URL, new_commission(slug="cpr-paca"))
    made = client.post(CREATE_URL, new_commission(name="CPR PACA"))  # "cpr-paca" made from the name
    reserved = client.post(CREATE_URL, new_commission(slug="nouvelle-commission"))
    invalid = client.post(CREATE_URL, new_commission(slug="cpd var!"))

    expected = (
        "L'identifiant « cpr-paca » est déjà celui de la commission « CPR PACA–Corse LPP » : choisissez-en un autre."
    )
    assert typed.context["form"].errors == {"slug": [expected]}
    assert made.context["form"].errors == {"slug": [expected]}
    assert reserved.context["form"].errors == {
        "slug": ["L'identifiant « nouvelle-commission » est réservé par le portail : choisissez-en un autre."]
    }
    [invalid_message] = invalid.context["form"].errors["slug"]
    assert "lettres" in invalid_message  # Django's message, in French
    assert Commission.objects.count() == 1


def test_missing_fields_are_named_in_french(client, admin_user):
    client.force_login(admin_user)

    response = client.post(CREATE_URL, new_commission(name="", level="", territory=""))

    errors = response.context["form"].errors
    assert errors["name"] == errors["level"] == errors["territory"] == ["Ce champ est obligatoire."]
    assert not Commission.objects.exists()


def test_the_admin_creates_through_the_same_service(admin_client, monkeypatch, db):
    from commissions.composition import admin as composition_admin

    called = []
    original = composition_admin.commission_create
    monkeypatch.setattr(composition_admin, "commission_create", lambda obj: called.append(obj) or original(obj))
    client_post = admin_client.post(
        reverse("admin:commissions_commission_add"),
        {
            "name": "CPD Var LPP",
            "slug": "cpd-var",
            "level": "CPD",
            "profession": "LPP",
            "territory": "Var",
            "time_zone": "Europe/Paris",
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
            "presidency_articles-TOTAL_FORMS": 0,
            "presidency_articles-INITIAL_FORMS": 0,
        },
    )
    assert client_post.status_code == 302, client_post.context and client_post.context["adminform"].errors
    assert [commission.slug for commission in called] == ["cpd-var"]
    assert Commission.objects.get(slug="cpd-var").sections.count() == 2


# Inviting every member without an account


@pytest.fixture
def invite_url(commission):
    return reverse("commissions:members_invite", args=[commission.slug])


@pytest.fixture
def with_accounts(commission, members, member_user):
    """Beside the `members` fixture: Marc has an account in use, Morel an invitation not yet taken up."""
    invited = UserFactory(username="morel@example.org")
    invited.set_unusable_password()
    invited.save()
    morel = seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Morel", user=invited)).person
    return {"marc": member_user.person, "morel": morel}


def test_the_confirmation_page_says_who_will_be_invited_and_who_cannot_be(
    client, alice, invite_url, members, with_accounts
):
    client.force_login(alice)

    response = client.get(invite_url)

    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.to_invite == sorted([members["kern"], members["dupont"], members["roussel"]], key=lambda p: p.last_name)
    assert plan.without_email == [members["silent"]]
    assert [person for person, _ in plan.with_account] == sorted(with_accounts.values(), key=lambda p: p.last_name)
    reasons = dict(plan.with_account)
    assert reasons[with_accounts["morel"]] == "déjà invité(e), n'a pas encore choisi son mot de passe"
    assert reasons[with_accounts["marc"]] == "a déjà un compte (identifiant « marc »)"
    page = response.content.decode()
    assert "kern@example.org" in page and members["silent"].display_name in page
    assert members["former"].display_name not in page  # no longer a member
    assert "Envoyer 3 invitations" in page
    assert not mail.outbox  # the page sends nothing


def test_one_action_invites_them_all_once_and_twice_changes_nothing(
    client, alice, commission, invite_url, members, with_accounts, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url)

    assert response.status_code == 302
    assert response["Location"] == commission.get_absolute_url()
    assert messages_of(response) == [
        "3 invitations envoyées, 1 membre sans adresse e-mail, 2 membres ayant déjà un compte ou une invitation en "
        "attente."
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dupont@example.org",
        "kern@example.org",
        "roussel@example.org",
    ]
    assert all(message.subject == INVITATION_SUBJECT for message in mail.outbox)
    for name in ("kern", "dupont", "roussel"):
        members[name].refresh_from_db()
        assert members[name].user.username == f"{name}@example.org"
        assert not members[name].user.has_usable_password()
    members["former"].refresh_from_db()
    assert members["former"].user is None

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(invite_url)

    assert len(mail.outbox) == 3  # nobody invited twice
    assert messages_of(again)[-1:] == [
        "0 invitation envoyée, 1 membre sans adresse e-mail, 5 membres ayant déjà un compte ou une invitation en "
        "attente."
    ]
    assert invitation_plan(commission).to_invite == []


def test_a_refused_invitation_stops_no_other(client, alice, invite_url, members, django_capture_on_commit_callbacks):
    UserFactory(username="kern@example.org")  # an account of that name, tied to no person
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url)

    assert sorted(message.to[0] for message in mail.outbox) == ["dupont@example.org", "roussel@example.org"]
    shown = messages_of(response)
    assert shown[0] == "2 invitations envoyées, 1 membre sans adresse e-mail."
    assert shown[1].startswith(f"{members['kern'].display_name} n'a pas été invité(e) : Un compte « kern@example.org »")


@pytest.mark.parametrize("method", ["get", "post"])
def test_members_and_other_commissions_may_not_invite(client, member_user, bob, charlie, invite_url, members, method):
    client.force_login(member_user)
    assert getattr(client, method)(invite_url).status_code == 403
    for outsider in (bob, charlie):
        client.force_login(outsider)
        assert getattr(client, method)(invite_url).status_code == 404
    assert not mail.outbox
    members["kern"].refresh_from_db()
    assert members["kern"].user is None


def test_the_commission_page_links_to_the_bulk_invitation_for_the_secretariat_only(
    client, alice, member_user, commission, invite_url
):
    client.force_login(alice)
    assert invite_url in client.get(commission.get_absolute_url()).content.decode()
    client.force_login(member_user)
    assert invite_url not in client.get(commission.get_absolute_url()).content.decode()


def test_a_commission_without_members_has_nobody_to_invite(client, admin_user):
    empty = CommissionFactory(slug="cpd-vide")
    client.force_login(admin_user)

    page = client.get(reverse("commissions:members_invite", args=[empty.slug]))
    sent = client.post(reverse("commissions:members_invite", args=[empty.slug]))

    assert "Aucun membre à inviter" in page.content.decode()
    assert messages_of(sent) == ["0 invitation envoyée."]
    assert not mail.outbox
