"""The permission matrix of the RDD: role × page or action × own or other commission.

Whoever has no part in the commission gets 404; a member or a reader
(role "lecteur" of a service) asking for a secretariat or a president's
action gets 403; only the current section presidents of the commission
approve or send back.
"""

import pytest
from django.urls import reverse

from commissions.composition.models import SectionKind
from decisions import content, services
from tests.factories import SectionPresidencyFactory, UserFactory, seat_member

ROLES = ["admin", "secretariat", "president", "member", "reader"]
ROLES += ["other_secretariat", "other_president", "stranger"]
OUTSIDE = {"other_secretariat": 404, "other_president": 404, "stranger": 404}

EXPECTED = {
    "read_submitted": {"admin": 200, "secretariat": 200, "president": 200, "member": 403, **OUTSIDE},
    "read_transmitted": {"admin": 200, "secretariat": 200, "president": 200, "member": 200, **OUTSIDE},
    "manage_get": {"admin": 200, "secretariat": 200, "president": 403, "member": 403, **OUTSIDE},
    "manage_post": {"admin": 302, "secretariat": 302, "president": 403, "member": 403, **OUTSIDE},
    "president_get": {"admin": 403, "secretariat": 403, "president": 200, "member": 403, **OUTSIDE},
    "president_post": {"admin": 403, "secretariat": 403, "president": 302, "member": 403, **OUTSIDE},
    "draft_redirect": {"admin": 302, "secretariat": 302, "president": 403, "member": 403, **OUTSIDE},
    "personal": {role: 200 for role in ROLES},
}
for _expected in EXPECTED.values():  # a reader reads and does what a member does, and no more
    _expected["reader"] = _expected["member"]

# (url name, method, state of the RDD, expectation, POST data)
PAGES = [
    ("decisions:meeting", "get", "draft", "draft_redirect", None),
    ("decisions:create", "post", "none", "manage_post", {}),
    ("decisions:standard_items", "post", "none", "manage_post", {}),
    ("decisions:detail", "get", "submitted", "read_submitted", None),
    ("decisions:detail", "get", "transmitted", "read_transmitted", None),
    ("decisions:edit", "get", "draft", "manage_get", None),
    ("decisions:edit", "post", "draft", "manage_post", {"preamble": "Préambule"}),
    ("decisions:item_record_save", "post", "draft", "manage_post", {}),
    (
        "decisions:commitment_add",
        "post",
        "draft",
        "manage_post",
        {"commitment-text": "x", "commitment-carried_by": "secretariat"},
    ),
    ("decisions:commitment_edit", "post", "draft", "manage_post", {}),
    ("decisions:commitment_delete", "post", "draft", "manage_post", {}),
    ("decisions:commitment_follow", "post", "draft", "manage_post", {}),
    ("decisions:question_add", "post", "draft", "manage_post", {"question-text": "Une question"}),
    ("decisions:question_edit", "post", "draft", "manage_post", {}),
    ("decisions:question_delete", "post", "draft", "manage_post", {}),
    ("decisions:follow_up_delete", "post", "draft", "manage_post", {}),
    ("decisions:submit", "post", "draft", "manage_post", {}),
    ("decisions:transmit", "post", "approved", "manage_post", {}),
    ("decisions:validate", "post", "transmitted", "manage_post", {}),
    ("decisions:new_version", "post", "approved", "manage_post", {}),
    ("decisions:approve", "get", "submitted", "president_get", None),
    ("decisions:approve", "post", "submitted", "president_post", {"password": "motdepasse-solide"}),
    ("decisions:send_back", "get", "submitted", "president_get", None),
    ("decisions:send_back", "post", "submitted", "president_post", {"remark": "À revoir"}),
    ("decisions:inbox", "get", "submitted", "personal", None),
    ("decisions:transmitted", "get", "transmitted", "personal", None),
]


@pytest.fixture
def users(commission, other_commission, alice, bob, charlie, admin_user, member_user, presidents, reader):
    other = seat_member(other_commission, SectionKind.SOCIAL, user=UserFactory(username="hoarau"))
    SectionPresidencyFactory(section=other.seat.section, person=other.person)
    return {
        "admin": admin_user,
        "secretariat": alice,
        "president": presidents[0].user,
        "member": member_user,
        "reader": reader,
        "other_secretariat": bob,
        "other_president": other.person.user,
        "stranger": charlie,
    }


def rdd_in_state(state, session, alice, presidents):
    if state == "none":
        return None
    rdd = services.rdd_create(meeting=session, user=alice)
    commitment = content.commitment_save(rdd=rdd, text="Avertir la profession", carried_by="secretariat")
    question = content.question_save(rdd=rdd, text="Point à date de la e-prescription")
    content.commitment_follow(rdd=rdd, commitment=commitment, date=session.date, status="En cours")
    if state == "draft":
        return rdd
    services.rdd_submit(rdd=rdd, user=alice)
    if state == "submitted":
        return rdd
    services.rdd_approve(rdd=rdd, user=presidents[0].user)
    services.rdd_approve(rdd=rdd, user=presidents[1].user)
    if state == "approved":
        return rdd
    services.rdd_transmit(rdd=rdd, user=alice)
    assert question and state == "transmitted"
    return rdd


def url_for(name, session, rdd):
    if name in ("decisions:meeting", "decisions:create", "decisions:standard_items"):
        return reverse(name, args=[session.commission.slug, session.pk])
    if name in ("decisions:inbox", "decisions:transmitted"):
        return reverse(name)
    args = [rdd.pk]
    if name == "decisions:item_record_save":
        args.append(rdd.item_records.first().pk)
    elif name.startswith("decisions:commitment_") and name != "decisions:commitment_add":
        args.append(rdd.commitments.first().pk)
    elif name in ("decisions:question_edit", "decisions:question_delete"):
        args.append(rdd.questions.first().pk)
    elif name == "decisions:follow_up_delete":
        args.append(rdd.commitment_updates.first().pk)
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "method", "state", "expectation", "data"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_it_may(
    client, users, session, alice, presidents, name, method, state, expectation, data, role
):
    rdd = rdd_in_state(state, session, alice, presidents)
    client.force_login(users[role])

    url = url_for(name, session, rdd)
    response = client.post(url, data) if method == "post" else client.get(url)

    assert response.status_code == EXPECTED[expectation][role]


POST_ONLY = sorted(
    {name for name, method, *_ in PAGES if method == "post"}
    - {"decisions:edit", "decisions:approve", "decisions:send_back"}
)


@pytest.mark.parametrize("name", POST_ONLY)
def test_actions_refuse_get(client, alice, session, presidents, name):
    rdd = rdd_in_state("draft", session, alice, presidents)
    client.force_login(alice)

    response = client.get(url_for(name, session, rdd))

    assert response.status_code == 405


def test_anonymous_users_are_sent_to_the_login_page(client, session, alice, presidents):
    rdd = rdd_in_state("submitted", session, alice, presidents)

    for url in (reverse("decisions:inbox"), reverse("decisions:detail", args=[rdd.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/compte/" in response.url or "login" in response.url
