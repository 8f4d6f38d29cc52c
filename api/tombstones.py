"""Tombstones: a row for each deleted object of the API, written in the deletion's own transaction.

Connected in ApiConfig.ready to `pre_delete` of the models the API gives: the signal comes inside the deletion's
transaction (a refused deletion leaves no tombstone) and before any row of a cascade is gone, so that the
commission of an agenda item or a mandate can still be read. Nothing below the API knows of it.
"""

from django.db.models.signals import pre_delete

from commissions.composition.models import Commission, Mandate, Seat, Section
from commissions.meetings.models import AgendaItem, Meeting
from members.models import Organisation, Person
from stats.models import StatTable
from supports.models import SupportRender

from .models import Tombstone


def _commission_of_meeting(meeting_id: int) -> int | None:
    return Meeting.objects.filter(pk=meeting_id).values_list("commission_id", flat=True).first()


# model → (kind, the commission id of an instance about to be deleted)
COMMISSION_OF = {
    Commission: (Tombstone.Kind.BODY, lambda obj: obj.pk),
    Section: (Tombstone.Kind.SECTION, lambda obj: obj.commission_id),
    Seat: (
        Tombstone.Kind.POST,
        lambda obj: Section.objects.filter(pk=obj.section_id).values_list("commission_id", flat=True).first(),
    ),
    Mandate: (
        Tombstone.Kind.MEMBERSHIP,
        lambda obj: Seat.objects.filter(pk=obj.seat_id).values_list("section__commission_id", flat=True).first(),
    ),
    Meeting: (Tombstone.Kind.MEETING, lambda obj: obj.commission_id),
    AgendaItem: (Tombstone.Kind.AGENDA_ITEM, lambda obj: _commission_of_meeting(obj.meeting_id)),
    SupportRender: (Tombstone.Kind.FILE, lambda obj: _commission_of_meeting(obj.meeting_id)),
    StatTable: (Tombstone.Kind.TABLE, lambda obj: obj.commission_id),
    # Shared between commissions: no commission (see DeletedViewSet).
    Organisation: (Tombstone.Kind.ORGANIZATION, lambda obj: None),
    Person: (Tombstone.Kind.PERSON, lambda obj: None),
}


def record_deletion(sender, instance, **kwargs) -> None:
    kind, commission_of = COMMISSION_OF[sender]
    Tombstone.objects.create(kind=kind, object_id=instance.pk, commission_id=commission_of(instance))


def connect() -> None:
    for model in COMMISSION_OF:
        pre_delete.connect(record_deletion, sender=model, dispatch_uid=f"api:tombstone:{model.__name__}")
