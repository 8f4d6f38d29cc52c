"""Names as the documents write them: a first name typed in lower or upper case is capitalised."""

import pytest

from members.models import Person, capitalised_first_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("jean", "Jean"),
        ("jean-pierre", "Jean-Pierre"),
        ("MARIE CLAIRE", "Marie Claire"),
        ("  élodie  ", "Élodie"),
        ("Anne-Sophie", "Anne-Sophie"),
        ("McLeod", "McLeod"),
        ("", ""),
    ],
)
def test_first_names_typed_in_one_case_are_capitalised(typed, kept):
    assert capitalised_first_name(typed) == kept


@pytest.mark.django_db
def test_a_person_saved_with_a_lower_case_first_name_is_named_as_the_documents_do():
    person = Person.objects.create(civility="M.", last_name="Dupont", first_name="jean")

    person.refresh_from_db()
    assert person.first_name == "Jean"
    assert person.display_name == "M. DUPONT Jean"
