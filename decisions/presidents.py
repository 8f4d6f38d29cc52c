"""Who presides: the section presidencies of a commission in office on a day, and the sections a user presides.

The workflow (services), the e-mails and the pages ask here who may approve or send back an RDD.
"""

import datetime

from commissions.composition.models import Commission, SectionKind, SectionPresidency


def section_label(kind: str) -> str:
    """'section sociale', as a sentence names it."""
    return SectionKind(kind).label.lower()


def current_presidencies(commission: Commission, day: datetime.date | None = None) -> dict[str, SectionPresidency]:
    """The section presidencies of the commission in office on the day (today in its time zone by default)."""
    day = day or commission.today()
    presidencies = (
        SectionPresidency.objects.current_on(day)
        .filter(section__commission=commission)
        .select_related("person__user", "section")
        .order_by("start")
    )
    return {presidency.section.kind: presidency for presidency in presidencies}


def president_sections(commission: Commission, user, day: datetime.date | None = None) -> list[str]:
    """The sections of the commission whose current president is this user (usually one, or none)."""
    if not user.is_authenticated:
        return []
    return [
        kind
        for kind, presidency in current_presidencies(commission, day).items()
        if presidency.person.user_id == user.pk
    ]
