import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from commissions.composition.models import Commission, Mandate, PresidencyDesignation, SectionKind, SectionPresidency
from commissions.composition.selectors import composition_changed_on
from demo.compositions import load_demo
from members.models import Person
from tests.factories import MandateFactory, seat_member

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


def test_the_person_picker_offers_the_commissions_persons_only(agent, demo, other_commission):
    stranger = seat_member(other_commission, SectionKind.SOCIAL).person
    page = agent.get(reverse("commissions:mandate_add", args=[demo.slug])).content.decode()
    assert "KERN Colette" in page
    assert stranger.last_name.upper() not in page.upper()


def test_a_person_of_another_commission_typed_with_their_e_mail_is_taken_again(agent, demo, other_commission):
    stranger = seat_member(other_commission, SectionKind.SOCIAL).person
    stranger.email = "connu@example.org"
    stranger.save()
    seat = Mandate.objects.get(seat__section__commission=demo, person__last_name="GINOUX").seat
    persons = Person.objects.count()
    agent.post(
        reverse("commissions:mandate_add", args=[demo.slug]),
        {
            "seat": seat.pk,
            "role": "suppleant",
            "civility": "Mme",
            "last_name": f" {stranger.last_name.lower()} ",
            "email": "CONNU@example.org",
            "start": "2026-11-22",
        },
    )
    assert Mandate.objects.get(seat=seat, role="suppleant").person == stranger
    assert Person.objects.count() == persons


def test_a_typed_first_name_is_written_as_names_are(agent, demo):
    seat = Mandate.objects.get(seat__section__commission=demo, person__last_name="GINOUX").seat
    agent.post(
        reverse("commissions:mandate_add", args=[demo.slug]),
        {
            "seat": seat.pk,
            "role": "suppleant",
            "civility": "M.",
            "last_name": "dupont",
            "first_name": "jean-MARC",
            "start": "2026-11-22",
        },
    )
    person = Mandate.objects.get(seat=seat, role="suppleant").person
    assert (person.last_name, person.first_name) == ("DUPONT", "Jean-Marc")


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


def _sections(page: str) -> str:
    """The composition's tables of a commission page."""
    start = page.index('<div class="row g-3">', page.index('id="composition"'))
    return page[start : page.index("</section>", start)]


def test_the_composition_at_any_date_is_the_one_computed_without_the_cache(agent, demo):
    """Pages at past dates share a rendering per day the composition last changed: never another day's."""
    boundaries = set()
    for start, end in Mandate.objects.filter(seat__section__commission=demo).values_list("start", "end"):
        boundaries |= {start, start - datetime.timedelta(days=1)}
        if end:
            boundaries |= {end, end + datetime.timedelta(days=1)}
    days = sorted(boundaries | {D(year, month, 1) for year in range(2019, 2027) for month in (1, 4, 7, 10)})
    assert len(boundaries) >= 4 and len(days) >= 30
    for day in days:
        cached = agent.get(demo.get_absolute_url(), {"date": day.isoformat()}).content.decode()
        with override_settings(PAGE_CACHE=False):
            fresh = agent.get(demo.get_absolute_url(), {"date": day.isoformat()}).content.decode()
        assert _sections(cached) == _sections(fresh), day
        assert f"Composition au {day:%d/%m/%Y}" in cached or day == D(2026, 11, 22)


def test_the_days_of_one_composition_share_one_rendering(agent, demo, monkeypatch):
    last_change = composition_changed_on(demo, D(2026, 11, 1))
    assert last_change is not None and last_change <= D(2026, 11, 1)
    rendered = []
    monkeypatch.setattr(
        "commissions.composition.views.commission.composition_on", lambda commission, day: rendered.append(day) or []
    )
    for day in ("2026-11-01", "2026-10-31"):
        agent.get(demo.get_absolute_url(), {"date": day})
    expected = 1 if last_change <= D(2026, 10, 31) else 2
    assert len(rendered) == expected


def test_the_last_change_counts_starts_and_the_day_after_an_end(commission):
    seat = seat_member(commission, SectionKind.SOCIAL, start=D(2024, 1, 1), end=D(2024, 6, 30)).seat
    MandateFactory(seat=seat, start=D(2024, 9, 1))
    assert composition_changed_on(commission, D(2023, 12, 31)) is None
    assert composition_changed_on(commission, D(2024, 3, 1)) == D(2024, 1, 1)
    assert composition_changed_on(commission, D(2024, 6, 30)) == D(2024, 1, 1)
    assert composition_changed_on(commission, D(2024, 7, 1)) == D(2024, 7, 1)  # the day after the end
    assert composition_changed_on(commission, D(2025, 1, 1)) == D(2024, 9, 1)
    seat.closed_on = D(2025, 3, 31)
    seat.save()
    assert composition_changed_on(commission, D(2025, 6, 1)) == D(2025, 4, 1)


def test_the_presidency_box_follows_the_date_asked(agent, demo):
    page = agent.get(demo.get_absolute_url(), {"date": "01/06/2024"}).content.decode()
    assert '<dt class="col-sm-2">2024</dt>' in page and '<dt class="col-sm-2">2025</dt>' in page
    today = agent.get(demo.get_absolute_url()).content.decode()
    assert '<dt class="col-sm-2">2026</dt>' in today and '<dt class="col-sm-2">2024</dt>' not in today
