"""The standard agenda items of a new session, added when the meeting is created (commissions.meetings.signals).

The agenda does not know the RDD: decisions connects `meeting_created` to `session_add_standard_items`
(decisions/apps.py), so that the approval of the previous session's RDD comes first on the agenda.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from commissions.composition.models import Commission
from commissions.composition.presidency import PresidencyUnknown, presidency_article_on, presidency_for
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import AgendaItem, Meeting, Speaker
from portal.formats import date_short

from .models import Rdd
from .presidents import section_label
from .selectors import latest_rdd


def _rdd_dates_table(rdd: Rdd) -> str:
    approvals = list(rdd.approvals.order_by("approved_on"))
    approved = " et ".join(date_short(approval.approved_on) for approval in approvals) or "—"
    transmitted = date_short(timezone.localtime(rdd.transmitted_at).date()) if rdd.transmitted_at else "—"
    return (
        "<p>Vote pour le relevé de décisions suivant :</p>"
        "<table><thead><tr><th>Date de la commission</th><th>Date de validation par les deux présidents de section</th>"
        "<th>Date de transmission aux membres de la commission</th></tr></thead>"
        f"<tbody><tr><td>{escape(date_short(rdd.meeting.date))}</td><td>{escape(approved)}</td>"
        f"<td>{escape(transmitted)}</td></tr></tbody></table>"
    )


def session_add_standard_items(*, meeting: Meeting) -> list[AgendaItem]:
    """The standard items of a new session: approval of the previous RDD, presidency designation (first
    session of a year), follow-up of commitments, questions of the profession, questions diverses.

    Does nothing for an information meeting or an agenda that already has items (a second call adds nothing).
    """
    if meeting.kind != Meeting.Kind.SESSION or AgendaItem.objects.filter(meeting=meeting).exists():
        return []
    commission = meeting.commission
    earlier = Meeting.objects.filter(commission=commission, kind=Meeting.Kind.SESSION).exclude(pk=meeting.pk)
    previous = earlier.filter(date__lt=meeting.date).order_by("-date", "-start_time").first()
    created = []
    with transaction.atomic():
        if previous is not None:
            previous_rdd = latest_rdd(previous)
            content = (
                _rdd_dates_table(previous_rdd)
                if previous_rdd is not None
                else "<p>Le relevé de décisions de cette séance n'a pas encore été établi.</p>"
            )
            created.append(
                agenda_item_add(
                    meeting=meeting,
                    title=f"Validation du relevé de décisions de la séance du {date_short(previous.date)}",
                    speaker=Speaker.SECRETARIAT,
                    standard=True,
                    content=content,
                )
            )
        if not earlier.filter(date__year=meeting.date.year, date__lt=meeting.date).exists():
            created.append(
                agenda_item_add(
                    meeting=meeting,
                    title=f"Désignation de la présidence {meeting.date.year}",
                    speaker=Speaker.SECRETARIAT,
                    standard=True,
                    content=_presidency_content(commission, meeting.date),
                )
            )
        created.append(
            agenda_item_add(meeting=meeting, title="Suivi des engagements", speaker=Speaker.BOTH, standard=True)
        )
        created.append(
            agenda_item_add(
                meeting=meeting, title="Questions de la profession", speaker=Speaker.PROFESSIONAL, standard=True
            )
        )
        created.append(
            agenda_item_add(meeting=meeting, title="Questions diverses", speaker=Speaker.BOTH, standard=True)
        )
    return created


def _presidency_content(commission: Commission, day) -> str:
    year = day.year
    in_force = presidency_article_on(commission, day)  # the article is dated: 49 until 2024, 48 from 2025 (PACA)
    article = f"L'{in_force} de la convention nationale " if in_force else "La convention nationale "
    text = (
        "<p>La section professionnelle et la section sociale élisent chacune un président parmi leurs membres. "
        f"{escape(article)}précise que le président de la section professionnelle et celui de la section sociale "
        "assurent à tour de rôle, par période d'un an, la Présidence et la Vice-Présidence de la commission.</p>"
    )
    try:
        presidency = presidency_for(commission, year)
    except PresidencyUnknown:
        return text
    text += (
        f"<p>Au titre de l'année {year}, la présidence de la commission est assurée par le président de la "
        f"{escape(section_label(presidency.president_section))}.</p>"
    )
    return text
