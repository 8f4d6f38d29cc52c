"""The facts an RDD states about its session, as plain data: the commission, the meeting's date, times and place,
the presiding person, the attendance, the section presidents who approve it, and the approvers themselves.

They are read from the directory (persons, organisations, mandates) while the RDD is a draft, and kept as a
snapshot from its submission on (`Rdd.facts`, written with the status by services.rdd_submit and frozen with the
rest of the row by the PostgreSQL trigger of migration 0002): renaming a person or an organisation, or changing a
mandate, changes no submitted or approved record. An approval keeps its own (`Approval.facts`).
"""

import datetime

from commissions.composition.models import Commission, Mandate, SectionKind
from commissions.composition.presidency import PresidencyUnknown, presidency_for, section_president_on
from commissions.meetings.models import Attendance, Meeting
from commissions.meetings.selectors import meeting_members
from members.models import Person

from .models import Rdd


def _person(person: Person | None) -> dict | None:
    if person is None:
        return None
    return {"civility": person.civility, "name": person.display_name}


def _organisation_of(meeting: Meeting, person: Person) -> str:
    """The organisation of the person's seat in the commission on the meeting's date ("" if none)."""
    mandate = (
        Mandate.objects.current_on(meeting.date)
        .filter(person=person, seat__section__commission_id=meeting.commission_id)
        .select_related("seat__organisation")
        .order_by("-role", "pk")
        .first()
    )
    return mandate.seat.organisation.acronym if mandate else ""


def presiding_section(commission: Commission, day: datetime.date) -> str | None:
    """The section whose president presides the commission on the day (its year's presidency), if known."""
    try:
        return presidency_for(commission, on=day).president_section.value
    except PresidencyUnknown:
        return None


def approver_title(*, civility: str, section: str, presiding: str | None) -> str:
    """'la Présidente', 'le Vice-Président', or, the presidency unknown, 'le président de la section sociale'."""
    feminine = civility == Person.Civility.MME
    if presiding is not None:
        title = "Président" if presiding == section else "Vice-Président"
        return f"la {title}e" if feminine else f"le {title}"
    title = "la présidente" if feminine else "le président"
    return f"{title} de la {SectionKind(section).label.lower()}"


def _presidents(meeting: Meeting, presiding: str | None) -> list[dict]:
    """The section presidents in office on the meeting's date: those who approve its RDD."""
    rows = []
    for kind in SectionKind:
        person = section_president_on(meeting.commission, kind, meeting.date)
        if person is None:
            continue
        rows.append(
            {
                "section": kind.value,
                "section_label": kind.label,
                **_person(person),
                "title": approver_title(civility=person.civility, section=kind.value, presiding=presiding),
                # 'Présidente de la commission', 'Vice-Président de la commission' ('' when the presidency is unknown)
                "role": (
                    approver_title(civility=person.civility, section=kind.value, presiding=presiding)[3:]
                    + " de la commission"
                )
                if presiding
                else "",
                "presiding": presiding == kind.value,
            }
        )
    return rows


def _attendance(meeting: Meeting) -> list[dict]:
    """Every member on the meeting's date with their organisation, role and attendance, then anyone else recorded."""
    rows, seen = [], set()
    for member in meeting_members(meeting):
        seen.add(member.person.pk)
        rows.append(
            {
                **_person(member.person),
                "section": member.section_kind,
                "organisation": member.organisation,
                "role": Mandate.Role(member.role).label.lower(),
                "status": member.attendance.get_status_display() if member.attendance else "",
            }
        )
    others = Attendance.objects.filter(meeting=meeting).exclude(person_id__in=seen).select_related("person")
    for attendance in others.order_by("person__last_name", "person__first_name", "pk"):
        rows.append(
            {
                **_person(attendance.person),
                "section": "",
                "organisation": "",
                "role": "",
                "status": attendance.get_status_display(),
            }
        )
    return rows


def rdd_facts_read(rdd: Rdd) -> dict:
    """The facts as the directory gives them now: what a draft shows, and what its submission keeps."""
    meeting = Meeting.objects.select_related("commission", "presided_by").get(pk=rdd.meeting_id)
    commission = meeting.commission
    presiding = presiding_section(commission, meeting.date)
    presided_by = _person(meeting.presided_by)
    if presided_by is not None:
        presided_by["organisation"] = _organisation_of(meeting, meeting.presided_by)
    return {
        "commission": commission.name,
        "date": meeting.date.isoformat(),
        "start_time": f"{meeting.start_time:%H:%M}",
        "end_time": f"{meeting.end_time:%H:%M}" if meeting.end_time else "",
        "place": meeting.place,
        "presided_by": presided_by,
        "attendance": _attendance(meeting),
        "presiding_section": presiding or "",
        "presidents": _presidents(meeting, presiding),
    }


def rdd_facts(rdd: Rdd) -> dict:
    """The facts the RDD states: its snapshot once submitted, the directory's while a draft (or for an RDD
    submitted before snapshots existed, which has none)."""
    if rdd.status != Rdd.Status.DRAFT and rdd.facts:
        return rdd.facts
    return rdd_facts_read(rdd)


def hashed_facts(rdd: Rdd) -> dict:
    """The facts as the content's hash covers them: the snapshot of a frozen RDD (nothing read from the
    directory, so that a renamed person changes no hash; empty for an RDD frozen before snapshots existed),
    the directory's for a draft."""
    if rdd.status != Rdd.Status.DRAFT:
        return rdd.facts or {}
    return rdd_facts_read(rdd)


def approval_facts(*, rdd: Rdd, section: str, person: Person, successor_of: Person | None) -> dict:
    """What an approval states about its approver, kept with it: civility, name, role, and whom they succeed."""
    presiding = presiding_section(rdd.meeting.commission, rdd.meeting.date)
    return {
        **_person(person),
        "section": section,
        "title": approver_title(civility=person.civility, section=section, presiding=presiding),
        "presiding": presiding == section if presiding is not None else section == SectionKind.SOCIAL,
        "successor_of": _person(successor_of),
    }


def facts_display(facts: dict) -> dict:
    """The facts with what a page prints: dates and times in French."""
    day = datetime.date.fromisoformat(facts["date"])
    hours = facts["start_time"].replace(":", "h")
    if facts.get("end_time"):
        hours += " – " + facts["end_time"].replace(":", "h")
    by_section = {kind.value: kind.label for kind in SectionKind}
    return {
        **facts,
        "day": day,
        "hours": hours,
        "attendance_by_section": [
            (label, [row for row in facts["attendance"] if row["section"] == kind])
            for kind, label in sorted(by_section.items(), reverse=True)
        ]
        + [("Autres personnes", [row for row in facts["attendance"] if not row["section"]])],
    }
