"""The meeting's lifecycle, and the lock its record of decisions puts on the facts it states.

A meeting moves prévue → convoquée → tenue → close, or is annulée or reportée (a postponed meeting is convened
again at its new date). The moves the secretariat may make are one table, `TRANSITIONS`, checked by every
function that changes the status; `meeting_advance` (Celery beat, and every RDD action) turns a convened meeting
whose start has passed in its commission's time zone into "tenue". An information meeting has no RDD: the
secretariat closes it. A session is closed by the approval of its RDD.

`Meeting.record_lock` is the higher app's state stored on this lower room's model: only the decisions app's
services set it, through `meeting_lock_record`. From the RDD's submission the date, times, place, presiding
person, agenda and attendance are locked (sending the RDD back reopens them); from its approval they never
change again (a correction is a new version of the RDD, which reopens them for that version). Every write of
those facts asks `require_open` first — services, forms and admin alike — and on PostgreSQL triggers refuse the
same writes made past the portal (decisions/migrations/0004_meeting_lock_triggers.py).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal import generations

from .models import Meeting

Status = Meeting.Status
Lock = Meeting.RecordLock

# The facts of a meeting that its RDD states: the meeting's own fields here, its agenda and attendance below.
LOCKED_FIELDS = ("kind", "date", "start_time", "end_time", "place", "presided_by")


class Fact:
    """What a refused write wanted to change, as the refusal names it: (what, "ne peut"/"ne peuvent")."""

    DETAILS = ("la date, l'horaire, le lieu ou la présidence de la séance", "ne peuvent plus changer")
    AGENDA = ("l'ordre du jour", "ne peut plus changer")
    ATTENDANCE = ("les présences", "ne peuvent plus changer")


class MeetingLocked(ValidationError):
    """A write of a fact that the meeting's RDD holds (a French message says why and what to do)."""


# action: (the statuses it starts from, the status it leads to, how the refusal names it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "convene": (frozenset({Status.PLANNED, Status.CONVENED, Status.POSTPONED}), Status.CONVENED, "convoquée"),
    "hold": (frozenset({Status.PLANNED, Status.CONVENED}), Status.HELD, "marquée comme tenue"),
    "close": (frozenset({Status.HELD}), Status.CLOSED, "close"),
    "cancel": (frozenset({Status.PLANNED, Status.CONVENED, Status.POSTPONED}), Status.CANCELLED, "annulée"),
    "postpone": (frozenset({Status.PLANNED, Status.CONVENED}), Status.POSTPONED, "reportée"),
}


def transition_target(meeting: Meeting, action: str) -> str:
    """The status `action` leads the meeting to; ValidationError (French) when its current status forbids it."""
    sources, target, label = TRANSITIONS[action]
    if meeting.status not in sources:
        raise ValidationError(
            f"Une réunion au statut « {meeting.get_status_display().lower()} » ne peut pas être {label}.",
            code="meeting_transition",
        )
    return target


def allowed_statuses(meeting: Meeting) -> list[str]:
    """The statuses the meeting's form offers: its own, and those the secretariat may set by hand."""
    statuses = [meeting.status]
    for action in ("hold", "close"):
        sources, target, _ = TRANSITIONS[action]
        if meeting.status in sources and (action != "close" or not meeting.is_session):
            statuses.append(target)
    return statuses


def require_open(meeting: Meeting, fact: tuple[str, str] = Fact.DETAILS) -> None:
    """Refuse a write of `fact` while the meeting's RDD holds it, saying why and what to do."""
    what, cannot = fact
    if meeting.record_lock == Lock.SUBMITTED:
        raise MeetingLocked(
            f"Le relevé de décisions de cette séance est soumis : renvoyez-le au secrétariat pour modifier {what}.",
            code="meeting_locked",
        )
    if meeting.record_lock == Lock.APPROVED:
        raise MeetingLocked(
            f"Le relevé de décisions de cette séance est approuvé : {what} {cannot}. "
            "Une correction passe par une nouvelle version du relevé.",
            code="meeting_frozen",
        )


def require_fields_open(meeting: Meeting, changes: dict) -> None:
    """Refuse a change of a locked field's value (the other fields, and the same values, pass)."""
    if not meeting.is_locked:
        return
    for name in LOCKED_FIELDS:
        if name in changes and _value(meeting, name) != _value_of(changes[name]):
            require_open(meeting, Fact.DETAILS)


def _value(meeting: Meeting, name: str):
    return meeting.presided_by_id if name == "presided_by" else getattr(meeting, name)


def _value_of(value):
    return getattr(value, "pk", value)


def _forget_pages(commission_ids: Iterable[int]) -> None:
    # Status changes made with update() send no signal: the commissions' cached meeting pages are let go here.
    for commission_id in set(commission_ids):
        generations.bump(generations.part_of(generations.MEETINGS, commission_id))


def meeting_advance(*, meetings: Iterable[Meeting] | None = None, now: datetime.datetime | None = None) -> int:
    """Turn convened meetings whose start has passed (in their commission's time zone) into held ones.

    Run by Celery beat for every meeting, and by every RDD action for its own meeting. Returns how many moved;
    safe to run twice at once (the update is conditional on the status).
    """
    now = now or timezone.now()
    candidates = Meeting.objects.filter(status=Status.CONVENED).select_related("commission")
    if meetings is not None:
        candidates = candidates.filter(pk__in=[meeting.pk for meeting in meetings])
    else:
        # No time zone is more than a day ahead of UTC: later dates cannot have started.
        candidates = candidates.filter(date__lte=(now + datetime.timedelta(days=1)).date())
    due = [meeting for meeting in candidates if meeting.starts_at <= now]
    if not due:
        return 0
    with transaction.atomic():
        moved = Meeting.objects.filter(pk__in=[meeting.pk for meeting in due], status=Status.CONVENED).update(
            status=Status.HELD, updated_at=now
        )
        _forget_pages(meeting.commission_id for meeting in due)
    return moved


def _locked_row(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("commission").get(pk=meeting.pk)


def meeting_set_status(*, meeting: Meeting, status: str) -> Meeting:
    """The secretariat marks a meeting held (once started) or closes an information meeting (the form's status)."""
    actions = {Status.HELD: "hold", Status.CLOSED: "close"}
    if status == Status.CONVENED:
        raise ValidationError({"status": "Une réunion est convoquée par l'envoi de la convocation."})
    if status == Status.PLANNED:
        raise ValidationError({"status": "Une réunion convoquée ou tenue ne peut revenir à l'état « prévue »."})
    if status not in actions:
        raise ValidationError({"status": "Annulez ou reportez la réunion par son bouton, qui prévient les membres."})
    with transaction.atomic():
        meeting = _locked_row(meeting)
        if meeting.status == status:
            return meeting
        target = transition_target(meeting, actions[status])
        if target == Status.HELD and not meeting.is_past():
            raise ValidationError({"status": "La réunion n'a pas encore commencé : elle ne peut pas être tenue."})
        if target == Status.CLOSED and meeting.is_session:
            raise ValidationError({"status": "Une séance est close par l'approbation de son relevé de décisions."})
        meeting.status = target
        meeting.save(update_fields=["status", "updated_at"])
    return meeting


def _call_off(*, meeting: Meeting, action: str, reason: str) -> Meeting:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif : il est repris dans l'e-mail envoyé aux membres."})
    with transaction.atomic():
        meeting = _locked_row(meeting)
        meeting.status = transition_target(meeting, action)
        meeting.status_note = reason[:300]
        # A new revision of the calendar entry: the feed shows it cancelled at once, the notice's CANCEL replaces it.
        meeting.calendar_sequence += 1
        fields = ["status", "status_note", "calendar_sequence", "updated_at"]
        if meeting.convocation_round:
            # The members were convened: a new round tells them (the .ics cancels the calendar entry).
            meeting.convocation_round += 1
            fields.append("convocation_round")
        meeting.full_clean()
        meeting.save(update_fields=fields)
        if meeting.convocation_round:
            from .convocation import convocation_send  # here: convocation imports this module (transitions)

            convocation_send(meeting)
    return meeting


def meeting_cancel(*, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting not yet held; the members already convened are told by e-mail."""
    return _call_off(meeting=meeting, action="cancel", reason=reason)


def meeting_postpone(*, meeting: Meeting, reason: str) -> Meeting:
    """Postpone a meeting not yet held; the members already convened are told, and convened again at the new date."""
    return _call_off(meeting=meeting, action="postpone", reason=reason)


@transaction.atomic
def meeting_lock_record(*, meeting: Meeting, lock: str) -> Meeting:
    """Set how far the meeting's RDD holds its facts. Called by the decisions app's services only.

    SUBMITTED when the RDD is submitted, OPEN when it is sent back or corrected by a new version, APPROVED (and
    the session closed) when both presidents have approved it.
    """
    meeting = _locked_row(meeting)
    if lock != Lock.OPEN and (not meeting.is_session or meeting.status not in (Status.HELD, Status.CLOSED)):
        raise ValidationError("Seule une séance tenue a un relevé de décisions à soumettre ou approuver.")
    meeting.record_lock = lock
    fields = ["record_lock", "updated_at"]
    if lock == Lock.APPROVED and meeting.status != Status.CLOSED:
        meeting.status = Status.CLOSED
        fields.append("status")
    meeting.save(update_fields=fields)
    _forget_pages([meeting.commission_id])
    return meeting
