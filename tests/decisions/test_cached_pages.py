"""The meeting and RDD pages from the cache (portal.generations): a commission's change shows at once, and
only that commission's pages are rendered again."""

import pytest
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add, agenda_item_move
from decisions import content, services
from portal import generations
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _position(page: str, *titles: str) -> list[int]:
    return [page.index(title) for title in titles]


def test_the_meeting_page_follows_its_agenda(client, alice, session):
    client.force_login(alice)
    page = _page(client, session.get_absolute_url())
    first, second = _position(page, "Aides à la télétransmission", "Questions de la profession")
    assert first < second

    item = agenda_item_add(meeting=session, title="Calendrier 2026")
    assert "Calendrier 2026" in _page(client, session.get_absolute_url())

    # A move renumbers the items with update(), which sends no signal: the agenda's lock lets the page go.
    agenda_item_move(item=session.agenda_items.get(title="Questions de la profession"), direction="up")
    page = _page(client, session.get_absolute_url())
    first, second, third = _position(page, "Questions de la profession", "Aides à la télétransmission", item.title)
    assert first < second < third


def test_the_rdd_page_shows_each_approval_and_each_reader_s_own_buttons(client, alice, submitted, presidents):
    social, professional = presidents
    client.force_login(alice)
    assert "Pas encore approuvé par les présidents de section." in _page(client, submitted.get_absolute_url())

    client.force_login(social.user)
    page = _page(client, submitted.get_absolute_url())  # the body the agent's visit did not fill (another reader)
    assert f'href="/rdd/{submitted.pk}/approuver/"' in page

    services.rdd_approve(rdd=submitted, user=social.user)
    page = _page(client, submitted.get_absolute_url())
    assert page.count("Approuvé le") == 1
    assert f'href="/rdd/{submitted.pk}/approuver/"' not in page  # this president's part is done

    client.force_login(professional.user)
    page = _page(client, submitted.get_absolute_url())
    assert f'href="/rdd/{submitted.pk}/approuver/"' in page
    assert page.count("Approuvé le") == 1
    services.rdd_approve(rdd=submitted, user=professional.user)
    page = _page(client, submitted.get_absolute_url())
    assert page.count("Approuvé le") == 2


def test_a_change_in_one_commission_keeps_the_other_commissions_pages(alice, bob, session, other_commission):
    mine = generations.current(*generations.meeting_scopes(session.commission_id))
    theirs = generations.current(*generations.meeting_scopes(other_commission.pk))

    agenda_item_add(meeting=make_session(other_commission, session.date), title="Point de l'autre commission")

    assert generations.current(*generations.meeting_scopes(session.commission_id)) == mine
    assert generations.current(*generations.meeting_scopes(other_commission.pk)) != theirs


def test_a_commitment_written_in_the_rdd_shows_on_its_page(client, alice, rdd):
    client.force_login(alice)
    assert "Envoyer le calendrier" not in _page(client, rdd.get_absolute_url())
    content.commitment_save(rdd=rdd, text="Envoyer le calendrier des séances", carried_by="secretariat")
    assert "Envoyer le calendrier des séances" in _page(client, rdd.get_absolute_url())


def test_the_inbox_and_the_transmitted_list_follow_the_workflow(client, alice, rdd, presidents):
    social, professional = presidents
    inbox, transmitted = reverse("decisions:inbox"), reverse("decisions:transmitted")
    client.force_login(social.user)
    assert "Aucun relevé de décisions n'attend votre approbation." in _page(client, inbox)
    assert "Aucun relevé de décisions ne vous a encore été transmis." in _page(client, transmitted)

    services.rdd_submit(rdd=rdd, user=alice)
    assert f'href="/rdd/{rdd.pk}/approuver/"' in _page(client, inbox)

    services.rdd_approve(rdd=rdd, user=social.user)
    assert f'href="/rdd/{rdd.pk}/approuver/"' not in _page(client, inbox)
    services.rdd_approve(rdd=rdd, user=professional.user)
    services.rdd_transmit(rdd=rdd, user=alice)
    assert f'href="/rdd/{rdd.pk}/"' in _page(client, transmitted)


def test_an_approval_lets_go_the_rdd_pages_and_the_inboxes_only(submitted, presidents):
    social, _ = presidents
    commission_id = submitted.meeting.commission_id

    def tokens():
        return {
            "meeting page": generations.current(*generations.meeting_scopes(commission_id)),
            "RDD page": generations.current(*generations.rdd_scopes(commission_id)),
            "transmitted list": generations.current(generations.RDD_LISTS),
            "inbox": generations.current(generations.APPROVALS),
        }

    before = tokens()
    services.rdd_approve(rdd=submitted, user=social.user)  # the first of two: the RDD's row stays as it was
    after = tokens()
    assert [page for page in before if before[page] != after[page]] == ["RDD page", "inbox"]
