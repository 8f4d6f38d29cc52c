"""The search: found by a word of the text whatever its accents and case, filtered by access like every page,
snippets escaped before marking, paginated; the PostgreSQL full-text path marked `postgres`."""

import datetime

import pytest
from django.urls import reverse

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from decisions import content, services
from decisions.models import Rdd
from home.search import highlight, matching, query_terms, search
from tests.factories import PersonFactory, make_session, seat_member
from tests.supports.helpers import FakeRenderer

pytestmark = pytest.mark.django_db

DECISION = "La commission approuve le financement du dispositif PERFADOM pour l'année 2025."


@pytest.fixture(autouse=True)
def quick_rdd_document(monkeypatch):
    monkeypatch.setattr("supports.services.render_pdf", FakeRenderer())


def _rdd(commission, alice, day: datetime.date, decision: str) -> Rdd:
    meeting = make_session(commission, day)
    agenda_item_add(meeting=meeting, title="Prestations à domicile")
    rdd = services.rdd_create(meeting=meeting, user=alice)
    record = rdd.item_records.first()
    content.item_record_save(record=record, summary="Échanges.", decisions=[decision])
    return rdd


@pytest.fixture
def transmitted(commission, alice, presidents):
    social, professional = presidents
    rdd = services.rdd_submit(rdd=_rdd(commission, alice, datetime.date(2025, 2, 26), DECISION), user=alice)
    services.rdd_approve(rdd=rdd, user=social.user)
    services.rdd_approve(rdd=rdd, user=professional.user)
    return services.rdd_transmit(rdd=Rdd.objects.get(pk=rdd.pk), user=alice)


@pytest.fixture
def draft(commission, alice):
    return _rdd(
        commission, alice, datetime.date(2025, 9, 24), "Le remboursement des véhicules électriques est reporté."
    )


def _titles(user, query: str) -> list[str]:
    return [result.title for result in search(user, query).results]


def test_a_decision_is_found_by_a_word_of_its_text_whatever_accents_and_case(transmitted, member_user):
    for query in ("perfadom", "PERFADOM", "Année", "annee", "ANNÉE financement"):
        found = search(member_user, query)
        assert [result.kind for result in found.results] == ["decisions"], query
        assert found.results[0].url == transmitted.get_absolute_url()


def test_a_member_does_not_find_a_drafts_decision_and_the_secretariat_does(draft, member_user, alice):
    assert _titles(member_user, "vehicules electriques") == []
    (found,) = search(alice, "véhicules ÉLECTRIQUES").results
    assert found.kind == "decisions" and "brouillon" in found.title


def test_a_president_reads_a_submitted_rdd_but_not_a_draft(commission, alice, presidents, draft):
    social, _ = presidents
    assert _titles(social.user, "electriques") == []
    services.rdd_submit(rdd=draft, user=alice)
    assert len(_titles(social.user, "electriques")) == 1


def test_another_commissions_person_meeting_and_decisions_are_never_shown(
    client, commission, other_commission, alice, bob
):
    seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Châtelain"))
    seat_member(other_commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Chatelier"))
    make_session(other_commission, datetime.date(2025, 3, 3), title="Réunion chatelaine")
    _rdd(other_commission, bob, datetime.date(2025, 2, 26), "Le chatoiement est décidé.")

    assert _titles(alice, "chatel") == ["Mme CHÂTELAIN Claire"]
    assert _titles(alice, "chato") == []
    client.force_login(alice)
    page = client.get(reverse("home:search"), {"q": "chat"}).content.decode()
    assert "CHÂTELAIN" in page
    assert "CHATELIER" not in page and "chatelaine" not in page and "chatoiement" not in page


def test_a_person_is_found_by_name_and_links_to_their_commission(commission, member_user):
    seat_member(commission, SectionKind.PROFESSIONAL, person=PersonFactory(last_name="Lefèvre", first_name="Agnès"))
    (result,) = search(member_user, "agnes lefevre").results
    assert result.kind == "personnes" and result.url == commission.get_absolute_url()


def test_meetings_and_agenda_items_are_found(commission, member_user):
    meeting = make_session(commission, datetime.date(2024, 1, 25), place="Hôtel de région, Marseille")
    agenda_item_add(meeting=meeting, title="Télétransmission des factures")
    found = search(member_user, "marseille").results + search(member_user, "teletransmission").results
    assert [result.kind for result in found] == ["reunions", "reunions"]
    assert {result.url for result in found} == {meeting.get_absolute_url()}


def test_the_snippet_is_escaped_before_its_words_are_marked(client, commission, alice):
    _rdd(commission, alice, datetime.date(2025, 2, 26), 'Texte <script>alert("x")</script> sur la télétransmission.')
    client.force_login(alice)
    page = client.get(reverse("home:search"), {"q": "teletransmission"}).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; sur la <mark>télétransmission</mark>." in page
    assert "<script>alert" not in page


def test_the_query_itself_is_escaped(client, alice):
    client.force_login(alice)
    page = client.get(reverse("home:search"), {"q": "<b>gras</b>"}).content.decode()
    assert "<b>gras</b>" not in page and "&lt;b&gt;gras&lt;/b&gt;" in page


def test_highlight_marks_every_word_starting_with_a_term_and_cuts_long_texts():
    text = "Début. " + "mot " * 100 + "Les Équipes de l'équipe <i>médicale</i>. " + "fin " * 100
    snippet = highlight(text, query_terms("equipe medic"))
    assert "<mark>Équipes</mark> de l&#x27;<mark>équipe</mark> &lt;i&gt;<mark>médicale</mark>&lt;/i&gt;" in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 400


def test_the_query_keeps_letters_and_digits_only(charlie):
    assert query_terms("PERFADOM & (2025) | !x:*") == ["perfadom", "2025"]
    assert search(charlie, "perfadom").results == []


def test_results_are_paginated(client, commission, alice):
    meeting = make_session(commission, datetime.date(2025, 2, 26))
    for n in range(25):
        agenda_item_add(meeting=meeting, title=f"Dispositif numéro {n}")
    client.force_login(alice)
    first = client.get(reverse("home:search"), {"q": "dispositif"})
    assert first.context["page"].paginator.count == 25 and len(first.context["page"].object_list) == 20
    second = client.get(reverse("home:search"), {"q": "dispositif", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert client.get(reverse("home:search"), {"q": "dispositif", "page": "abc"}).status_code == 200


def test_the_search_needs_a_login_and_a_stranger_finds_nothing(client, charlie, transmitted):
    response = client.get(reverse("home:search"), {"q": "perfadom"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(charlie)
    response = client.get(reverse("home:search"), {"q": "perfadom"})
    assert response.status_code == 200
    assert "Aucun résultat" in response.content.decode()
    assert client.post(reverse("home:search"), {"q": "perfadom"}).status_code == 405


def test_a_member_reads_the_transmitted_version_while_the_next_one_is_drafted(transmitted, member_user, alice):
    services.rdd_new_version(rdd=transmitted, user=alice)
    (result,) = search(member_user, "perfadom").results
    assert result.url == transmitted.get_absolute_url()
    (drafted,) = search(alice, "perfadom").results
    assert drafted.url != transmitted.get_absolute_url() and "version 2" in drafted.title


@pytest.mark.postgres
def test_postgresql_finds_by_french_stems_without_accents_and_ranks(transmitted, member_user):
    # French stemming: "financements" finds "financement"; unaccent: "annee" finds "année"; a prefix: "perfa".
    for query in ("financements", "annee", "perfa", "dispositifs PERFADOM"):
        assert [result.kind for result in search(member_user, query).results] == ["decisions"], query
    (result,) = search(member_user, "perfadom").results
    assert result.rank > 0 and "<mark>PERFADOM</mark>" in result.snippet


@pytest.mark.postgres
def test_postgresql_folds_with_unaccent_and_searches_through_the_gin_indexes(db):
    from django.db import connection

    from decisions.models import Decision

    query = matching(Decision.objects.all(), ("text",), ["perfadom"])
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT home_unaccent('Éléphant DÉCISION')")
        assert cursor.fetchone()[0] == "elephant decision"
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'home_search_%'")
        assert {row[0] for row in cursor.fetchall()} == {
            "home_search_decision",
            "home_search_commitment",
            "home_search_question",
            "home_search_agenda_item",
        }
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "home_search_decision" in plan
