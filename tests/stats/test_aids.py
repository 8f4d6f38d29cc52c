"""Tele-transmission aids (001): integer comparisons at 80 %, one aid per entity and region, reference sites."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from stats.aids import (
    STATUS_ELIGIBLE,
    STATUS_NONE,
    STATUS_SPECIALTY,
    STATUS_UNVERIFIABLE,
    AidRules,
    SiteActivity,
    aid_eligibility,
    reaches,
)

RULES = AidRules(2024, 300, 90, 80, frozenset({"60", "61"}))


def site(siren="123456789", numero="131234567", specialty="60", region="R93", referent=True, counts=(80, 100, 80, 100)):
    return SiteActivity(siren, numero, specialty, region, referent, *counts)


def test_exactly_80_percent_is_eligible_and_just_below_is_not():
    assert reaches(80, 100, 80)
    assert reaches(4, 5, 80)
    assert not reaches(79_999, 100_000, 80)
    assert not reaches(0, 0, 80)
    [result] = aid_eligibility([site(counts=(80, 100, 79, 100))], RULES)
    assert (result.aide_sesam_vitale, result.aide_scor) == (300, 0)
    assert result.taux_fse == Decimal("80.00") and result.taux_scor == Decimal("79.00")
    assert result.statut == STATUS_ELIGIBLE


def test_a_rate_just_below_80_never_shows_as_80():
    [result] = aid_eligibility([site(counts=(79_999, 100_000, 0, 10))], RULES)
    assert result.taux_fse == Decimal("79.99")
    assert result.aide_sesam_vitale == 0
    assert result.statut == STATUS_NONE


def test_two_sites_of_one_entity_in_one_region_share_one_aid_paid_to_the_reference_site():
    sites = [
        site(numero="131111111", referent=True, counts=(90, 100, 90, 100)),
        site(numero="131222222", referent=False, counts=(50, 100, 70, 100)),
    ]
    [result] = aid_eligibility(sites, RULES)
    assert result.site_referent == "131111111"
    assert result.taux_fse == Decimal("70.00")  # 140 / 200 over both sites
    assert result.taux_scor == Decimal("80.00")  # 160 / 200
    assert (result.aide_sesam_vitale, result.aide_scor) == (0, 90)


def test_one_entity_in_two_regions_gets_one_result_per_region():
    sites = [site(region="R93", numero="131111111"), site(region="R94", numero="2A1111111", counts=(10, 100, 10, 100))]
    results = aid_eligibility(sites, RULES)
    assert [(r.region, r.aide_sesam_vitale, r.aide_scor) for r in results] == [("R93", 300, 90), ("R94", 0, 0)]


def test_a_non_eligible_specialty_is_left_out_of_the_ratios():
    sites = [
        site(counts=(80, 100, 80, 100)),
        site(numero="139999999", specialty="62", referent=False, counts=(0, 900, 0, 900)),
    ]
    [result] = aid_eligibility(sites, RULES)
    assert (result.aide_sesam_vitale, result.aide_scor) == (300, 90)
    [only_other] = aid_eligibility([site(specialty="62")], RULES)
    assert only_other.statut == STATUS_SPECIALTY and only_other.aide_sesam_vitale == 0


def test_no_reference_site_means_no_payment():
    [result] = aid_eligibility([site(referent=False, counts=(100, 100, 100, 100))], RULES)
    assert result.statut == STATUS_UNVERIFIABLE
    assert (result.aide_sesam_vitale, result.aide_scor, result.site_referent) == (0, 0, "")


def test_two_reference_sites_in_a_region_mean_no_payment():
    sites = [site(numero="131111111"), site(numero="131222222")]
    [result] = aid_eligibility(sites, RULES)
    assert result.statut == STATUS_UNVERIFIABLE


def test_a_zero_total_gives_no_aid_and_no_error():
    [result] = aid_eligibility([site(counts=(0, 0, 0, 0))], RULES)
    assert result.taux_fse is None and result.aide_sesam_vitale == 0


ACTIVITY = """siren;numero_am;specialite;region;site_referent;fse;feuilles_total;ordonnances_scor;ordonnances_total
123456789;131111111;60;93;oui;80;100;79;100
123456789;131222222;61;R93;non;0;0;0;0
987654321;2A1111111;61;R94;non;100;100;100;100
555555555;841111111;62;93;oui;100;100;100;100
"""


@pytest.fixture
def scheme_2024(db):
    """The 2024 scheme, as the data migration seeds it; a transactional test run before may have flushed it."""
    from stats.models import AidScheme

    AidScheme.objects.get_or_create(
        year=2024,
        defaults={"sesam_vitale_amount": 300, "scor_amount": 90, "threshold_percent": 80, "specialties": "60,61"},
    )


def test_the_command_prints_the_csv(tmp_path, scheme_2024):
    path = tmp_path / "activite.csv"
    path.write_text(ACTIVITY, encoding="utf-8")
    out = io.StringIO()
    call_command("aid_eligibility", str(path), "--year", "2024", stdout=out)
    assert out.getvalue() == (
        "siren,region,site_referent,taux_fse,taux_scor,aide_sesam_vitale,aide_scor,statut\n"
        "123456789,R93,131111111,80.00,79.00,300,0,éligible\n"
        "555555555,R93,841111111,,,0,0,spécialité non éligible\n"
        "987654321,R94,,100.00,100.00,0,0,non vérifiable — aucun paiement\n"
    )


def test_the_command_reports_a_bad_file_in_french(tmp_path, capsys, scheme_2024):
    path = tmp_path / "activite.csv"
    path.write_text(ACTIVITY.replace(";79;", ";soixante;"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("aid_eligibility", str(path), "--year", "2024")
    assert exit_info.value.code == 1
    assert "Ligne 2, colonne H (« ordonnances_scor ») : « soixante » n'est pas un nombre entier positif." in (
        capsys.readouterr().err
    )
