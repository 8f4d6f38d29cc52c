"""The presidency of a commission for a year or a date.

The national conventions (article 48 or 49, paragraph 1) have the two section
presidents hold, in turn, for one year each, the presidency and the
vice-presidency of the commission. A commission records one reference year
and the section presiding it; the sections then swap every year. A
designation recorded in session for a year overrides the rule.
"""

import datetime
from dataclasses import dataclass

from members.models import Person

from .models import Commission, PresidencyArticle, PresidencyDesignation, SectionKind, SectionPresidency


class PresidencyUnknown(Exception):
    """The presidency of that year cannot be given (no rule, or no section president)."""


@dataclass(frozen=True)
class Presidency:
    year: int
    president: Person
    president_section: SectionKind
    vice_president: Person
    vice_president_section: SectionKind
    designation: PresidencyDesignation | None = None

    @property
    def source(self) -> str:
        return "designation" if self.designation else "rule"

    @property
    def source_label(self) -> str:
        if self.designation:
            return f"désignation en séance du {self.designation.designated_on:%d/%m/%Y}"
        return "règle de rotation"


def presidency_article_on(commission: Commission, day: datetime.date) -> str:
    """The convention's article on the presidency in force on `day` (e.g. 49 until 2024, 48 from 2025 in the
    PACA–Corse CPR): the latest dated article started by then, else the commission's own field."""
    dated = (
        PresidencyArticle.objects.filter(commission=commission, start__lte=day)
        .order_by("-start")
        .values_list("article", flat=True)
        .first()
    )
    return dated or commission.presidency_article


def presiding_section_by_rule(commission: Commission, year: int) -> SectionKind:
    """The section whose president presides in that year, by the rotation rule."""
    if not commission.presidency_reference_year or not commission.presidency_reference_section:
        raise PresidencyUnknown(f"La règle de présidence de la commission « {commission} » n'est pas renseignée.")
    section = SectionKind(commission.presidency_reference_section)
    return section if (year - commission.presidency_reference_year) % 2 == 0 else section.other


def section_president_on(commission: Commission, kind: str, day: datetime.date) -> Person | None:
    presidency = (
        SectionPresidency.objects.current_on(day)
        .filter(section__commission=commission, section__kind=kind)
        .select_related("person")
        .order_by("-start")
        .first()
    )
    return presidency.person if presidency else None


def _section_presidencies(commission: Commission) -> list[SectionPresidency]:
    """Every section presidency of the commission, with its person: one query for all the years asked."""
    return list(SectionPresidency.objects.filter(section__commission=commission).select_related("person", "section"))


def _president_in(presidencies: list[SectionPresidency], kind: str, year: int, day: datetime.date) -> Person | None:
    """The section president on `day`, or else the first one who took office during the year (loaded rows)."""
    of_section = [presidency for presidency in presidencies if presidency.section.kind == kind]
    current = [p for p in of_section if p.start <= day and (p.end is None or p.end >= day)]
    if current:
        return max(current, key=lambda presidency: presidency.start).person
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    during = [p for p in of_section if (p.end is None or p.end >= first_day) and p.start <= last_day]
    return min(during, key=lambda presidency: presidency.start).person if during else None


def _from_designation(year: int, designation: PresidencyDesignation) -> Presidency:
    return Presidency(
        year=year,
        president=designation.president,
        president_section=SectionKind(designation.president_section),
        vice_president=designation.vice_president,
        vice_president_section=designation.vice_president_section,
        designation=designation,
    )


def _by_rule(commission: Commission, year: int, on: datetime.date | None, presidencies) -> Presidency:
    """The presidency of the year by the rotation rule; `presidencies` loads the section presidencies when called."""
    presiding = presiding_section_by_rule(commission, year)
    if on is None:
        today = commission.today()
        on = today if today.year == year else datetime.date(year, 1, 1)
    loaded = presidencies()
    president = _president_in(loaded, presiding, year, on)
    vice = _president_in(loaded, presiding.other, year, on)
    missing = [
        kind.label.lower() for kind, person in ((presiding, president), (presiding.other, vice)) if person is None
    ]
    if missing:
        raise PresidencyUnknown(
            f"Aucun président de la {' ni de la '.join(missing)} n'est enregistré pour {year} "
            f"dans la commission « {commission} »."
        )
    return Presidency(
        year=year,
        president=president,
        president_section=presiding,
        vice_president=vice,
        vice_president_section=presiding.other,
    )


def presidency_for(commission: Commission, year: int | None = None, *, on: datetime.date | None = None) -> Presidency:
    """President and vice-president of the commission for a year, or on a date.

    With a date, the section presidents are those in office that day. With a
    year only, they are those in office today when the year is the current
    one, on 1 January otherwise (or, failing that, the first to take office
    during the year).
    """
    if on is None and year is None:
        on = commission.today()
    if on is not None:
        year = on.year
    assert year is not None
    designation = (
        PresidencyDesignation.objects.filter(commission=commission, year=year)
        .select_related("president", "vice_president")
        .first()
    )
    if designation is not None:
        return _from_designation(year, designation)
    return _by_rule(commission, year, on, lambda: _section_presidencies(commission))


def presidencies_for_years(
    commission: Commission, years, designations: list[PresidencyDesignation]
) -> list[Presidency | PresidencyUnknown]:
    """`presidency_for(commission, year)` for several years, in two queries at most.

    `designations` are the commission's designations already loaded (with their president and vice-president),
    at least those of the years asked; the section presidencies are loaded once, when a year needs the rule.
    """
    by_year = {designation.year: designation for designation in designations}
    loaded: list[SectionPresidency] = []

    def presidencies() -> list[SectionPresidency]:
        if not loaded:
            loaded.append(_section_presidencies(commission))
        return loaded[0]

    result: list[Presidency | PresidencyUnknown] = []
    for year in years:
        if year in by_year:
            result.append(_from_designation(year, by_year[year]))
            continue
        try:
            result.append(_by_rule(commission, year, None, presidencies))
        except PresidencyUnknown as missing:
            result.append(missing)
    return result
