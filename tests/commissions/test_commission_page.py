import datetime

import pytest
from django.urls import reverse

from commissions.models import Commission, Mandate, PresidencyDesignation, SectionPresidency
from demo.compositions import load_demo
from members.models import Person

D = datetime.date


@pytest.fixture
def demo(db, frozen_today):
    load_demo()
    return Commission.objects.get(slug="cpr-paca-corse-lpp")


@pytest.fixture
def agent(client, demo):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="secretariat"))
    return client


def test_the_page_shows_the_composition_by_section_and_the_vacancies(agent, demo):
    response = agent.get(demo.get_absolute_url())
    page = response.content.decode()

    social, professional = response.context["sections"]
    assert social.section.kind == "sociale" and professional.section.kind == "professionnelle"
    assert [row.seat.organisation.acronym for row in professional.rows] == [
        "UNDPM",
        "UPSADI",
        "SYNALAM",
        "SNADOM",
        "SYNAPSAD",
    ]
    assert social.president.last_name == "KERN"
    assert professional.president.last_name == "ROUSSEL"
    # DRSM and MSA have no substitute: two posts to fill in the social section.
    assert social.vacancies == 2
    assert "M. GUILLAUME Thierry" in page
    assert "à pourvoir" in page


def test_the_page_shows_the_presidency_of_this_year_and_next_by_the_rule(agent, demo):
    response = agent.get(demo.get_absolute_url())
    this_year, next_year = response.context["presidencies"]

    assert (this_year.year, this_year.president.last_name, this_year.source) == (2026, "ROUSSEL", "rule")
    assert (next_year.year, next_year.president.last_name, next_year.vice_president.last_name) == (
        2027,
        "KERN",
        "ROUSSEL",
    )
    page = response.content.decode()
    assert "Selon la règle de rotation" in page
    assert "2025 : Mme KERN Colette président(e), M. ROUSSEL Philippe vice-président(e)" in page


def test_the_composition_at_a_past_date_shows_who_sat_then(agent, demo):
    response = agent.get(demo.get_absolute_url(), {"date": "01/06/2024"})

    professional = response.context["sections"][1]
    synalam = next(row for row in professional.rows if row.seat.organisation.acronym == "SYNALAM")
    assert synalam.titular is None  # "Le poste de titulaire pour le syndicat SYNALAM reste à pourvoir" (2024)
    assert "Composition au 01/06/2024" in response.content.decode()


def test_an_impossible_date_is_reported_and_today_shown(agent, demo):
    response = agent.get(demo.get_absolute_url(), {"date": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["day"] == D(2026, 11, 22)
    assert "Date « 31/02/2025 » invalide" in response.content.decode()


def test_the_secretariat_adds_a_mandate_for_a_new_person(agent, demo):
    seat = Mandate.objects.get(seat__section__commission=demo, person__last_name="GINOUX").seat
    response = agent.post(
        reverse("commissions:mandate_add", args=[demo.slug]),
        {
            "seat": seat.pk,
            "role": "suppleant",
            "civility": "Mme",
            "last_name": "Martin",
            "first_name": "Inès",
            "email": "ines.martin@example.org",
            "start": "2026-11-22",
        },
        follow=True,
    )

    mandate = Mandate.objects.get(seat=seat, role="suppleant")
    assert (mandate.person.last_name, mandate.person.first_name, mandate.start) == ("MARTIN", "Inès", D(2026, 11, 22))
    assert "Mandat de suppléant ajouté : Mme MARTIN Inès" in response.content.decode()


def test_the_form_shows_an_overlap_next_to_the_start_date_and_saves_nothing(agent, demo):
    seat = Mandate.objects.get(seat__section__commission=demo, person__last_name="KERN").seat
    persons = Person.objects.count()
    response = agent.post(
        reverse("commissions:mandate_add", args=[demo.slug]),
        {"seat": seat.pk, "role": "titulaire", "civility": "M.", "last_name": "Autre", "start": "2026-01-01"},
    )

    assert response.status_code == 200
    assert "Ce siège a déjà un titulaire sur cette période : Mme KERN Colette" in str(
        response.context["form"].errors["start"]
    )
    assert Person.objects.count() == persons


def test_the_secretariat_ends_a_mandate(agent, demo):
    mandate = Mandate.objects.get(seat__section__commission=demo, person__last_name="LAFON")
    response = agent.post(reverse("commissions:mandate_end", args=[demo.slug, mandate.pk]), {"end": "2026-11-30"})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.end == D(2026, 11, 30)


def test_recording_a_section_president_who_is_not_a_member_of_it_is_refused(agent, demo):
    outsider = Person.objects.get(last_name="BALMELLE")
    response = agent.post(
        reverse("commissions:section_president_set", args=[demo.slug]),
        {"section": "sociale", "person": outsider.pk, "start": "2026-11-22"},
    )
    assert "ne siège pas dans la section sociale" in str(response.context["form"].errors["person"])
    assert SectionPresidency.objects.filter(person=outsider).count() == 0


def test_the_secretariat_records_a_designation_that_overrides_the_rule(agent, demo):
    kern, roussel = Person.objects.get(last_name="KERN"), Person.objects.get(last_name="ROUSSEL")
    response = agent.post(
        reverse("commissions:designation_record", args=[demo.slug]),
        {
            "year": 2026,
            "president_section": "sociale",
            "president": kern.pk,
            "vice_president": roussel.pk,
            "designated_on": "2026-03-10",
        },
        follow=True,
    )
    designation = PresidencyDesignation.objects.get(commission=demo, year=2026)
    assert designation.president == kern
    this_year = response.context["presidencies"][0]
    assert this_year.source == "designation" and this_year.president == kern
