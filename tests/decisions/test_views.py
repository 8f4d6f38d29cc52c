"""The RDD screens: editor, RDD page, inbox, approval with the password, send-back, members' list."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from commissions.composition.models import SectionKind
from decisions import content, services
from decisions.models import Approval, Commitment, Question, Rdd
from tests.factories import SectionPresidencyFactory, UserFactory, make_session, seat_member

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide"


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_secretariat_writes_the_rdd_of_a_session(client, alice, session, presidents):
    client.force_login(alice)
    response = client.get(reverse("decisions:meeting", args=[session.commission.slug, session.pk]))
    assert "Rédiger le relevé de décisions" in response.content.decode()

    response = client.post(reverse("decisions:create", args=[session.commission.slug, session.pk]), follow=True)
    rdd = Rdd.objects.get(meeting=session)
    assert response.redirect_chain[-1][0] == reverse("decisions:edit", args=[rdd.pk])
    page = response.content.decode()
    assert "Aides à la télétransmission" in page
    assert "A ce jour, la section professionnelle n'a fait remonter aucune question" in page

    record = rdd.item_records.order_by("position").first()
    client.post(
        reverse("decisions:item_record_save", args=[rdd.pk, record.pk]),
        {
            f"record-{record.pk}-summary": "Présentation des aides.",
            f"record-{record.pk}-decisions": "Décision une\n\nDécision deux",
        },
    )
    client.post(
        reverse("decisions:commitment_add", args=[rdd.pk]),
        {
            "commitment-text": "Avertir la profession du lancement de la campagne",
            "commitment-carried_by": "secretariat",
        },
    )
    client.post(
        reverse("decisions:question_add", args=[rdd.pk]),
        {
            "question-text": "Contexte économique des PSAD",
            "question-answer": "Sujet national.",
            "question-out_of_scope": "on",
        },
    )
    record.refresh_from_db()
    assert record.summary == "Présentation des aides."
    assert list(record.decisions.values_list("text", flat=True)) == ["Décision une", "Décision deux"]
    assert Commitment.objects.get(rdd=rdd).carried_by == "secretariat"
    question = Question.objects.get(rdd=rdd)
    assert (question.answer, question.out_of_scope, question.post_commission) == ("Sujet national.", True, False)

    response = client.post(reverse("decisions:submit", args=[rdd.pk]), follow=True)
    assert "son contenu est désormais figé" in messages_of(response)[-1]
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.SUBMITTED
    page = response.content.decode()
    assert "Hors compétence de la commission" in page
    assert "Décision actée" in page


def test_editing_after_submission_through_a_screen_gives_a_french_message(client, alice, submitted):
    client.force_login(alice)
    record = submitted.item_records.order_by("position").first()

    response = client.post(
        reverse("decisions:item_record_save", args=[submitted.pk, record.pk]),
        {f"record-{record.pk}-summary": "Changé après coup", f"record-{record.pk}-decisions": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert "n'est plus un brouillon" in messages_of(response)[0]
    record.refresh_from_db()
    assert record.summary == "La section sociale présente les aides à la télétransmission."


def test_a_president_approves_after_typing_the_password_again(client, submitted, presidents):
    social = presidents[0]
    client.force_login(social.user)
    url = reverse("decisions:approve", args=[submitted.pk])
    assert "Votre mot de passe" in client.get(url).content.decode()

    response = client.post(url, {"password": "pas-le-bon"})

    assert response.status_code == 200
    assert "Mot de passe incorrect" in response.content.decode()
    assert not Approval.objects.exists()

    response = client.post(url, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("decisions:inbox")
    assert messages_of(response) == ["Relevé de décisions approuvé. Merci."]
    assert Approval.objects.get().person == social

    response = client.post(url, {"password": PASSWORD}, follow=True)
    assert messages_of(response) == ["Ce relevé a déjà été approuvé par la section sociale."]
    assert Approval.objects.count() == 1


def test_send_back_needs_a_remark_and_returns_the_rdd_to_the_secretariat(client, submitted, presidents):
    client.force_login(presidents[1].user)
    url = reverse("decisions:send_back", args=[submitted.pk])

    response = client.post(url, {"remark": ""})
    assert "Indiquez la remarque à transmettre au secrétariat." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.SUBMITTED

    client.post(url, {"remark": "Préciser le point 02."})
    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.DRAFT


def test_texts_with_html_are_escaped_on_every_page(client, alice, rdd, presidents, member_user):
    content.question_save(rdd=rdd, text="<script>alert('q')</script>", answer="<b>réponse</b>")
    content.commitment_save(rdd=rdd, text="<img src=x onerror=alert(1)>", carried_by="sociale")
    content.rdd_update_preamble(rdd=rdd, preamble="<script>alert('p')</script>")
    client.force_login(alice)

    pages = [client.get(reverse("decisions:edit", args=[rdd.pk])), client.get(rdd.get_absolute_url())]
    services.rdd_submit(rdd=rdd, user=alice)
    client.force_login(presidents[0].user)
    pages.append(client.get(reverse("decisions:approve", args=[rdd.pk])))

    for response in pages:
        page = response.content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>réponse</b>" not in page
        assert "&lt;script&gt;alert(&#x27;q&#x27;)&lt;/script&gt;" in page


def test_the_inbox_lists_only_what_the_user_must_approve(client, submitted, presidents, other_commission, alice):
    social, professional = presidents
    draft_meeting = make_session(submitted.meeting.commission, datetime.date(2025, 6, 1))
    services.rdd_create(meeting=draft_meeting, user=alice)
    other = seat_member(other_commission, SectionKind.SOCIAL, user=UserFactory(username="hoarau"))
    SectionPresidencyFactory(section=other.seat.section, person=other.person)
    seat_member(other_commission, SectionKind.PROFESSIONAL, person=social)  # a member there, not a president

    client.force_login(social.user)
    response = client.get(reverse("decisions:inbox"))
    assert [(row.rdd, row.section) for row in response.context["pending"]] == [(submitted, SectionKind.SOCIAL)]
    assert "Renvoyer au secrétariat" in response.content.decode()

    services.rdd_approve(rdd=submitted, user=social.user)
    assert client.get(reverse("decisions:inbox")).context["pending"] == []

    client.force_login(professional.user)
    assert [row.rdd for row in client.get(reverse("decisions:inbox")).context["pending"]] == [submitted]

    client.force_login(other.person.user)
    response = client.get(reverse("decisions:inbox"))
    assert response.context["pending"] == []
    assert "Aucun relevé de décisions n'attend votre approbation" in response.content.decode()


def test_a_former_president_no_longer_sees_the_rdd_in_the_inbox(client, submitted, presidents):
    social = presidents[0]
    social.section_presidencies.update(end=datetime.date(2024, 12, 31))

    client.force_login(social.user)

    assert client.get(reverse("decisions:inbox")).context["pending"] == []


def test_members_read_the_transmitted_rdds_of_their_commissions(client, transmitted, member_user, alice):
    later = make_session(transmitted.meeting.commission, datetime.date(2025, 6, 1))
    services.rdd_create(meeting=later, user=alice)
    client.force_login(member_user)

    response = client.get(reverse("decisions:transmitted"))

    assert list(response.context["rdds"]) == [transmitted]
    assert client.get(transmitted.get_absolute_url()).status_code == 200


def test_the_approval_block_is_written_as_the_documents_do(client, rdd, alice, presidents):
    social, professional = presidents
    social.last_name, social.first_name = "Kern", "Colette"
    social.save()
    professional.civility, professional.last_name, professional.first_name = "M.", "Roussel", "Philippe"
    professional.save()
    services.rdd_submit(rdd=rdd, user=alice)
    with time_machine.travel("2025-04-05 10:00:00+02:00", tick=False):
        services.rdd_approve(rdd=rdd, user=professional.user)
    with time_machine.travel("2025-04-14 10:00:00+02:00", tick=False):
        services.rdd_approve(rdd=rdd, user=social.user)
    client.force_login(alice)

    page = client.get(rdd.get_absolute_url()).content.decode()

    president = page.index("Approuvé le 14/04/2025 par la Présidente, Mme KERN Colette")
    vice = page.index("Approuvé le 05/04/2025 par le Vice-Président, M. ROUSSEL Philippe")
    assert president < vice


def test_the_secretariat_transmits_and_records_the_validation_vote(client, approved, alice):
    later = make_session(approved.meeting.commission, datetime.date(2025, 7, 6))
    client.force_login(alice)

    client.post(reverse("decisions:transmit", args=[approved.pk]))
    response = client.post(
        reverse("decisions:validate", args=[approved.pk]),
        {
            "meeting": later.pk,
            "sociale_for": 4,
            "sociale_against": 0,
            "sociale_abstentions": 0,
            "professionnelle_for": 5,
            "professionnelle_against": 0,
            "professionnelle_abstentions": 0,
        },
        follow=True,
    )

    approved.refresh_from_db()
    assert approved.status == Rdd.Status.VALIDATED
    assert "Validé lors de la séance du 06/07/2025." in response.content.decode()


def test_a_correction_opens_the_editor_of_the_new_version(client, approved, alice):
    client.force_login(alice)

    response = client.post(reverse("decisions:new_version", args=[approved.pk]), follow=True)

    new = Rdd.objects.get(previous=approved)
    assert response.redirect_chain[-1][0] == reverse("decisions:edit", args=[new.pk])
    assert "Version 2 créée" in messages_of(response)[0]
