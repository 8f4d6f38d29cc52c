"""The search: persons, meetings (and their agenda items), decisions, commitments and questions of the user's
commissions, across all years, filtered by access like every page.

Both databases compare folded text, `home_unaccent(text)`: lower case without accents. On PostgreSQL it is an
SQL function over the `unaccent` extension (migration 0001 of this app, which also indexes the searched columns
with GIN), and the match is French full-text search (`SearchVector` with the "french" configuration, a prefix
query, `SearchRank`); on SQLite (the demo, the quick tests) the same name is a Python function registered on
each connection (`register_sqlite_fold`) and every word of the query must appear in the folded text.

Access, from `commissions.composition.access.roles_by_commission`: persons, meetings and agenda items of the
commissions the user sees; the RDDs' content for the secretariat (and admins) in every state, for a section
president from submission, for a member once transmitted, and always the newest version the reader may read.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from commissions.composition.access import Role, roles_by_commission
from commissions.composition.models import Commission, Mandate
from commissions.meetings.models import AgendaItem, Meeting
from decisions.models import Commitment, Decision, Question, Rdd
from members.models import Person

FOLD_FUNCTION = "home_unaccent"
QUERY_MAX_LENGTH = 200
MAX_TERMS = 8
# Each kind brings at most this many rows, the best first: beyond them the reader refines the query.
PER_KIND = 100
SNIPPET_LENGTH = 220
READABLE_BY_MEMBERS = (Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED)


class Kind:
    PERSON = "personnes"
    MEETING = "reunions"
    DECISION = "decisions"
    COMMITMENT = "engagements"
    QUESTION = "questions"

    LABELS = {
        PERSON: "Personnes",
        MEETING: "Réunions",
        DECISION: "Décisions",
        COMMITMENT: "Engagements",
        QUESTION: "Questions",
    }


# Folding


def fold_char(char: str) -> str:
    """One character, lower case and without its accent; always one character, so folded text keeps positions."""
    folded = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)).lower()
    return folded[0] if len(folded) == 1 else char.lower()[:1] or char


def fold(text: str | None) -> str | None:
    """Lower case without accents, position by position ("Décision" → "decision")."""
    if text is None:
        return None
    return "".join(fold_char(char) for char in text)


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """`home_unaccent` on each new SQLite connection (connection_created; PostgreSQL has it from migration 0001)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def query_terms(query: str) -> list[str]:
    """The folded words of a query (letters and digits only, so nothing reaches the tsquery syntax), at most 8."""
    words = re.findall(r"\w+", fold(query[:QUERY_MAX_LENGTH]) or "")
    unique = list(dict.fromkeys(word for word in words if len(word) > 1 or word.isdigit()))
    return unique[:MAX_TERMS]


# Snippets


def highlight(text: str, terms: list[str], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """An extract of `text` around the first match, escaped, with each word that starts with a term in <mark>.

    The text is escaped piece by piece and only the <mark> tags are ours, so nothing the user typed (the query)
    nor any stored text (a decision containing "<script>") is ever marked safe as it is.
    """
    text = " ".join(text.split())
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        spans.extend(match.span() for match in re.finditer(rf"(?<!\w){re.escape(term)}\w*", folded))
    spans = _merged(spans)
    start = 0
    if spans and len(text) > length:
        start = max(0, min(spans[0][0] - length // 3, len(text) - length))
        start = _word_start(text, start)
    end = min(len(text), start + length)
    parts = ["…"] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above went through escape()


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for span_start, span_end in sorted(spans):
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return merged


def _word_start(text: str, index: int) -> int:
    space = text.rfind(" ", 0, index)
    return space + 1 if space >= 0 and index - space < 30 else index


# Access


@dataclass
class Scope:
    """The commissions the user sees, those they manage, those where they preside a section."""

    visible: list[int]
    managed: list[int]
    presided: list[int]

    @classmethod
    def of(cls, user) -> "Scope":
        """Each commission counted at the user's highest role in it: managed, else presided, else sat in."""
        rows = roles_by_commission(user)
        managed = [commission.pk for commission, roles in rows if roles & {Role.ADMIN, Role.SECRETARIAT}]
        presided = [
            commission.pk for commission, roles in rows if Role.PRESIDENT in roles and commission.pk not in managed
        ]
        return cls(visible=[commission.pk for commission, _ in rows], managed=managed, presided=presided)

    def readable_rdds(self, prefix: str) -> Q:
        """The RDD rows (reached through `prefix`, e.g. "rdd__") whose content the user may read: the newest
        version for the secretariat, the newest submitted one for a president, the newest transmitted one for a
        member (an older version stays theirs while its successor is being written)."""
        commission = f"{prefix}meeting__commission_id__in"
        status, next_status = f"{prefix}status", f"{prefix}next_version__status"
        latest = Q(**{f"{prefix}next_version__isnull": True})
        sat_in = [pk for pk in self.visible if pk not in self.managed and pk not in self.presided]
        return (
            (Q(**{commission: self.managed}) & latest)
            | (
                Q(**{commission: self.presided})
                & ~Q(**{status: Rdd.Status.DRAFT})
                & (latest | Q(**{next_status: Rdd.Status.DRAFT}))
            )
            | (
                Q(**{commission: sat_in, f"{status}__in": READABLE_BY_MEMBERS})
                & (latest | ~Q(**{f"{next_status}__in": READABLE_BY_MEMBERS}))
            )
        )


# The search


@dataclass
class Result:
    kind: str
    title: str
    url: str
    snippet: SafeString
    commission: str
    rank: float
    sort_date: object

    @property
    def kind_label(self) -> str:
        return Kind.LABELS[self.kind][:-1]


def _folded(*fields: str):
    """home_unaccent(field), or of the fields joined by spaces."""
    if len(fields) == 1:
        expression = F(fields[0])
    else:
        pieces = []
        for name in fields:
            pieces.extend([F(name), Value(" ")])
        expression = Concat(*pieces[:-1], output_field=TextField())
    return Func(expression, function=FOLD_FUNCTION, output_field=TextField())


def vector(*fields: str) -> SearchVector:
    """The searched text of one row, as migration 0001 indexes it (the same expression, so PostgreSQL uses it)."""
    return SearchVector(*(_folded(name) for name in fields), config="french")


def matching(queryset: QuerySet, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    """The rows whose fields hold every term: full-text (ranked) on PostgreSQL, folded text on SQLite."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), config="french", search_type="raw")
        document = vector(*fields)
        return queryset.annotate(_document=document, _rank=SearchRank(document, query)).filter(_document=query)
    queryset = queryset.annotate(_folded=_folded(*fields), _rank=Value(0.0))
    for term in terms:
        queryset = queryset.filter(_folded__contains=term)
    return queryset


def _best(queryset: QuerySet, *order: str) -> list:
    return list(queryset.order_by("-_rank", *order)[:PER_KIND])


def _persons(scope: Scope, terms: list[str]) -> list[Result]:
    mandates = Mandate.objects.filter(person=OuterRef("pk"), seat__section__commission_id__in=scope.visible)
    contact = Commission.objects.filter(secretariat_contacts=OuterRef("pk"), pk__in=scope.visible)
    persons = Person.objects.filter(Exists(mandates) | Exists(contact)).annotate(
        commission_slug=Subquery(
            mandates.order_by("-start").values("seat__section__commission__slug")[:1],
        ),
        commission_name=Subquery(mandates.order_by("-start").values("seat__section__commission__name")[:1]),
        contact_slug=Subquery(contact.values("slug")[:1]),
        contact_name=Subquery(contact.values("name")[:1]),
    )
    rows = _best(matching(persons, ("last_name", "first_name"), terms), "last_name", "first_name")
    return [
        Result(
            kind=Kind.PERSON,
            title=person.display_name,
            url=reverse("commissions:detail", args=[person.commission_slug or person.contact_slug]),
            snippet=highlight(person.display_name, terms),
            commission=person.commission_name or person.contact_name or "",
            rank=person._rank,
            sort_date=None,
        )
        for person in rows
    ]


def _meetings(scope: Scope, terms: list[str]) -> list[Result]:
    meetings = Meeting.objects.filter(commission_id__in=scope.visible).select_related("commission")
    results = [
        Result(
            kind=Kind.MEETING,
            title=str(meeting),
            url=meeting.get_absolute_url(),
            snippet=highlight(" — ".join(part for part in (meeting.title, meeting.place) if part), terms),
            commission=meeting.commission.name,
            rank=meeting._rank,
            sort_date=meeting.date,
        )
        for meeting in _best(matching(meetings, ("title", "place"), terms), "-date")
    ]
    items = AgendaItem.objects.filter(meeting__commission_id__in=scope.visible).select_related("meeting__commission")
    results.extend(
        Result(
            kind=Kind.MEETING,
            title=f"Ordre du jour : {item.meeting}",
            url=item.meeting.get_absolute_url(),
            snippet=highlight(item.title, terms),
            commission=item.meeting.commission.name,
            rank=item._rank,
            sort_date=item.meeting.date,
        )
        for item in _best(matching(items, ("title",), terms), "-meeting__date")
    )
    return results


def _rdd_rows(model, scope: Scope, prefix: str, fields: tuple[str, ...], terms: list[str]) -> list:
    queryset = model.objects.filter(scope.readable_rdds(prefix)).select_related(f"{prefix}meeting__commission")
    return _best(matching(queryset, fields, terms), f"-{prefix}meeting__date")


def _rdd_result(kind: str, rdd: Rdd, text: str, terms: list[str], rank: float) -> Result:
    return Result(
        kind=kind,
        title=f"Relevé de la séance du {rdd.meeting.date:%d/%m/%Y}"
        + (f" (version {rdd.version})" if rdd.version > 1 else "")
        + ("" if rdd.status in READABLE_BY_MEMBERS else f" — {rdd.get_status_display().lower()}"),
        url=rdd.get_absolute_url(),
        snippet=highlight(text, terms),
        commission=rdd.meeting.commission.name,
        rank=rank,
        sort_date=rdd.meeting.date,
    )


def _decisions(scope: Scope, terms: list[str]) -> list[Result]:
    rows = _rdd_rows(Decision, scope, "item_record__rdd__", ("text",), terms)
    return [_rdd_result(Kind.DECISION, row.item_record.rdd, row.text, terms, row._rank) for row in rows]


def _commitments(scope: Scope, terms: list[str]) -> list[Result]:
    rows = _rdd_rows(Commitment, scope, "rdd__", ("text",), terms)
    return [_rdd_result(Kind.COMMITMENT, row.rdd, row.text, terms, row._rank) for row in rows]


def _questions(scope: Scope, terms: list[str]) -> list[Result]:
    rows = _rdd_rows(Question, scope, "rdd__", ("text", "answer"), terms)
    return [_rdd_result(Kind.QUESTION, row.rdd, f"{row.text} — {row.answer}", terms, row._rank) for row in rows]


SEARCHES = {
    Kind.PERSON: _persons,
    Kind.MEETING: _meetings,
    Kind.DECISION: _decisions,
    Kind.COMMITMENT: _commitments,
    Kind.QUESTION: _questions,
}


@dataclass
class Found:
    terms: list[str]
    results: list[Result]
    counts: dict[str, int]


def search(user, query: str) -> Found:
    """What the user may read that matches every word of the query, best first (then the most recent)."""
    terms = query_terms(query)
    if not terms or not user.is_authenticated:
        return Found(terms=terms, results=[], counts={})
    scope = Scope.of(user)
    if not scope.visible:
        return Found(terms=terms, results=[], counts={})
    by_kind = {name: run(scope, terms) for name, run in SEARCHES.items()}
    results = [result for rows in by_kind.values() for result in rows]
    results.sort(key=lambda result: (-result.rank, -(result.sort_date.toordinal() if result.sort_date else 0)))
    return Found(terms=terms, results=results, counts={name: len(rows) for name, rows in by_kind.items()})
