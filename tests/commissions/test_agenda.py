"""The agenda: a tree numbered 01, 1.1, 1.1.1, reorderable, with sanitised content, attachments and blocks."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissions.meetings.agenda import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_insert_block,
    agenda_item_move,
)
from commissions.meetings.models import AgendaItem, ContentBlock
from commissions.meetings.selectors import agenda_flat
from commissions.meetings.services import content_block_save
from portal.sanitize import sanitize_html
from tests.factories import one_page_pdf


def numbers(meeting):
    return [(node.number, node.item.title) for node in agenda_flat(meeting)]


def item(meeting, title):
    return AgendaItem.objects.get(meeting=meeting, title=title)


def test_items_are_numbered_01_at_the_top_and_1_1_below(agenda):
    assert numbers(agenda) == [
        ("01", "Validation du relevé de décisions"),
        ("1.1", "Approbation du relevé de décisions"),
        ("1.2", "Suivi des engagements"),
        ("02", "Ordonnance numérique"),
        ("03", "Questions diverses"),
    ]


def test_a_third_level_is_numbered_1_1_1(agenda):
    parent = item(agenda, "Suivi des engagements")
    third = agenda_item_add(meeting=agenda, parent=parent, title="Campagne SCOR")
    assert third.number == "1.2.1"
    assert ("1.2.1", "Campagne SCOR") in numbers(agenda)


def test_a_fourth_level_is_refused(agenda):
    third = agenda_item_add(meeting=agenda, parent=item(agenda, "Suivi des engagements"), title="Campagne SCOR")
    with pytest.raises(ValidationError, match="au plus 3 niveaux"):
        agenda_item_add(meeting=agenda, parent=third, title="Trop profond")


def test_moving_an_item_up_renumbers_the_agenda(agenda):
    agenda_item_move(item=item(agenda, "Questions diverses"), direction="up")
    assert [number for number, _ in numbers(agenda)] == ["01", "1.1", "1.2", "02", "03"]
    assert numbers(agenda)[3] == ("02", "Questions diverses")
    assert numbers(agenda)[4] == ("03", "Ordonnance numérique")


def test_moving_an_item_down_carries_its_sub_items(agenda):
    agenda_item_move(item=item(agenda, "Validation du relevé de décisions"), direction="down")
    assert numbers(agenda) == [
        ("01", "Ordonnance numérique"),
        ("02", "Validation du relevé de décisions"),
        ("2.1", "Approbation du relevé de décisions"),
        ("2.2", "Suivi des engagements"),
        ("03", "Questions diverses"),
    ]


def test_moving_a_sub_item_up_swaps_it_with_its_sibling(agenda):
    agenda_item_move(item=item(agenda, "Suivi des engagements"), direction="up")
    assert numbers(agenda)[1:3] == [("1.1", "Suivi des engagements"), ("1.2", "Approbation du relevé de décisions")]


def test_the_first_item_cannot_move_up(agenda):
    with pytest.raises(ValidationError, match="déjà en tête"):
        agenda_item_move(item=item(agenda, "Validation du relevé de décisions"), direction="up")


def test_indenting_makes_an_item_the_last_sub_item_of_the_previous_one(agenda):
    agenda_item_move(item=item(agenda, "Ordonnance numérique"), direction="indent")
    assert numbers(agenda) == [
        ("01", "Validation du relevé de décisions"),
        ("1.1", "Approbation du relevé de décisions"),
        ("1.2", "Suivi des engagements"),
        ("1.3", "Ordonnance numérique"),
        ("02", "Questions diverses"),
    ]
    assert item(agenda, "Ordonnance numérique").level == 2


def test_outdenting_places_a_sub_item_right_after_its_parent(agenda):
    agenda_item_move(item=item(agenda, "Approbation du relevé de décisions"), direction="outdent")
    assert numbers(agenda) == [
        ("01", "Validation du relevé de décisions"),
        ("1.1", "Suivi des engagements"),
        ("02", "Approbation du relevé de décisions"),
        ("03", "Ordonnance numérique"),
        ("04", "Questions diverses"),
    ]
    assert item(agenda, "Approbation du relevé de décisions").level == 1


def test_indenting_refuses_to_push_a_sub_tree_beyond_three_levels(agenda):
    second = item(agenda, "Ordonnance numérique")
    child = agenda_item_add(meeting=agenda, parent=second, title="Qu'est-ce que c'est ?")
    agenda_item_add(meeting=agenda, parent=child, title="Détail")
    with pytest.raises(ValidationError, match="au plus 3 niveaux"):
        agenda_item_move(item=second, direction="indent")


def test_deleting_an_item_deletes_its_sub_items_and_renumbers_the_rest(agenda):
    agenda_item_delete(item=item(agenda, "Validation du relevé de décisions"))
    assert numbers(agenda) == [("01", "Ordonnance numérique"), ("02", "Questions diverses")]
    assert AgendaItem.objects.filter(meeting=agenda).count() == 2


def test_the_number_property_agrees_with_the_tree(agenda):
    assert item(agenda, "Suivi des engagements").number == "1.2"
    assert item(agenda, "Questions diverses").number == "03"


def test_the_database_refuses_two_top_items_at_the_same_position(agenda):
    first = item(agenda, "Validation du relevé de décisions")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=agenda, position=first.position, title="Doublon")


def test_the_database_refuses_a_fourth_level(agenda):
    parent = item(agenda, "Suivi des engagements")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=agenda, parent=parent, level=4, position=9, title="Trop profond")


def test_content_is_sanitised_scripts_and_foreign_images_removed():
    html = (
        '<h2>Titre</h2><script>alert("x")</script><p onclick="evil()">Texte <strong>gras</strong></p>'
        '<img src="https://pisteur.example/p.gif"><img src="/media/agenda/schema.png" alt="Schéma">'
        '<a href="javascript:alert(1)">piège</a><a href="https://www.ameli.fr">ameli</a>'
        "<table><tr><th>Poste</th><td>9,9 %</td></tr></table><style>body{}</style>"
    )
    clean = sanitize_html(html)
    assert "script" not in clean and "alert" not in clean and "onclick" not in clean
    assert "pisteur" not in clean and "style" not in clean
    assert '<img src="/media/agenda/schema.png" alt="Schéma">' in clean
    assert '<a href="https://www.ameli.fr" rel="noopener noreferrer">ameli</a>' in clean
    assert "<h2>Titre</h2>" in clean and "<strong>gras</strong>" in clean
    assert "<th>Poste</th>" in clean


def test_content_saved_through_the_services_is_sanitised(meeting):
    added = agenda_item_add(meeting=meeting, title="Point", content='<p>ok</p><script>alert("x")</script>')
    assert added.content == "<p>ok</p>"


def test_alice_adds_an_item_and_a_sub_item_from_the_meeting_page(client, alice, meeting):
    client.force_login(alice)
    url = reverse("commissions:agenda_item_add", args=[meeting.commission.slug, meeting.pk])
    response = client.post(url, {"title": "Point facturation", "speaker": "secretariat", "content": "<p>x</p>"})
    assert response.status_code == 302
    parent = item(meeting, "Point facturation")
    response = client.post(url, {"title": "Rejets", "speaker": "", "content": "", "parent": parent.pk})
    assert response.status_code == 302
    assert numbers(meeting) == [("01", "Point facturation"), ("1.1", "Rejets")]
    page = client.get(meeting.get_absolute_url())
    assert "Secrétariat des commissions" in page.content.decode()


def test_the_item_form_shows_the_page_with_errors_when_the_title_is_missing(client, alice, meeting):
    client.force_login(alice)
    url = reverse("commissions:agenda_item_add", args=[meeting.commission.slug, meeting.pk])
    response = client.post(url, {"title": "", "speaker": ""})
    assert response.status_code == 200
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_moving_is_a_post_action(client, alice, agenda):
    client.force_login(alice)
    target = item(agenda, "Questions diverses")
    url = reverse("commissions:agenda_item_move", args=[agenda.commission.slug, agenda.pk, target.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "désormais 02" in response.content.decode()
    response = client.post(url, {"direction": "nowhere"}, follow=True)
    assert response.status_code == 200
    assert "Déplacement inconnu" in response.content.decode()


def test_deleting_asks_for_confirmation_first(client, alice, agenda):
    client.force_login(alice)
    target = item(agenda, "Validation du relevé de décisions")
    url = reverse("commissions:agenda_item_delete", args=[agenda.commission.slug, agenda.pk, target.pk])
    response = client.get(url)
    assert "2 sous-points" in response.content.decode()
    assert AgendaItem.objects.filter(pk=target.pk).exists()
    client.post(url)
    assert not AgendaItem.objects.filter(pk=target.pk).exists()


def test_bob_cannot_touch_an_item_of_alices_meeting(client, bob, agenda):
    client.force_login(bob)
    target = item(agenda, "Questions diverses")
    slug = agenda.commission.slug
    for name, method in (("agenda_item_edit", "get"), ("agenda_item_move", "post"), ("agenda_item_delete", "post")):
        response = getattr(client, method)(reverse(f"commissions:{name}", args=[slug, agenda.pk, target.pk]))
        assert response.status_code == 404, name
    assert AgendaItem.objects.filter(pk=target.pk).exists()


def test_an_item_of_another_meeting_is_404_even_in_ones_own_commission(client, alice, agenda, other_meeting):
    client.force_login(alice)
    foreign = agenda_item_add(meeting=other_meeting, title="Ailleurs")
    url = reverse("commissions:agenda_item_edit", args=[agenda.commission.slug, agenda.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_attachments_are_uploaded_and_downloaded_through_the_portal(client, alice, bob, agenda):
    client.force_login(alice)
    target = item(agenda, "Ordonnance numérique")
    slug = agenda.commission.slug
    data = one_page_pdf()
    upload = SimpleUploadedFile("fac-similé.pdf", data, content_type="application/pdf")
    client.post(reverse("commissions:agenda_attachment_add", args=[slug, agenda.pk, target.pk]), {"file": upload})
    attachment = target.attachments.get()
    assert attachment.original_name == "fac-similé.pdf"
    url = reverse("commissions:agenda_attachment_download", args=[slug, agenda.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    client.force_login(bob)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ordre-du-jour.pdf", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("outil.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ],
)
def test_an_attachment_that_is_not_a_document_is_refused_in_french(client, alice, agenda, name, data):
    client.force_login(alice)
    target = item(agenda, "Ordonnance numérique")
    url = reverse("commissions:agenda_attachment_add", args=[agenda.commission.slug, agenda.pk, target.pk])
    page = client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True).content.decode()
    assert not target.attachments.exists()
    assert name in page and "Choisissez un fichier" not in page


def test_a_library_block_is_inserted_into_an_item(agenda, commission):
    block = content_block_save(commission=None, title="Mention CNIL", content="<p>Conformément au RGPD…</p>")
    target = item(agenda, "Questions diverses")
    agenda_item_insert_block(item=target, block=block)
    target.refresh_from_db()
    assert "Conformément au RGPD" in target.content


def test_another_commissions_block_cannot_be_inserted(agenda, other_commission):
    block = ContentBlock.objects.create(commission=other_commission, title="Local", content="<p>x</p>")
    with pytest.raises(ValidationError):
        agenda_item_insert_block(item=item(agenda, "Questions diverses"), block=block)


def test_library_blocks_are_sanitised_and_listed(client, alice, commission):
    client.force_login(alice)
    url = reverse("commissions:agenda_block_list", args=[commission.slug])
    client.post(url, {"title": "Mention CNIL", "content": "<p>Texte</p><script>x()</script>"})
    block = ContentBlock.objects.get(commission=commission)
    assert block.content == "<p>Texte</p>"
    assert "Mention CNIL" in client.get(url).content.decode()
