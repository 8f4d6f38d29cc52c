import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissions.composition.models import PresidencyDesignation, SectionKind
from commissions.composition.presidency import PresidencyUnknown, presidency_for
from commissions.composition.services import section_president_set
from tests.factories import CommissionFactory, seat_member

D = datetime.date


@pytest.fixture
def rotating(db):
    """A commission whose professional section presides in 2024, with two section presidents since 2023."""
    commission = CommissionFactory(slug="rotation", presidency_reference_year=2024)
    social = seat_member(commission, SectionKind.SOCIAL, start=D(2023, 1, 1)).person
    professional = seat_member(commission, SectionKind.PROFESSIONAL, start=D(2023, 1, 1)).person
    section_president_set(section=commission.sections.get(kind=SectionKind.SOCIAL), person=social, start=D(2023, 1, 1))
    section_president_set(
        section=commission.sections.get(kind=SectionKind.PROFESSIONAL), person=professional, start=D(2023, 1, 1)
    )
    return commission, social, professional


def test_the_presidency_alternates_every_year_between_the_two_section_presidents(rotating, frozen_today):
    commission, social, professional = rotating
    expected = {2023: social, 2024: professional, 2025: social, 2026: professional, 2027: social, 2030: professional}
    for year, president in expected.items():
        presidency = presidency_for(commission, year)
        assert presidency.president == president, year
        assert presidency.vice_president == (social if president == professional else professional)
        assert presidency.source == "rule"
    assert presidency_for(commission, 2024).president_section == SectionKind.PROFESSIONAL
    assert presidency_for(commission, 2025).vice_president_section == SectionKind.PROFESSIONAL


def test_a_new_section_president_takes_the_presidency_from_the_day_of_the_change(rotating, frozen_today):
    commission, social, professional = rotating
    successor = seat_member(commission, SectionKind.PROFESSIONAL, start=D(2026, 1, 1)).person
    section = commission.sections.get(kind=SectionKind.PROFESSIONAL)

    section_president_set(section=section, person=successor, start=D(2026, 6, 1))

    assert presidency_for(commission, on=D(2026, 5, 31)).president == professional
    assert presidency_for(commission, on=D(2026, 6, 1)).president == successor
    # The year as a whole is given by who holds office today (22/11/2026), and the rule carries on.
    assert presidency_for(commission, 2026).president == successor
    assert presidency_for(commission, 2027).vice_president == successor
    assert presidency_for(commission, 2027).president == social
    # The outgoing president's term was closed the day before.
    assert section.presidencies.get(person=professional).end == D(2026, 5, 31)
    # Past years keep their president.
    assert presidency_for(commission, 2024).president == professional


def test_a_designation_recorded_in_session_overrides_the_rule_for_its_year_only(rotating, frozen_today):
    commission, social, professional = rotating
    PresidencyDesignation.objects.create(
        commission=commission,
        year=2026,
        president=social,
        president_section=SectionKind.SOCIAL,
        vice_president=professional,
        designated_on=D(2026, 2, 26),
    )

    presidency = presidency_for(commission, 2026)

    assert presidency.president == social
    assert presidency.president_section == SectionKind.SOCIAL
    assert presidency.source == "designation"
    assert presidency.source_label == "désignation en séance du 26/02/2026"
    assert presidency_for(commission, 2027).president == social
    assert presidency_for(commission, 2027).source == "rule"


def test_a_year_without_section_president_is_reported_clearly(db):
    commission = CommissionFactory(slug="vide")
    with pytest.raises(
        PresidencyUnknown, match="Aucun président de la section professionnelle ni de la section sociale"
    ):
        presidency_for(commission, 2026)


def test_the_command_prints_the_rule_answer(rotating, frozen_today, capsys):
    call_command("presidency", "rotation", "2026")
    out = capsys.readouterr().out
    president = rotating[2].display_name
    assert f"Président(e) : {president} (Section professionnelle)" in out
    assert f"Vice-président(e) : {rotating[1].display_name} (Section sociale)" in out
    assert "Source : règle de rotation" in out


@pytest.mark.parametrize(
    ("slug", "message"),
    [("inconnue", "Commission inconnue : « inconnue »"), ("vide", "Aucun président de la section")],
)
def test_the_command_fails_with_status_1_and_a_clear_message(db, slug, message):
    CommissionFactory(slug="vide")
    with pytest.raises(CommandError, match=message) as failure:
        call_command("presidency", slug, "2026")
    assert failure.value.returncode == 1
