"""Factories for test data: small, explicit, one per model."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from pypdf import PdfWriter

from commissions.composition.models import Commission, Mandate, Seat, Section, SectionKind, SectionPresidency
from commissions.meetings.models import Meeting
from members.models import Organisation, Person
from supports.models import SupportRender


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("motdepasse-solide")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda org: f"Organisation {org.acronym}")
    kind = Organisation.Kind.UNION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    civility = Person.Civility.MME
    last_name = factory.Sequence(lambda n: f"NOM{n}")
    first_name = "Claire"
    email = factory.LazyAttribute(lambda person: f"{person.last_name.lower()}@example.org")


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Commission {n}")
    slug = factory.Sequence(lambda n: f"commission-{n}")
    level = Commission.Level.CPR
    profession = "Fournisseurs LPP titres I et IV"
    territory = "PACA–Corse"
    presidency_article = "article 48 paragraphe 1"
    presidency_reference_year = 2024
    presidency_reference_section = SectionKind.PROFESSIONAL

    @factory.post_generation
    def sections(commission, create, extracted, **kwargs):
        if create:
            for kind in SectionKind:
                Section.objects.get_or_create(commission=commission, kind=kind)


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    section = factory.LazyFunction(lambda: CommissionFactory().sections.get(kind=SectionKind.SOCIAL))
    organisation = factory.SubFactory(OrganisationFactory)


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    seat = factory.SubFactory(SeatFactory)
    role = Mandate.Role.TITULAR
    person = factory.SubFactory(PersonFactory)
    start = datetime.date(2024, 1, 1)
    end = None


class SectionPresidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionPresidency

    start = datetime.date(2024, 1, 1)
    end = None


def seat_member(
    commission: Commission, kind: str, *, person: Person | None = None, user=None, **mandate_fields
) -> Mandate:
    """A titular mandate in a new seat of the commission's section, optionally tied to a user."""
    person = person or PersonFactory(user=user)
    if user is not None and person.user_id is None:
        person.user = user
        person.save()
    seat = SeatFactory(section=commission.sections.get(kind=kind))
    return MandateFactory(seat=seat, person=person, **mandate_fields)


def make_session(commission: Commission, day: datetime.date, **fields) -> Meeting:
    """A session of the commission at 14:00 on the day, created without its standard agenda items; held when the
    day is past (its RDD can then be submitted), planned otherwise."""
    if day < datetime.date.today():
        fields.setdefault("status", Meeting.Status.HELD)
    return Meeting.objects.create(
        commission=commission, date=day, start_time=datetime.time(14, 0), kind=Meeting.Kind.SESSION, **fields
    )


def one_page_pdf(width: int = 595, height: int = 842) -> bytes:
    """A real PDF of one blank page (A4 by default): what pypdf opens, as an upload check wants."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ready_support(meeting: Meeting, digit: str = "0") -> SupportRender:
    """A ready rendering of the meeting's convocation support, made now (no file is written; the inputs' hash is
    `digit` repeated, which no real context gives)."""
    return SupportRender.objects.create(
        meeting=meeting,
        status=SupportRender.Status.READY,
        inputs_hash=digit * 64,
        file=f"supports/{digit}.pdf",
        sha256="f" * 64,
        page_count=3,
    )
