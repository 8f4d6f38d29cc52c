"""The agenda edited in place: an item inserted at a chosen position, moved by drag and drop (agenda_item_place),
every action answering the renumbered agenda to htmx and the meeting page to a plain form; a locked meeting
refuses in French; another commission's items are 404; CSRF is enforced."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from commissions.meetings import lifecycle
from commissions.meetings.agenda import agenda_item_add, agenda_item_place
from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.selectors import agenda_flat

HTMX = {"HTTP_HX_REQUEST": "true"}


def numbers(meeting):
    return [(node.number, node.item.title) for node in agenda_flat(meeting)]


def item(meeting, title):
    return AgendaItem.objects.get(meeting=meeting, title=title)


def url(name, meeting, target=None):
    args = [meeting.commission.slug, meeting.pk] + ([target.pk] if target is not None else [])
    return reverse(f"commissions:{name}", args=args)


def shown_numbers(html: str) -> list[str]:
    return re.findall(r'class="fw-bold me-2 agenda-number">([^<]+)<', html)


@pytest.fixture
def locked(agenda):
    """The session held, its RDD submitted: the agenda is locked."""
    Meeting.objects.filter(pk=agenda.pk).update(status=Meeting.Status.HELD)
    agenda.refresh_from_db()
    return lifecycle.meeting_lock_record(meeting=agenda, lock=Meeting.RecordLock.SUBMITTED)


# Inserting at a position


def test_an_item_inserted_before_another_takes_its_number_and_the_rest_follow(agenda):
    new = agenda_item_add(meeting=agenda, title="Dossiers individuels", before=item(agenda, "Ordonnance numérique"))
    assert new.level == 1
    assert numbers(agenda) == [
        ("01", "Validation du relevé de décisions"),
        ("1.1", "Approbation du relevé de décisions"),
        ("1.2", "Suivi des engagements"),
        ("02", "Dossiers individuels"),
        ("03", "Ordonnance numérique"),
        ("04", "Questions diverses"),
    ]


def test_an_item_inserted_before_the_first_sub_item_becomes_1_1(agenda):
    new = agenda_item_add(meeting=agenda, title="Ouverture", before=item(agenda, "Approbation du relevé de décisions"))
    assert new.parent == item(agenda, "Validation du relevé de décisions")
    assert numbers(agenda)[1:4] == [
        ("1.1", "Ouverture"),
        ("1.2", "Approbation du relevé de décisions"),
        ("1.3", "Suivi des engagements"),
    ]


def test_an_item_inserted_before_a_third_level_item_stays_at_the_third_level(agenda):
    third = agenda_item_add(meeting=agenda, parent=item(agenda, "Suivi des engagements"), title="Campagne SCOR")
    new = agenda_item_add(meeting=agenda, title="Campagne LPP", before=third)
    assert (new.level, new.number) == (3, "1.2.1")
    assert item(agenda, "Campagne SCOR").number == "1.2.2"


def test_inserting_before_an_item_of_another_meeting_is_refused(agenda, other_meeting):
    foreign = agenda_item_add(meeting=other_meeting, title="Ailleurs")
    with pytest.raises(ValidationError, match="n'appartient pas à cette réunion"):
        agenda_item_add(meeting=agenda, title="Intrus", before=foreign)
    assert AgendaItem.objects.filter(meeting=agenda).count() == 5


# Placing (drag and drop)


def test_an_item_dropped_before_another_moves_there(agenda):
    agenda_item_place(item=item(agenda, "Questions diverses"), before=item(agenda, "Validation du relevé de décisions"))
    assert [title for _, title in numbers(agenda)][:2] == ["Questions diverses", "Validation du relevé de décisions"]
    assert [number for number, _ in numbers(agenda)] == ["01", "02", "2.1", "2.2", "03"]


def test_an_item_dropped_into_another_becomes_its_sub_item_with_its_own_sub_items(agenda):
    moved = agenda_item_place(
        item=item(agenda, "Validation du relevé de décisions"), parent=item(agenda, "Ordonnance numérique")
    )
    assert (moved.level, moved.number) == (2, "1.1")
    assert numbers(agenda) == [
        ("01", "Ordonnance numérique"),
        ("1.1", "Validation du relevé de décisions"),
        ("1.1.1", "Approbation du relevé de décisions"),
        ("1.1.2", "Suivi des engagements"),
        ("02", "Questions diverses"),
    ]
    assert item(agenda, "Suivi des engagements").level == 3


def test_a_sub_item_dropped_at_the_top_level_leaves_its_siblings_renumbered(agenda):
    moved = item(agenda, "Approbation du relevé de décisions")
    agenda_item_place(item=moved, before=item(agenda, "Questions diverses"))
    assert numbers(agenda) == [
        ("01", "Validation du relevé de décisions"),
        ("1.1", "Suivi des engagements"),
        ("02", "Ordonnance numérique"),
        ("03", "Approbation du relevé de décisions"),
        ("04", "Questions diverses"),
    ]


def test_an_item_dropped_where_it_is_does_not_move(agenda):
    target = item(agenda, "Ordonnance numérique")
    agenda_item_place(item=target, before=target)
    assert numbers(agenda)[3] == ("02", "Ordonnance numérique")


def test_an_item_cannot_be_dropped_under_itself_nor_beyond_three_levels(agenda):
    first = item(agenda, "Validation du relevé de décisions")
    with pytest.raises(ValidationError, match="sous-point de lui-même"):
        agenda_item_place(item=first, parent=item(agenda, "Suivi des engagements"))
    third = agenda_item_add(meeting=agenda, parent=item(agenda, "Suivi des engagements"), title="Campagne SCOR")
    with pytest.raises(ValidationError, match="au plus 3 niveaux"):
        agenda_item_place(item=item(agenda, "Ordonnance numérique"), parent=third)
    with pytest.raises(ValidationError, match="au plus 3 niveaux"):
        agenda_item_place(item=first, parent=item(agenda, "Questions diverses"), before=None)  # 1.2.1 would be 4th
    assert numbers(agenda)[0] == ("01", "Validation du relevé de décisions")


# The endpoints, answered to htmx with the agenda fragment


def test_the_place_endpoint_answers_the_agenda_renumbered_to_htmx(client, alice, agenda):
    client.force_login(alice)
    target = item(agenda, "Questions diverses")
    response = client.post(
        url("agenda_item_place", agenda, target), {"before": item(agenda, "Ordonnance numérique").pk}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="agenda"')
    assert "<html" not in html
    assert shown_numbers(html) == ["01", "1.1", "1.2", "02", "03"]
    assert html.index("Questions diverses") < html.index("Ordonnance numérique")
    assert '<div class="alert alert-success" role="status">Point déplacé : désormais 02.</div>' in html
    assert 'data-announce="Point 03 déplacé en position 02."' in html
    assert f'data-focus="{target.pk}"' in html


def test_the_move_endpoint_answers_the_agenda_to_htmx_and_the_page_to_a_plain_form(client, alice, agenda):
    client.force_login(alice)
    target = item(agenda, "Ordonnance numérique")
    response = client.post(url("agenda_item_move", agenda, target), {"direction": "indent"}, **HTMX)
    assert shown_numbers(response.content.decode()) == ["01", "1.1", "1.2", "1.3", "02"]
    assert 'data-announce="Point 02 déplacé en position 1.3."' in response.content.decode()

    response = client.post(url("agenda_item_move", agenda, target), {"direction": "outdent"})
    assert response.status_code == 302
    assert response["Location"] == agenda.get_absolute_url() + f"#point-{target.pk}"
    page = client.get(response["Location"])
    assert "Point déplacé : désormais 02." in page.content.decode()


def test_a_refused_move_is_said_in_the_fragment(client, alice, agenda):
    client.force_login(alice)
    first = item(agenda, "Validation du relevé de décisions")
    response = client.post(url("agenda_item_move", agenda, first), {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    assert '<div class="alert alert-danger" role="alert">Le point est déjà en tête.</div>' in response.content.decode()


def test_an_item_added_at_a_position_from_the_page(client, alice, agenda):
    client.force_login(alice)
    before = item(agenda, "Questions diverses")
    response = client.post(
        url("agenda_item_add", agenda), {"title": "Dossiers individuels", "speaker": "", "before": before.pk}, **HTMX
    )
    html = response.content.decode()
    assert "Point 03 ajouté." in html
    assert shown_numbers(html) == ["01", "1.1", "1.2", "02", "03", "04"]
    assert numbers(agenda)[-2:] == [("03", "Dossiers individuels"), ("04", "Questions diverses")]

    # Without JavaScript: the same form, then the page.
    response = client.post(url("agenda_item_add", agenda), {"title": "Ouverture", "speaker": "", "before": before.pk})
    assert response.status_code == 302
    assert numbers(agenda)[-2:] == [("04", "Ouverture"), ("05", "Questions diverses")]


def test_an_item_added_without_a_title_shows_the_form_again_in_the_fragment(client, alice, agenda):
    client.force_login(alice)
    response = client.post(url("agenda_item_add", agenda), {"title": "", "speaker": ""}, **HTMX)
    html = response.content.decode()
    assert '<div class="alert alert-danger" role="alert" id="agenda-add-erreurs" tabindex="-1">' in html
    assert '<a href="#id_title">Titre : Ce champ est obligatoire.</a>' in html
    # The field says it is invalid and which text describes its error.
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_title_error"' in html
    assert '<div id="id_title_error" class="invalid-feedback d-block">Ce champ est obligatoire.</div>' in html
    assert '<details class="card card-body mb-4 agenda-add" open>' in html


def test_the_insert_link_leads_without_javascript_to_a_form_at_that_place(client, alice, agenda):
    client.force_login(alice)
    before = item(agenda, "Ordonnance numérique")
    page = client.get(url("agenda_item_add", agenda) + f"?before={before.pk}")
    assert "Nouveau point avant le point 02 – Ordonnance numérique" in page.content.decode()
    assert f'<input type="hidden" name="before" value="{before.pk}">' in page.content.decode()


def test_the_delete_endpoint_answers_the_agenda_renumbered(client, alice, agenda):
    client.force_login(alice)
    response = client.post(url("agenda_item_delete", agenda, item(agenda, "Validation du relevé de décisions")), **HTMX)
    html = response.content.decode()
    assert shown_numbers(html) == ["01", "02"]
    assert "Point 01 supprimé ; les points suivants ont été renumérotés." in html


def test_the_meeting_page_shows_the_new_order_after_a_change(client, alice, agenda):
    """The page's cached content is let go by each change (the agenda services bump the generation)."""
    client.force_login(alice)
    assert shown_numbers(client.get(agenda.get_absolute_url()).content.decode()) == ["01", "1.1", "1.2", "02", "03"]
    client.post(
        url("agenda_item_place", agenda, item(agenda, "Questions diverses")),
        {"parent": item(agenda, "Ordonnance numérique").pk},
        **HTMX,
    )
    page = client.get(agenda.get_absolute_url()).content.decode()
    assert shown_numbers(page) == ["01", "1.1", "1.2", "02", "2.1"]
    assert page.index("Ordonnance numérique") < page.index("Questions diverses")


def test_the_meeting_page_loads_the_agenda_script_and_its_live_region_for_the_secretariat(client, alice, agenda):
    client.force_login(alice)
    page = client.get(agenda.get_absolute_url()).content.decode()
    assert 'src="/static/js/agenda.js"' in page
    assert '<div id="agenda-annonce" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>' in page
    assert 'class="agenda-handle" draggable="true"' in page
    assert "<script>" not in page  # CSP script-src 'self': nothing inline


# A locked meeting


@pytest.mark.parametrize(
    "name, data",
    [
        ("agenda_item_place", {"before": ""}),
        ("agenda_item_move", {"direction": "down"}),
        ("agenda_item_delete", {}),
        ("agenda_item_add", {"title": "Tardif", "speaker": ""}),
    ],
)
def test_a_locked_meeting_refuses_every_agenda_action_in_french(client, alice, locked, name, data):
    client.force_login(alice)
    target = None if name == "agenda_item_add" else item(locked, "Validation du relevé de décisions")
    response = client.post(url(name, locked, target), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le relevé de décisions de cette séance est soumis : renvoyez-le au secrétariat" in html
    assert "agenda-handle" not in html and "Monter le point" not in html
    assert numbers(locked)[0] == ("01", "Validation du relevé de décisions")
    assert AgendaItem.objects.filter(meeting=locked).count() == 5

    response = client.post(url(name, locked, target), data)  # without JavaScript: no 500
    assert response.status_code in (200, 302)


def test_a_locked_meeting_page_shows_no_handle_nor_action(client, alice, locked):
    client.force_login(alice)
    page = client.get(locked.get_absolute_url()).content.decode()
    assert "Validation du relevé de décisions" in page
    for absent in ("agenda-handle", "Monter le point", "Autres actions", "agenda.js", "Ajouter un point"):
        assert absent not in page


# Access


def test_bob_gets_404_for_every_agenda_endpoint_of_alices_meeting(client, bob, agenda):
    client.force_login(bob)
    target = item(agenda, "Ordonnance numérique")
    for name in ("agenda_item_place", "agenda_item_move", "agenda_item_delete"):
        assert client.post(url(name, agenda, target), {"direction": "up"}, **HTMX).status_code == 404
    assert client.post(url("agenda_item_add", agenda), {"title": "Intrus"}, **HTMX).status_code == 404
    assert numbers(agenda)[3] == ("02", "Ordonnance numérique")


def test_an_item_of_another_commission_named_as_place_is_404(client, alice, agenda, other_meeting):
    client.force_login(alice)
    foreign = agenda_item_add(meeting=other_meeting, title="Ailleurs")
    target = item(agenda, "Ordonnance numérique")
    assert client.post(url("agenda_item_place", agenda, target), {"before": foreign.pk}, **HTMX).status_code == 404
    assert client.post(url("agenda_item_place", agenda, target), {"parent": foreign.pk}, **HTMX).status_code == 404
    response = client.post(url("agenda_item_add", agenda), {"title": "Intrus", "before": foreign.pk}, **HTMX)
    assert response.status_code == 404
    assert client.post(url("agenda_item_place", agenda, target), {"parent": "x"}, **HTMX).status_code == 404


def test_csrf_is_enforced_on_the_agenda_endpoints(alice, agenda):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    target = item(agenda, "Questions diverses")
    place = url("agenda_item_place", agenda, target)
    before = {"before": item(agenda, "Ordonnance numérique").pk}
    assert client.post(place, before, **HTMX).status_code == 403
    assert numbers(agenda)[-1] == ("03", "Questions diverses")

    # The token the page carries, sent in the header htmx sends (hx-headers on #agenda).
    page = client.get(agenda.get_absolute_url()).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(place, before, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert numbers(agenda)[3] == ("02", "Questions diverses")
