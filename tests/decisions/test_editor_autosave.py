"""The RDD editor's saves, block by block: the autosave's JSON answers, the version check against a concurrent
change, the refusals (submitted RDD, expired session, another commission, CSRF) and the plain forms' fallback."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from decisions import content, services
from decisions.models import Commitment, Question

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def record(rdd):
    return rdd.item_records.order_by("position").first()


def record_url(rdd, record) -> str:
    return reverse("decisions:item_record_save", args=[rdd.pk, record.pk])


def record_data(record, *, summary: str, decisions: str = "", version: str | None = None) -> dict:
    prefix = f"record-{record.pk}"
    data = {f"{prefix}-summary": summary, f"{prefix}-decisions": decisions}
    if version is not None:
        data[f"{prefix}-version"] = version
    return data


def test_the_autosave_saves_one_block_and_answers_its_new_version(client, alice, rdd, record):
    client.force_login(alice)
    second = rdd.item_records.order_by("position").last()
    content.item_record_save(record=second, summary="Texte du deuxième point.", decisions=[])
    version = content.block_version(record)

    response = client.post(
        record_url(rdd, record), record_data(record, summary="Nouvelle synthèse.", version=version), **JSON
    )

    assert response.status_code == 200
    answer = response.json()
    record.refresh_from_db()
    assert record.summary == "Nouvelle synthèse."
    assert list(record.decisions.values_list("text", flat=True)) == []
    assert answer["version"] == content.block_version(record) != version
    assert re.fullmatch(r"Enregistré à \d\d h \d\d", answer["message"])
    second.refresh_from_db()
    assert second.summary == "Texte du deuxième point."


def test_a_stale_version_is_refused_with_the_other_agent_s_text(client, alice, rdd, record):
    client.force_login(alice)
    loaded = content.block_version(record)
    content.item_record_save(record=record, summary="Texte de l'autre agent.", decisions=["Sa décision."])

    response = client.post(record_url(rdd, record), record_data(record, summary="Mon texte.", version=loaded), **JSON)

    assert response.status_code == 409
    answer = response.json()
    assert answer["reason"] == "conflict"
    assert answer["current"] == {"summary": "Texte de l'autre agent.", "decisions": "Sa décision."}
    assert "Modifié par un autre agent" in answer["error"]
    assert "Texte de l'autre agent." in answer["error"]
    record.refresh_from_db()
    assert record.summary == "Texte de l'autre agent."

    # The agent keeps their text: posted again over the version the refusal gave.
    kept = client.post(
        record_url(rdd, record), record_data(record, summary="Mon texte.", version=answer["version"]), **JSON
    )
    assert kept.status_code == 200
    record.refresh_from_db()
    assert record.summary == "Mon texte."


def test_a_save_retried_with_the_text_already_saved_is_no_conflict(client, alice, rdd, record):
    client.force_login(alice)
    loaded = content.block_version(record)
    data = record_data(record, summary="Même texte.", decisions="Décision", version=loaded)
    assert client.post(record_url(rdd, record), data, **JSON).status_code == 200
    assert client.post(record_url(rdd, record), data, **JSON).status_code == 200


def test_the_preamble_commitments_and_questions_are_checked_too(client, alice, rdd):
    client.force_login(alice)
    commitment = content.commitment_save(rdd=rdd, text="Engagement", carried_by="secretariat")
    question = content.question_save(rdd=rdd, text="Question ?")
    rdd.refresh_from_db()
    stale = {
        "preamble": content.block_version(rdd),
        "commitment": content.block_version(commitment),
        "question": content.block_version(question),
    }
    content.rdd_update_preamble(rdd=rdd, preamble="Préambule de l'autre agent.")
    content.commitment_save(rdd=rdd, text="Engagement corrigé", carried_by="secretariat", commitment=commitment)
    content.question_save(rdd=rdd, text="Question corrigée ?", question=question)

    answers = [
        client.post(
            reverse("decisions:edit", args=[rdd.pk]),
            {"preamble": "Mon préambule.", "version": stale["preamble"]},
            **JSON,
        ),
        client.post(
            reverse("decisions:commitment_edit", args=[rdd.pk, commitment.pk]),
            {
                f"commitment-{commitment.pk}-text": "Mon engagement",
                f"commitment-{commitment.pk}-carried_by": "secretariat",
                f"commitment-{commitment.pk}-version": stale["commitment"],
            },
            **JSON,
        ),
        client.post(
            reverse("decisions:question_edit", args=[rdd.pk, question.pk]),
            {f"question-{question.pk}-text": "Ma question ?", f"question-{question.pk}-version": stale["question"]},
            **JSON,
        ),
    ]

    assert [answer.status_code for answer in answers] == [409, 409, 409]
    assert "Préambule de l'autre agent." in answers[0].json()["error"]
    assert answers[1].json()["current"]["text"] == "Engagement corrigé"
    assert answers[2].json()["current"]["text"] == "Question corrigée ?"
    assert Commitment.objects.get().text == "Engagement corrigé"
    assert Question.objects.get().text == "Question corrigée ?"


def test_a_plain_form_s_conflict_shows_both_texts_and_keeps_the_agent_s(client, alice, rdd, record):
    client.force_login(alice)
    loaded = content.block_version(record)
    content.item_record_save(record=record, summary="Texte de l'autre agent.", decisions=[])

    response = client.post(record_url(rdd, record), record_data(record, summary="Mon texte à garder.", version=loaded))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Modifié par un autre agent" in page
    assert "Texte de l&#x27;autre agent." in page
    assert "Mon texte à garder." in page
    record.refresh_from_db()
    assert f'value="{content.block_version(record)}"' in page


def test_a_submitted_rdd_refuses_the_autosave_with_the_reason(client, alice, rdd, record, presidents):
    client.force_login(alice)
    version = content.block_version(record)
    services.rdd_submit(rdd=rdd, user=alice)

    response = client.post(record_url(rdd, record), record_data(record, summary="Trop tard.", version=version), **JSON)

    assert response.status_code == 409
    assert response.json() == {
        "reason": "frozen",
        "error": "Ce relevé de décisions n'est plus un brouillon : son contenu ne peut plus être modifié. "
        "Pour le corriger, créez une nouvelle version.",
    }


def test_another_commission_s_rdd_answers_404(client, bob, rdd, record):
    client.force_login(bob)
    response = client.post(record_url(rdd, record), record_data(record, summary="Intrusion."), **JSON)
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.summary != "Intrusion."


def test_an_expired_session_gets_the_french_reason_and_no_redirect(client, rdd, record):
    response = client.post(record_url(rdd, record), record_data(record, summary="Texte."), **JSON)
    assert response.status_code == 401
    assert response.json()["error"] == (
        "Session expirée : votre texte est conservé sur cet appareil ; reconnectez-vous."
    )


def test_an_expired_session_s_plain_form_logs_in_again_towards_the_editor_page(client, rdd, record):
    editor = reverse("decisions:edit", args=[rdd.pk])
    response = client.post(record_url(rdd, record), record_data(record, summary="Texte."))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={editor}"

    # An older link to the POST-only address, opened logged out, logs in towards the editor too.
    response = client.get(record_url(rdd, record))
    assert response["Location"] == f"{reverse('login')}?next={editor}"


def test_the_autosave_needs_the_csrf_token(alice, rdd, record):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    editor = client.get(reverse("decisions:edit", args=[rdd.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', editor.content.decode()).group(1)
    data = record_data(record, summary="Avec le jeton.")

    assert client.post(record_url(rdd, record), data, **JSON).status_code == 403
    assert client.post(record_url(rdd, record), data, HTTP_X_CSRFTOKEN=token, **JSON).status_code == 200
    record.refresh_from_db()
    assert record.summary == "Avec le jeton."


def test_the_editor_page_carries_each_block_s_version(client, alice, rdd, record):
    client.force_login(alice)
    commitment = content.commitment_save(rdd=rdd, text="Engagement", carried_by="secretariat")
    page = client.get(reverse("decisions:edit", args=[rdd.pk])).content.decode()
    assert f'name="record-{record.pk}-version" value="{content.block_version(record)}"' in page
    assert f'name="commitment-{commitment.pk}-version" value="{content.block_version(commitment)}"' in page
    assert 'data-block="preamble"' in page
    assert "js/rdd_editor.js" in page
