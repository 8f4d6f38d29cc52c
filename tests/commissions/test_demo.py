from django.contrib.auth.models import User
from django.core.management import call_command

from commissions.composition.models import Commission, Mandate, PresidencyDesignation, Seat, SectionPresidency
from commissions.composition.presidency import presidency_for
from members.models import Organisation, Person

MODELS = (Commission, Seat, Mandate, SectionPresidency, PresidencyDesignation, Organisation, Person, User)


def snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


def test_loading_the_demo_twice_gives_the_same_state(db, frozen_today, capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")

    assert snapshot() == first
    out = capsys.readouterr().out
    assert "secretariat" in out and "demo-portail-2026" in out


def test_the_demo_gives_the_documents_presidencies(db, frozen_today):
    call_command("load_demo")
    paca = Commission.objects.get(slug="cpr-paca-corse-lpp")
    cote_dor = Commission.objects.get(slug="cpl-pharmaciens-cote-dor")

    assert presidency_for(paca, 2024).president.last_name == "ROUSSEL"  # 000: the professional section presides
    designated = presidency_for(paca, 2025)  # 001: Mme KERN president, M. ROUSSEL vice-president
    assert (designated.president.last_name, designated.vice_president.last_name, designated.source) == (
        "KERN",
        "ROUSSEL",
        "designation",
    )
    assert (presidency_for(paca, 2026).president.last_name, presidency_for(paca, 2026).source) == ("ROUSSEL", "rule")
    assert presidency_for(cote_dor, 2024).president.last_name == "LAURENT"  # 004
    assert presidency_for(cote_dor, 2025).president.last_name == "BARD"
    assert Commission.objects.get(slug="cpr-reunion-lpp").time_zone == "Indian/Reunion"
    assert Organisation.objects.get(aliases__name="UNPDM").acronym == "UNDPM"
