"""Meetings, their agenda, attendance and convocation: one function per business rule.

Views, the admin and tasks call these. Each validates before writing and
raises ValidationError with French messages. Rich text goes through
`sanitize_html` here, and only here.
"""

import datetime
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Person
from portal import generations

from .models import Commission, Mandate, SectionKind
from .models_meetings import (
    AGENDA_MAX_LEVEL,
    AgendaAttachment,
    AgendaItem,
    Attendance,
    CalendarToken,
    ContentBlock,
    ConvocationDelivery,
    Meeting,
    format_number,
)
from .presidency import PresidencyUnknown, presidency_for
from .sanitize import sanitize_html

logger = logging.getLogger(__name__)

MEETING_FIELDS = (
    "kind",
    "title",
    "date",
    "start_time",
    "end_time",
    "place",
    "video_link",
    "presided_by",
    "next_meeting_note",
)


# Meetings


def default_president(commission: Commission, day: datetime.date) -> Person | None:
    """Who presides a session on that day by the presidency rule (None when it cannot be told)."""
    try:
        return presidency_for(commission, on=day).president
    except PresidencyUnknown:
        return None


@transaction.atomic
def meeting_create(*, commission: Commission, date: datetime.date, start_time: datetime.time, **fields) -> Meeting:
    """A planned meeting; a session is presided by default by the president the presidency rule gives."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(commission=commission, date=date, start_time=start_time, **fields)
    if meeting.presided_by_id is None and meeting.kind == Meeting.Kind.SESSION:
        meeting.presided_by = default_president(commission, date)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, status: str | None = None, **fields) -> Meeting:
    """Change a meeting's details; the status may move to held or closed (convening has its own function)."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().select_related("commission").get(pk=meeting.pk)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if status is not None and status != meeting.status:
        if status == Meeting.Status.CONVENED:
            raise ValidationError({"status": "Une réunion est convoquée par l'envoi de la convocation."})
        if status == Meeting.Status.PLANNED and meeting.status != Meeting.Status.PLANNED:
            raise ValidationError({"status": "Une réunion convoquée ou tenue ne peut revenir à l'état « prévue »."})
        meeting.status = status
    meeting.full_clean()
    meeting.save()
    return meeting


# Agenda


@dataclass
class AgendaNode:
    item: AgendaItem
    number: str
    depth: int
    children: list["AgendaNode"] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False


def agenda_tree(meeting: Meeting) -> list[AgendaNode]:
    """The agenda as a numbered tree, from one query (attachments prefetched)."""
    items = list(AgendaItem.objects.filter(meeting=meeting).prefetch_related("attachments").order_by("position"))
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id: int | None, prefix: list[int]) -> list[AgendaNode]:
        siblings = by_parent.get(parent_id, [])
        nodes = []
        for rank, item in enumerate(siblings, start=1):
            ranks = [*prefix, rank]
            item._number = format_number(ranks)
            node = AgendaNode(item=item, number=item._number, depth=len(ranks))
            node.is_first = rank == 1
            node.is_last = rank == len(siblings)
            node.children = build(item.pk, ranks)
            nodes.append(node)
        return nodes

    return build(None, [])


def agenda_flat(meeting: Meeting) -> list[AgendaNode]:
    """The agenda tree in reading order (01, 1.1, 1.1.1, 1.2, 02 …)."""
    result: list[AgendaNode] = []

    def walk(nodes: list[AgendaNode]) -> None:
        for node in nodes:
            result.append(node)
            walk(node.children)

    walk(agenda_tree(meeting))
    return result


def _siblings(meeting: Meeting, parent_id: int | None):
    return AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).order_by("position", "id")


def _renumber(ordered: list[AgendaItem]) -> None:
    """Give siblings the positions 1..n in that order, without ever breaking the unique (parent, position)."""
    if not ordered:
        return
    # Row by row in two passes: PostgreSQL checks a non-deferrable unique index at each row.
    top = max(item.position for item in ordered) + len(ordered) + 1
    for offset, item in enumerate(ordered):
        AgendaItem.objects.filter(pk=item.pk).update(position=top + offset)
    for rank, item in enumerate(ordered, start=1):
        AgendaItem.objects.filter(pk=item.pk).update(position=rank)
        item.position = rank


def _subtree_height(item: AgendaItem) -> int:
    """0 for a leaf, 1 when it has children, 2 with grandchildren."""
    children = list(item.children.all())
    if not children:
        return 0
    return 1 + max(_subtree_height(child) for child in children)


def _set_levels(item: AgendaItem, level: int) -> None:
    AgendaItem.objects.filter(pk=item.pk).update(level=level)
    item.level = level
    for child in item.children.all():
        _set_levels(child, level + 1)


def _lock_agenda(meeting: Meeting) -> Meeting:
    # Agenda edits of one meeting are serialised on the meeting row. They renumber items with update(), which
    # sends no signal: the commission's cached meeting pages are let go here (portal.generations).
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    generations.bump(generations.part_of(generations.MEETINGS, locked.commission_id))
    return locked


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    parent: AgendaItem | None = None,
    speaker: str = "",
    content: str = "",
) -> AgendaItem:
    """A new item at the end of the agenda, or at the end of a parent's sub-items."""
    _lock_agenda(meeting)
    level = 1
    if parent is not None:
        if parent.meeting_id != meeting.pk:
            raise ValidationError({"parent": "Ce point n'appartient pas à cette réunion."})
        level = parent.level + 1
        if level > AGENDA_MAX_LEVEL:
            raise ValidationError({"parent": f"L'ordre du jour compte au plus {AGENDA_MAX_LEVEL} niveaux."})
    last = _siblings(meeting, parent.pk if parent else None).aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        parent=parent,
        level=level,
        position=last + 1,
        title=title.strip(),
        speaker=speaker,
        content=sanitize_html(content),
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, title: str, speaker: str = "", content: str = "") -> AgendaItem:
    _lock_agenda(item.meeting)
    item.title = title.strip()
    item.speaker = speaker
    item.content = sanitize_html(content)
    item.full_clean()
    item.save(update_fields=["title", "speaker", "content", "updated_at"])
    return item


class Move:
    UP = "up"
    DOWN = "down"
    INDENT = "indent"
    OUTDENT = "outdent"
    ALL = (UP, DOWN, INDENT, OUTDENT)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item up or down among its siblings, under its previous sibling (indent) or beside its parent.

    The numbering follows, since it is computed from the positions.
    """
    if direction not in Move.ALL:
        raise ValidationError("Déplacement inconnu.")
    meeting = _lock_agenda(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    siblings = list(_siblings(meeting, item.parent_id))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)

    if direction in (Move.UP, Move.DOWN):
        target = index - 1 if direction == Move.UP else index + 1
        if not 0 <= target < len(siblings):
            where = "en tête" if direction == Move.UP else "en dernière position"
            raise ValidationError(f"Le point est déjà {where}.")
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
    elif direction == Move.INDENT:
        if index == 0:
            raise ValidationError("Le premier point d'un niveau ne peut devenir un sous-point : aucun point au-dessus.")
        new_parent = siblings[index - 1]
        if new_parent.level + 1 + _subtree_height(item) > AGENDA_MAX_LEVEL:
            raise ValidationError(f"L'ordre du jour compte au plus {AGENDA_MAX_LEVEL} niveaux.")
        children = list(_siblings(meeting, new_parent.pk))
        top = max([child.position for child in children], default=0) + 1
        AgendaItem.objects.filter(pk=item.pk).update(parent=new_parent, position=top, level=new_parent.level + 1)
        item.parent, item.position = new_parent, top
        _set_levels(item, new_parent.level + 1)
        _renumber([*children, item])
        _renumber([sibling for sibling in siblings if sibling.pk != item.pk])
    else:
        if item.parent_id is None:
            raise ValidationError("Ce point est déjà au premier niveau.")
        parent = item.parent
        uncles = list(_siblings(meeting, parent.parent_id))
        top = max(uncle.position for uncle in uncles) + 1
        AgendaItem.objects.filter(pk=item.pk).update(parent=parent.parent, position=top, level=parent.level)
        item.parent, item.position = parent.parent, top
        _set_levels(item, parent.level)
        at = next(i for i, uncle in enumerate(uncles) if uncle.pk == parent.pk)
        uncles.insert(at + 1, item)
        _renumber(uncles)
        _renumber([sibling for sibling in siblings if sibling.pk != item.pk])
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    """Delete an item with its sub-items and attachments; the following items are renumbered."""
    meeting = _lock_agenda(item.meeting)
    parent_id = item.parent_id
    files = [attachment.file for attachment in AgendaAttachment.objects.filter(item__in=_descendants_and_self(item))]
    item.delete()
    _renumber(list(_siblings(meeting, parent_id)))
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))


def _descendants_and_self(item: AgendaItem) -> list[int]:
    ids = [item.pk]
    for child in item.children.all():
        ids.extend(_descendants_and_self(child))
    return ids


@transaction.atomic
def agenda_attachment_add(*, item: AgendaItem, upload, user=None) -> AgendaAttachment:
    name = (upload.name or "fichier").rsplit("/", 1)[-1][:255]
    attachment = AgendaAttachment(item=item, original_name=name, uploaded_by=user)
    attachment.file.save(name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def agenda_attachment_delete(*, attachment: AgendaAttachment) -> None:
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


def content_blocks_for(commission: Commission):
    """The library blocks usable in a commission: its own and the common ones."""
    from django.db.models import Q

    return ContentBlock.objects.filter(Q(commission=commission) | Q(commission__isnull=True)).order_by("title")


@transaction.atomic
def agenda_item_insert_block(*, item: AgendaItem, block: ContentBlock) -> AgendaItem:
    """Append a library block's content to an item's content (a copy: later edits of the block do not follow)."""
    if block.commission_id not in (None, item.meeting.commission_id):
        raise ValidationError("Ce bloc n'appartient pas à cette commission.")
    return agenda_item_update(
        item=item,
        title=item.title,
        speaker=item.speaker,
        content="\n".join(part for part in (item.content, block.content) if part),
    )


@transaction.atomic
def content_block_save(
    *, commission: Commission | None, title: str, content: str, block: ContentBlock | None = None
) -> ContentBlock:
    block = block or ContentBlock(commission=commission)
    block.title = title.strip()
    block.content = sanitize_html(content)
    block.full_clean()
    block.save()
    return block


# Attendance and quorum


@dataclass
class MemberRow:
    person: Person
    section_kind: str
    role: str
    organisation: str
    seat_id: int
    attendance: Attendance | None = None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""


def meeting_members(meeting: Meeting) -> list[MemberRow]:
    """The members of the commission on the meeting's date, social section first, titulars before substitutes."""
    mandates = (
        Mandate.objects.current_on(meeting.date)
        .filter(seat__section__commission_id=meeting.commission_id)
        .select_related("person", "seat__section", "seat__organisation")
        .order_by("-seat__section__kind", "seat__position", "seat_id", "-role")
    )
    attendances = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows, seen = [], set()
    for mandate in mandates:
        if mandate.person_id in seen:
            continue
        seen.add(mandate.person_id)
        rows.append(
            MemberRow(
                person=mandate.person,
                section_kind=mandate.seat.section.kind,
                role=mandate.role,
                organisation=mandate.seat.organisation.acronym,
                seat_id=mandate.seat_id,
                attendance=attendances.get(mandate.person_id),
            )
        )
    return rows


@transaction.atomic
def attendance_record(*, meeting: Meeting, person: Person, status: str) -> Attendance:
    """Record (or change) a member's attendance; only members of the commission on that day are accepted."""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Statut de présence inconnu."})
    is_member = (
        Mandate.objects.current_on(meeting.date)
        .filter(seat__section__commission_id=meeting.commission_id, person=person)
        .exists()
    )
    if not is_member:
        raise ValidationError(
            {"person": f"{person.display_name} n'est pas membre de la commission le {meeting.date:%d/%m/%Y}."}
        )
    attendance, _ = Attendance.objects.update_or_create(meeting=meeting, person=person, defaults={"status": status})
    return attendance


@dataclass
class SectionQuorum:
    section_kind: str
    seats: int
    voting: int
    required: int | None

    @property
    def label(self) -> str:
        return SectionKind(self.section_kind).label

    @property
    def reached(self) -> bool | None:
        return None if self.required is None else self.voting >= self.required


VOTING_TITULAR = {Attendance.Status.PRESENT, Attendance.Status.REPRESENTED}


# Convocation


@transaction.atomic
def meeting_convene(*, meeting: Meeting) -> Meeting:
    """Mark the meeting convened and send the convocation to every current member once the transaction commits.

    Convening again (after a change of time or place) sends a new convocation that replaces the first one.
    """
    meeting = Meeting.objects.select_for_update().select_related("commission").get(pk=meeting.pk)
    if meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.CONVENED):
        raise ValidationError(f"Une réunion {meeting.get_status_display().lower()} ne peut plus être convoquée.")
    if meeting.is_past():
        raise ValidationError("La réunion est passée : on ne peut pas convoquer à une date déjà échue.")
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        raise ValidationError("L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer la convocation.")
    meeting.status = Meeting.Status.CONVENED
    meeting.convened_at = timezone.now()
    meeting.convocation_round += 1
    meeting.save(update_fields=["status", "convened_at", "convocation_round", "updated_at"])

    from .tasks import send_convocation

    transaction.on_commit(lambda: send_convocation.delay(meeting.pk))
    return meeting


def convocation_recipients(meeting: Meeting) -> list[Person]:
    """Current members of the commission on the meeting's date who have an e-mail address."""
    return [row.person for row in meeting_members(meeting) if row.person.email]


def _uid(meeting: Meeting) -> str:
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "portail-commissions"
    return f"reunion-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting, *, agenda: list[AgendaNode] | None = None) -> icalendar.Event:
    """The meeting as an iCalendar event, its times in the commission's time zone (TZID)."""
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.commission.name} — {meeting.title or meeting.get_kind_display().split(' (')[0]}")
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add("sequence", max(meeting.convocation_round - 1, 0))
    event.add("status", "CONFIRMED" if meeting.status != Meeting.Status.PLANNED else "TENTATIVE")
    if agenda:
        event.add("description", "Ordre du jour :\n" + "\n".join(f"{n.number} {n.item.title}" for n in agenda))
    return event


def meetings_calendar(meetings, *, name: str, method: str | None = None, events=None) -> bytes:
    """An iCalendar file with the meetings' events and the VTIMEZONE of every time zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Assurance Maladie//Portail des commissions paritaires//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    for event in events if events is not None else [meeting_event(meeting) for meeting in meetings]:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def convocation_message(meeting: Meeting, person: Person, agenda: list[AgendaNode]) -> EmailMessage:
    context = {
        "meeting": meeting,
        "commission": meeting.commission,
        "person": person,
        "agenda": agenda,
        "url": settings.PORTAL_BASE_URL + meeting.get_absolute_url(),
    }
    subject = f"Convocation — {meeting.commission.name} — {meeting.date:%d/%m/%Y}"
    if meeting.convocation_round > 1:
        subject = f"Convocation modifiée — {meeting.commission.name} — {meeting.date:%d/%m/%Y}"
    body = render_to_string("commissions/meeting_convocation_email.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[person.email])
    event = meeting_event(meeting, agenda=agenda)
    organizer = icalendar.vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organizer.params["cn"] = icalendar.vText("Secrétariat des commissions")
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = icalendar.vText(person.display_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    ics = meetings_calendar([meeting], name=meeting.commission.name, method="REQUEST", events=[event])
    message.attach("convocation.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
    return message


def _address(from_email: str) -> str:
    return from_email.rsplit("<", 1)[-1].rstrip(">").strip()


def convocation_deliver(*, meeting: Meeting) -> int:
    """Send the current convocation round to every recipient not yet sent to; returns how many were sent.

    Each recipient's row is claimed with a conditional update before sending,
    so that the same task delivered twice, or run twice at once, sends nothing twice.
    """
    meeting = Meeting.objects.select_related("commission").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.CONVENED or meeting.convocation_round == 0:
        return 0
    agenda = agenda_flat(meeting)
    sent = 0
    for person in convocation_recipients(meeting):
        try:
            delivery, _ = ConvocationDelivery.objects.get_or_create(
                meeting=meeting, round=meeting.convocation_round, person=person, defaults={"email": person.email}
            )
        except IntegrityError:
            delivery = ConvocationDelivery.objects.get(meeting=meeting, round=meeting.convocation_round, person=person)
        claimed = ConvocationDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if claimed != 1:
            continue
        try:
            convocation_message(meeting, person, agenda).send()
        except Exception:
            # Release the claim so that a later run sends it; the others still go out.
            ConvocationDelivery.objects.filter(pk=delivery.pk).update(sent_at=None)
            logger.exception("Convocation to %s for meeting %s failed", person.email, meeting.pk)
            continue
        sent += 1
    return sent


# Calendar tokens


def calendar_token_active(user) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked__isnull=True).first()


@transaction.atomic
def calendar_token_create(*, user) -> CalendarToken:
    """A new feed token for the user; the previous one is revoked (its addresses stop working)."""
    calendar_token_revoke(user=user)
    return CalendarToken.objects.create(user=user)


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
