"""The Django admin of members and commissions (French, for superusers)."""

import datetime

import pytest
from django.urls import reverse

from commissions.composition.models import (
    Commission,
    CompositionChange,
    Mandate,
    PresidencyDesignation,
    Section,
    SectionKind,
    SectionPresidency,
)
from members.models import Organisation, OrganisationAlias, Person
from tests.factories import OrganisationFactory, PersonFactory, SeatFactory, seat_member

MODELS = [
    "members_organisation",
    "members_person",
    "commissions_commission",
    "commissions_section",
    "commissions_seat",
    "commissions_mandate",
    "commissions_sectionpresidency",
    "commissions_presidencydesignation",
    "commissions_compositionchange",
]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def composition(commission, presidents, admin_user):
    """One of each object, so that lists and change pages have something to show."""
    social, professional = presidents
    OrganisationAlias.objects.create(organisation=OrganisationFactory(acronym="UNDPM"), name="UNPDM")
    PresidencyDesignation.objects.create(
        commission=commission,
        year=2025,
        president=professional,
        president_section=SectionKind.PROFESSIONAL,
        vice_president=social,
        designated_on=datetime.date(2025, 1, 15),
    )
    CompositionChange.objects.create(
        commission=commission, effective_on=datetime.date(2025, 3, 1), description="Nouveau titulaire"
    )
    return commission


def post_data(**fields) -> dict:
    return {key: "" if value is None else value for key, value in fields.items()}


def management_form(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_answers_for_a_superuser(admin_client, composition, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_every_add_page_answers_for_a_superuser(admin_client, composition, model):
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_change_page_answers_for_a_superuser(admin_client, composition, model):
    app_label, model_name = model.split("_", 1)
    from django.apps import apps

    obj = apps.get_model(app_label, model_name).objects.first()

    assert admin_client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_searches(admin_client, composition, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "kern"}).status_code == 200


def test_alice_of_the_secretariat_is_sent_to_the_admin_login(client, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:commissions_mandate_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_organisation_is_found_by_another_name(admin_client, composition):
    response = admin_client.get(reverse("admin:members_organisation_changelist"), {"q": "unpdm"})

    assert [org.acronym for org in response.context["cl"].result_list] == ["UNDPM"]


def test_a_person_is_found_by_email(admin_client, db):
    PersonFactory(last_name="Kern", email="colette.kern@example.org")
    PersonFactory(last_name="Roussel", email="roussel@example.org")

    response = admin_client.get(reverse("admin:members_person_changelist"), {"q": "colette.kern"})

    assert [person.last_name for person in response.context["cl"].result_list] == ["Kern"]


def test_a_mandate_is_found_by_organisation(admin_client, commission):
    mandate = seat_member(commission, SectionKind.SOCIAL)
    seat_member(commission, SectionKind.SOCIAL)

    response = admin_client.get(
        reverse("admin:commissions_mandate_changelist"), {"q": mandate.seat.organisation.acronym}
    )

    assert list(response.context["cl"].result_list) == [mandate]


def test_an_organisation_acronym_is_unique_whatever_the_case(admin_client, db):
    OrganisationFactory(acronym="CNAM")

    response = admin_client.post(
        reverse("admin:members_organisation_add"),
        {"acronym": "cnam", "name": "", "kind": Organisation.Kind.INSURER, **management_form("aliases", 0)},
    )

    assert response.status_code == 200
    assert Organisation.objects.count() == 1
    assert response.context["adminform"].form.errors


def test_an_overlapping_mandate_is_refused_with_a_french_error(admin_client, commission):
    existing = seat_member(commission, SectionKind.SOCIAL, start=datetime.date(2024, 1, 1))
    newcomer = PersonFactory(last_name="Nouveau")

    response = admin_client.post(
        reverse("admin:commissions_mandate_add"),
        post_data(
            seat=existing.seat.pk,
            role=Mandate.Role.TITULAR,
            person=newcomer.pk,
            start="01/06/2025",
            end=None,
            opened_by=None,
            closed_by=None,
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["start"] == [
        f"Ce siège a déjà un titulaire sur cette période : {existing.person.display_name}, "
        "du 01/01/2024 sans date de fin."
    ]
    assert Mandate.objects.count() == 1


def test_a_mandate_after_the_previous_one_ends_is_saved(admin_client, commission):
    existing = seat_member(
        commission, SectionKind.SOCIAL, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )

    response = admin_client.post(
        reverse("admin:commissions_mandate_add"),
        post_data(
            seat=existing.seat.pk,
            role=Mandate.Role.TITULAR,
            person=PersonFactory().pk,
            start="01/01/2025",
            end=None,
            opened_by=None,
            closed_by=None,
        ),
    )

    assert response.status_code == 302
    assert Mandate.objects.filter(seat=existing.seat).count() == 2


def seat_form(seat, mandates: list[dict], initial: int = 0) -> dict:
    data = post_data(
        section=seat.section_id,
        organisation=seat.organisation_id,
        position=seat.position,
        opened_on=None,
        closed_on=None,
        **management_form("mandates", len(mandates), initial),
    )
    for index, mandate in enumerate(mandates):
        data.update(post_data(**{f"mandates-{index}-{key}": value for key, value in mandate.items()}))
        data.setdefault(f"mandates-{index}-seat", seat.pk)
    return data


def test_two_overlapping_mandates_added_together_on_a_seat_are_refused(admin_client, commission):
    seat = SeatFactory(section=commission.sections.get(kind=SectionKind.SOCIAL))
    first, second = PersonFactory(last_name="Kern"), PersonFactory(last_name="Roussel")

    response = admin_client.post(
        reverse("admin:commissions_seat_change", args=[seat.pk]),
        seat_form(
            seat,
            [
                {"id": None, "role": "titulaire", "person": first.pk, "start": "01/01/2025", "end": None},
                {"id": None, "role": "titulaire", "person": second.pk, "start": "01/06/2025", "end": "31/12/2025"},
            ],
        ),
    )

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.non_form_errors() == [
        f"Deux mandats de titulaire de ce siège se chevauchent : {first.display_name} et {second.display_name}."
    ]
    assert Mandate.objects.count() == 0


def test_an_overlap_with_a_saved_mandate_is_refused_in_the_seat_form(admin_client, commission):
    existing = seat_member(commission, SectionKind.SOCIAL, start=datetime.date(2024, 1, 1))
    saved = {
        "id": existing.pk,
        "role": "titulaire",
        "person": existing.person.pk,
        "start": "01/01/2024",
        "end": None,
    }
    new = {"id": None, "role": "titulaire", "person": PersonFactory().pk, "start": "01/01/2025", "end": None}

    response = admin_client.post(
        reverse("admin:commissions_seat_change", args=[existing.seat.pk]),
        seat_form(existing.seat, [saved, new], initial=1),
    )

    assert response.status_code == 200
    assert "Ce siège a déjà un titulaire sur cette période" in response.content.decode()
    assert Mandate.objects.count() == 1


def test_a_titular_and_a_substitute_are_added_together_on_a_seat(admin_client, commission):
    seat = SeatFactory(section=commission.sections.get(kind=SectionKind.SOCIAL))

    response = admin_client.post(
        reverse("admin:commissions_seat_change", args=[seat.pk]),
        seat_form(
            seat,
            [
                {"id": None, "role": "titulaire", "person": PersonFactory().pk, "start": "01/01/2025", "end": None},
                {"id": None, "role": "suppleant", "person": PersonFactory().pk, "start": "01/01/2025", "end": None},
            ],
        ),
    )

    assert response.status_code == 302
    assert sorted(seat.mandates.values_list("role", flat=True)) == ["suppleant", "titulaire"]


def test_an_overlapping_section_presidency_is_refused(admin_client, commission, presidents):
    social, _ = presidents
    section = commission.sections.get(kind=SectionKind.SOCIAL)

    response = admin_client.post(
        reverse("admin:commissions_sectionpresidency_add"),
        post_data(section=section.pk, person=social.pk, start="01/01/2025", end=None),
    )

    assert response.status_code == 200
    assert (
        response.context["adminform"]
        .form.errors["start"][0]
        .startswith("La section a déjà un président sur cette période")
    )
    assert SectionPresidency.objects.filter(section=section).count() == 1


def test_a_designation_of_someone_outside_the_section_is_refused(admin_client, commission, presidents):
    social, professional = presidents
    outsider = PersonFactory(last_name="Dehors")

    response = admin_client.post(
        reverse("admin:commissions_presidencydesignation_add"),
        post_data(
            commission=commission.pk,
            year=2026,
            president=outsider.pk,
            president_section=SectionKind.PROFESSIONAL,
            vice_president=social.pk,
            designated_on="15/01/2026",
            note="",
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["president"] == [
        f"{outsider.display_name} ne siège pas dans la section professionnelle au 15/01/2026."
    ]
    assert not PresidencyDesignation.objects.exists()


def test_a_commission_added_in_the_admin_has_its_two_sections(admin_client, db):
    response = admin_client.post(
        reverse("admin:commissions_commission_add"),
        post_data(
            name="CPD Var LPP",
            slug="cpd-var",
            level=Commission.Level.CPD,
            profession="Fournisseurs LPP",
            territory="Var",
            time_zone="Europe/Paris",
            presidency_article="",
            presidency_reference_year=None,
            presidency_reference_section="",
            secretariat_organisation=None,
            secretariat_department="",
            **management_form("sections", 0),
            **management_form("presidency_articles", 0),
        ),
    )

    assert response.status_code == 302
    commission = Commission.objects.get(slug="cpd-var")
    assert sorted(commission.sections.values_list("kind", flat=True)) == sorted(SectionKind.values)
    assert Section.objects.filter(commission=commission).count() == 2


def test_an_incomplete_presidency_rule_is_refused(admin_client, db):
    response = admin_client.post(
        reverse("admin:commissions_commission_add"),
        post_data(
            name="CPD Var LPP",
            slug="cpd-var",
            level=Commission.Level.CPD,
            profession="Fournisseurs LPP",
            territory="Var",
            time_zone="Europe/Paris",
            presidency_article="",
            presidency_reference_year=2024,
            presidency_reference_section="",
            secretariat_organisation=None,
            secretariat_department="",
            **management_form("sections", 0),
        ),
    )

    assert response.status_code == 200
    assert not Commission.objects.filter(slug="cpd-var").exists()


def test_a_composition_change_records_who_added_it(admin_client, admin_user, commission):
    response = admin_client.post(
        reverse("admin:commissions_compositionchange_add"),
        post_data(commission=commission.pk, effective_on="01/02/2026", approved_on=None, description="Démission"),
    )

    assert response.status_code == 302
    assert CompositionChange.objects.get().created_by == admin_user


def test_a_person_links_to_an_account_through_autocomplete(admin_client, admin_user, db):
    person = PersonFactory(last_name="Kern")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "person", "field_name": "user", "term": "adm"},
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["admin"]
    assert Person.objects.get(pk=person.pk).user is None
