"""Import and export of a commission's composition as a spreadsheet (CSV or XLSX).

The file has one row per role of a seat, with these columns:

    Section ; Organisation ; Rôle ; Civilité ; Nom ; Prénom ; E-mail ; Début ; Fin

Rules of the import (the export writes exactly this format, so that exporting
and importing again at the same date changes nothing):

Reading the file
- The content decides the format, not the file name; the reading is
  `portal.spreadsheets`, shared with the statistics import. An XLSX (zip)
  file is read from its first sheet (date cells may be dates or Excel serial
  numbers); anything else must be text: CSV in UTF-8 (with or without BOM),
  else Windows-1252; `;`, tab or `,` as delimiter (the first of them found
  in the header line, outside quotes). A PDF, an old .xls, UTF-16 or any
  binary content is refused.
- Columns are recognised by their header, never their position, whatever the
  case, accents, spaces and hyphens ("Rôle", "role", "ROLE"; "E-mail",
  "email", "courriel"). Required: Section, Organisation, Rôle, Nom; optional:
  Civilité (required as soon as a row has a name), Prénom, E-mail, Début,
  Fin. An unknown or repeated column, or a missing required one, is named in
  the error. Blank rows are skipped; a file without data rows is empty.
- Row numbers are those the user sees in the spreadsheet: the header is row
  1, the first data row is row 2.

Reading the values (every error names the row and the column)
- Section: "sociale" / "Section sociale" / "professionnelle" / "Section
  professionnelle". Organisation: its acronym, one of its other names
  (OrganisationAlias) or its full name, case- and accent-insensitive (acronym
  first). Rôle: titulaire / suppléant. Civilité: Mme, M., M, Dr (and Madame,
  Monsieur, Docteur). Dates: jj/mm/aaaa, aaaa-mm-jj or spreadsheet dates;
  Fin may not precede Début.
- An empty Nom, or "à pourvoir", is a vacant role: no mandate.
- The same person twice with the same section, organisation and role is a
  duplicate: both rows are named.

Plan, as of the effective date D (nothing is written)
- Within a section, the n-th titulaire row and the n-th suppléant row of an
  organisation go to that organisation's n-th seat open on D (by position,
  then id); missing seats are created, opened on D.
- Persons are found by e-mail when one is given (else by name among persons
  without an e-mail), otherwise by last and first name (case- and
  accent-insensitive); otherwise they are created. Existing persons are not
  modified.
- Same person already on that seat and role on D → "inchangé" (its dates are
  kept, Début and Fin of the row are not read). Otherwise → "créé", from
  Début (or D; Début may not precede D) to Fin (or open).
- Every mandate current on D that is not "inchangé" (replaced, on a vacant
  row, or on a seat the file does not mention) ends on D−1; a mandate that
  starts on D cannot end on D−1 and is refused with an explanation.
- A seat open on D that no row reaches (its organisation is absent from the
  file, or has fewer rows) is closed on D−1.
- Re-importing the same file therefore plans nothing.

Applying
- In one transaction, after locking the commission's seats, the plan is
  computed again against the database as it is then (a plan that differs
  from the preview is not applied). One CompositionChange (effective on D,
  optionally approved in session on a date) opens and closes the mandates,
  through the services mandate_end, seat_add and mandate_add. Any error
  rolls everything back.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from members.models import Organisation, OrganisationAlias, Person
from portal.formats import date_short
from portal.spreadsheets import SpreadsheetError, column_letter, read_csv, read_xlsx, sniff

from .models import Commission, CompositionChange, Mandate, Seat, SectionKind
from .selectors import composition_on
from .services import mandate_add, mandate_end, seat_add

MAX_ROWS = 2000
MAX_ERRORS = 20
# An XLSX is a zip: refuse one that would expand beyond this (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

HEADERS = ["Section", "Organisation", "Rôle", "Civilité", "Nom", "Prénom", "E-mail", "Début", "Fin"]
FIELDS = ["section", "organisation", "role", "civility", "last_name", "first_name", "email", "start", "end"]
LABELS = dict(zip(FIELDS, HEADERS, strict=True))
REQUIRED = ["section", "organisation", "role", "last_name"]

_COLUMN_ALIASES = {
    "section": "section",
    "organisation": "organisation",
    "organisme": "organisation",
    "organization": "organisation",
    "role": "role",
    "civilite": "civility",
    "nom": "last_name",
    "prenom": "first_name",
    "email": "email",
    "mail": "email",
    "courriel": "email",
    "adressemail": "email",
    "adresseemail": "email",
    "debut": "start",
    "datededebut": "start",
    "datedebut": "start",
    "fin": "end",
    "datedefin": "end",
    "datefin": "end",
}
_SECTIONS = {
    "sociale": SectionKind.SOCIAL,
    "social": SectionKind.SOCIAL,
    "sectionsociale": SectionKind.SOCIAL,
    "professionnelle": SectionKind.PROFESSIONAL,
    "professionnel": SectionKind.PROFESSIONAL,
    "sectionprofessionnelle": SectionKind.PROFESSIONAL,
}
_ROLES = {
    "titulaire": Mandate.Role.TITULAR,
    "suppleant": Mandate.Role.SUBSTITUTE,
    "suppleante": Mandate.Role.SUBSTITUTE,
}
_CIVILITIES = {
    "mme": Person.Civility.MME,
    "madame": Person.Civility.MME,
    "m": Person.Civility.M,
    "mr": Person.Civility.M,
    "monsieur": Person.Civility.M,
    "dr": Person.Civility.DR,
    "docteur": Person.Civility.DR,
}
_VACANT = {"", "apourvoir", "vacant", "vacance"}
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]00:00(?::00)?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def _key(value: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a header or a keyword."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char)).casefold()


def _loose(value: str) -> str:
    """Case- and accent-insensitive form of a name, keeping word boundaries."""
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(kept.replace("-", " ").split())


def _errors(messages: list[str]) -> ValidationError:
    """At most MAX_ERRORS messages, so that a wholly wrong file stays readable."""
    if len(messages) > MAX_ERRORS:
        extra = len(messages) - MAX_ERRORS
        messages = messages[:MAX_ERRORS] + [
            f"… et {extra} autre{'s' if extra > 1 else ''} erreur{'s' if extra > 1 else ''}."
        ]
    return ValidationError(messages)


# ---------------------------------------------------------------------------
# Reading the file


@dataclass(frozen=True)
class ImportRow:
    """One row of the file, read and checked; JSON-serialisable through as_json/from_json."""

    line: int
    section: str
    organisation_id: int
    organisation: str
    role: str
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    email: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def is_vacant(self) -> bool:
        return not self.last_name

    @property
    def person_key(self) -> tuple[str, ...]:
        if self.email:
            return ("email", self.email.casefold())
        return ("name", _loose(self.last_name), _loose(self.first_name))

    @property
    def person_label(self) -> str:
        if self.is_vacant:
            return "à pourvoir"
        return " ".join(part for part in (self.civility, self.last_name.upper(), self.first_name) if part)

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for name in ("start", "end"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportRow:
        values = dict(data)
        for name in ("start", "end"):
            values[name] = datetime.date.fromisoformat(values[name]) if values[name] else None
        return cls(**values)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return date_short(value)
    return " ".join(str(value).split())


_NOT_A_SPREADSHEET = (
    "Le fichier n'est pas un tableur CSV ou XLSX : enregistrez la composition au format .csv ou .xlsx "
    "(le modèle est celui de l'export)."
)
_UNREADABLE_WORKBOOK = "Le fichier n'est pas un classeur XLSX lisible : enregistrez-le au format .xlsx ou .csv."
_UNKNOWN_ENCODING = "L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 ou au format .xlsx."
# The shared reader's refusals in this import's words (the others keep the shared wording).
_READING_MESSAGES = {
    "utf16": _UNKNOWN_ENCODING,
    "undecodable": _UNKNOWN_ENCODING,
    "binary": _NOT_A_SPREADSHEET,
    "bad_archive": _UNREADABLE_WORKBOOK,
    "not_a_workbook": _UNREADABLE_WORKBOOK,
    "unreadable_workbook": _UNREADABLE_WORKBOOK,
    "unreadable_sheet": "La première feuille du classeur n'est pas lisible.",
    "too_large": "Le classeur est trop volumineux une fois décompressé.",
}


def _table(content: bytes) -> list[tuple[int, list[Any]]]:
    """The rows of the file, numbered as the spreadsheet shows them (a CSV record spanning lines is one row)."""
    kind = sniff(content)
    if kind == "xls":
        raise ValidationError(
            "Les classeurs Excel 97-2003 (.xls) ne sont pas pris en charge : enregistrez le fichier au format .xlsx."
        )
    if kind == "other":
        raise ValidationError(_NOT_A_SPREADSHEET)
    try:
        grid = read_xlsx(content, max_uncompressed=MAX_UNCOMPRESSED_BYTES) if kind == "xlsx" else read_csv(content)
    except SpreadsheetError as error:
        if error.code == "csv":
            raise ValidationError(f"Le fichier CSV est mal formé : {error.detail}.") from error
        raise ValidationError(_READING_MESSAGES.get(error.code, error.message)) from error
    return [(number, cells) for number, (_, cells) in enumerate(grid.rows, start=1)]


def _header(cells: list[Any], *, line: int) -> dict[str, int]:
    """Column index of each recognised field; errors for unknown, repeated and missing columns."""
    columns: dict[str, int] = {}
    messages = []
    for index, cell in enumerate(cells):
        text = _cell_text(cell)
        if not text:
            continue
        name = _COLUMN_ALIASES.get(_key(text))
        if name is None:
            messages.append(
                f"Ligne {line}, colonne {column_letter(index)} : colonne inconnue « {text} » "
                f"(colonnes attendues : {', '.join(HEADERS)})."
            )
        elif name in columns:
            messages.append(f"Ligne {line} : la colonne « {LABELS[name]} » apparaît deux fois.")
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            messages.append(f"Colonne obligatoire manquante : « {LABELS[name]} ».")
    if messages:
        raise _errors(messages)
    return columns


def _parse_date(value: Any) -> datetime.date:
    """A date from a cell (a workbook's date cells are read as jj/mm/aaaa); ValueError in French otherwise."""
    if isinstance(value, int | float):
        from openpyxl.utils.datetime import from_excel

        try:
            day = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            day = None
        if isinstance(day, datetime.datetime) and 1900 <= day.year <= 2200:
            return day.date()
        raise ValueError(f"date illisible « {_cell_text(value)} » (format attendu : jj/mm/aaaa)")
    text = _cell_text(value)
    match = _DATE_FR.match(text)
    if match:
        day_, month, year = (int(part) for part in match.groups())
    else:
        match = _DATE_ISO.match(text)
        if not match:
            raise ValueError(f"date illisible « {text} » (format attendu : jj/mm/aaaa)")
        year, month, day_ = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day_)
    except ValueError:
        raise ValueError(f"date impossible « {text} »") from None


class _OrganisationIndex:
    """Organisations by acronym, other name or full name (case- and accent-insensitive; acronym first)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Organisation] = {}
        organisations = {organisation.pk: organisation for organisation in Organisation.objects.all()}
        for organisation in organisations.values():
            if organisation.name:
                self._by_key.setdefault(_loose(organisation.name), organisation)
        for alias in OrganisationAlias.objects.all():
            self._by_key[_loose(alias.name)] = organisations[alias.organisation_id]
        for organisation in organisations.values():
            self._by_key[_loose(organisation.acronym)] = organisation

    def get(self, text: str) -> Organisation | None:
        return self._by_key.get(_loose(text))


def parse_composition(*, content: bytes) -> list[ImportRow]:
    """The rows of a composition file; ValidationError listing every problem (row and column) otherwise."""
    if not content.strip():
        raise ValidationError("Le fichier est vide.")
    table = _table(content)
    header_line, columns = 0, {}
    rows: list[ImportRow] = []
    messages: list[str] = []
    organisations = _OrganisationIndex()
    first_row: dict[tuple, int] = {}
    for line, cells in table:
        if not any(_cell_text(cell) for cell in cells):
            continue
        if not header_line:
            header_line, columns = line, _header(cells, line=line)
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"Le fichier dépasse {MAX_ROWS} lignes : ce n'est sans doute pas une composition.")
        row, row_messages = _parse_row(line, cells, columns, organisations)
        messages.extend(row_messages)
        if row is None:
            continue
        if not row.is_vacant:
            duplicate_key = (row.section, row.organisation_id, row.role, row.person_key)
            if duplicate_key in first_row:
                messages.append(
                    f"Lignes {first_row[duplicate_key]} et {line} : même personne ({row.person_label}), "
                    f"même section, organisation et rôle — ligne en double."
                )
                continue
            first_row[duplicate_key] = line
        rows.append(row)
    if not header_line or (not rows and not messages):
        raise ValidationError("Le fichier est vide : il n'a pas de ligne de composition sous la ligne d'en-tête.")
    if "civility" not in columns and any(not row.is_vacant for row in rows):
        messages.insert(0, "Colonne obligatoire manquante : « Civilité » (obligatoire dès qu'une ligne a un nom).")
    if messages:
        raise _errors(messages)
    return rows


def _parse_row(
    line: int, cells: list[Any], columns: dict[str, int], organisations: _OrganisationIndex
) -> tuple[ImportRow | None, list[str]]:
    messages: list[str] = []

    def error(name: str, message: str) -> None:
        messages.append(f"Ligne {line}, colonne « {LABELS[name]} » : {message}.")

    def raw(name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def text(name: str) -> str:
        return _cell_text(raw(name))

    known = set(columns.values())
    for index, cell in enumerate(cells):
        if index not in known and _cell_text(cell):
            messages.append(
                f"Ligne {line}, colonne {column_letter(index)} : une valeur (« {_cell_text(cell)} ») "
                f"est dans une colonne sans en-tête."
            )

    values: dict[str, Any] = {"line": line}
    section = _SECTIONS.get(_key(text("section")))
    if section is None:
        error("section", f"section inconnue « {text('section')} » (attendu : sociale ou professionnelle)")
    else:
        values["section"] = section.value
    if not text("organisation"):
        error("organisation", "l'organisation manque")
    else:
        organisation = organisations.get(text("organisation"))
        if organisation is None:
            error("organisation", f"organisation inconnue « {text('organisation')} »")
        else:
            values["organisation_id"] = organisation.pk
            values["organisation"] = organisation.acronym
    role = _ROLES.get(_key(text("role")))
    if role is None:
        error("role", f"rôle inconnu « {text('role')} » (attendu : titulaire ou suppléant)")
    else:
        values["role"] = role.value

    last_name = text("last_name")
    if _key(last_name) not in _VACANT:
        values["last_name"] = last_name
        values["first_name"] = text("first_name")
        civility = _CIVILITIES.get(_key(text("civility")))
        if civility is None and "civility" in columns:
            if text("civility"):
                error("civility", f"civilité inconnue « {text('civility')} » (attendu : Mme, M. ou Dr)")
            else:
                error("civility", "la civilité manque (Mme, M. ou Dr)")
        values["civility"] = civility.value if civility else ""
        for name, limit in (("last_name", 100), ("first_name", 100)):
            if len(values[name]) > limit:
                error(name, f"{limit} caractères au plus")
        email = text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", f"adresse e-mail invalide « {email} »")
            values["email"] = email
        for name in ("start", "end"):
            if text(name):
                try:
                    values[name] = _parse_date(raw(name))
                except ValueError as problem:
                    error(name, str(problem))
        if values.get("start") and values.get("end") and values["end"] < values["start"]:
            error("end", f"la fin ({date_short(values['end'])}) précède le début ({date_short(values['start'])})")
    if messages:
        return None, messages
    return ImportRow(**values), []


# ---------------------------------------------------------------------------
# Planning


@dataclass
class PlanItem:
    """One line of the preview: a mandate created, kept or ended (or a vacant role of the file)."""

    section: str
    organisation: str
    role: str
    person: str
    seat_number: int
    line: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str = ""
    # What applying needs (not shown).
    seat: Seat | None = None
    new_seat: tuple[str, int, int] | None = None
    person_obj: Person | None = None
    row: ImportRow | None = None
    mandate: Mandate | None = None

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label

    @property
    def role_label(self) -> str:
        return Mandate.Role(self.role).label


@dataclass
class SeatChange:
    section: str
    organisation: str
    seat_number: int
    seat: Seat | None = None
    key: tuple[str, int, int] | None = None

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label


@dataclass
class CompositionPlan:
    """What an import would do on its effective date; `errors` empty when it can be applied."""

    day: datetime.date
    created: list[PlanItem] = field(default_factory=list)
    unchanged: list[PlanItem] = field(default_factory=list)
    ended: list[PlanItem] = field(default_factory=list)
    vacant: list[PlanItem] = field(default_factory=list)
    seats_added: list[SeatChange] = field(default_factory=list)
    seats_closed: list[SeatChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def end_day(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.ended or self.seats_added or self.seats_closed)

    @property
    def persons_created(self) -> int:
        return len({item.row.person_key for item in self.created if item.person_obj is None and item.row})

    def fingerprint(self) -> str:
        """Identifies the changes, to check at confirmation that the plan is still the one previewed."""
        parts = [f"day:{self.day.isoformat()}"]
        parts += [
            f"c:{item.line}:{item.seat.pk if item.seat else item.new_seat}:{item.role}:"
            f"{item.person_obj.pk if item.person_obj else item.row.person_key}:{item.start}:{item.end}"
            for item in self.created
        ]
        parts += [f"e:{item.mandate.pk}" for item in self.ended]
        parts += [f"s+:{change.key}" for change in self.seats_added]
        parts += [f"s-:{change.seat.pk}" for change in self.seats_closed]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _PersonIndex:
    """Existing persons by e-mail and by name (case- and accent-insensitive)."""

    def __init__(self) -> None:
        self.by_email: dict[str, list[Person]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[Person]] = defaultdict(list)
        for person in Person.objects.only("id", "civility", "last_name", "first_name", "email").order_by("id"):
            if person.email:
                self.by_email[person.email.casefold()].append(person)
            self.by_name[(_loose(person.last_name), _loose(person.first_name))].append(person)

    def find(self, row: ImportRow, *, holder: Person | None) -> Person | None:
        """The person a row names; the current holder of the seat wins among namesakes."""
        name = (_loose(row.last_name), _loose(row.first_name))
        if row.email:
            candidates = self.by_email.get(row.email.casefold()) or [
                person for person in self.by_name.get(name, []) if not person.email
            ]
        else:
            candidates = self.by_name.get(name, [])
        if holder is not None and any(person.pk == holder.pk for person in candidates):
            return holder
        return candidates[0] if candidates else None


def composition_plan(*, commission: Commission, rows: Iterable[ImportRow], day: datetime.date) -> CompositionPlan:
    """What importing `rows` as the composition on `day` would create, keep and end; writes nothing."""
    plan = CompositionPlan(day=day)
    rows = list(rows)
    sections = {section.kind: section for section in commission.sections.all()}
    seats = [
        seat
        for seat in Seat.objects.filter(section__commission=commission)
        .select_related("organisation", "section")
        .order_by("section", "position", "id")
        if seat.is_open_on(day)
    ]
    seats_of: dict[tuple[str, int], list[Seat]] = defaultdict(list)
    for seat in seats:
        seats_of[(seat.section.kind, seat.organisation_id)].append(seat)
    current: dict[tuple[int, str], Mandate] = {}
    future: dict[tuple[int, str], list[Mandate]] = defaultdict(list)
    for mandate in (
        Mandate.objects.filter(seat__section__commission=commission)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person", "seat__organisation", "seat__section")
        .order_by("start")
    ):
        if mandate.start <= day:
            current[(mandate.seat_id, mandate.role)] = mandate
        else:
            future[(mandate.seat_id, mandate.role)].append(mandate)
    known_organisations = set(
        Organisation.objects.filter(pk__in={row.organisation_id for row in rows}).values_list("pk", flat=True)
    )
    persons = _PersonIndex()

    counters: dict[tuple[str, int, str], int] = defaultdict(int)
    reached: set[int] = set()
    kept: set[int] = set()
    new_seats: dict[tuple[str, int, int], SeatChange] = {}
    for row in rows:
        if row.organisation_id not in known_organisations:
            plan.errors.append(f"Ligne {row.line} : l'organisation « {row.organisation} » n'existe plus.")
            continue
        group = seats_of[(row.section, row.organisation_id)]
        index = counters[(row.section, row.organisation_id, row.role)]
        counters[(row.section, row.organisation_id, row.role)] += 1
        item = PlanItem(
            section=row.section,
            organisation=row.organisation,
            role=row.role,
            person=row.person_label,
            seat_number=index + 1,
            line=row.line,
            start=row.start,
            end=row.end,
            row=row,
        )
        if index < len(group):
            item.seat = group[index]
            reached.add(item.seat.pk)
        else:
            item.new_seat = (row.section, row.organisation_id, index)
            if item.new_seat not in new_seats:
                new_seats[item.new_seat] = SeatChange(
                    section=row.section, organisation=row.organisation, seat_number=index + 1, key=item.new_seat
                )
        if row.is_vacant:
            plan.vacant.append(item)
            continue
        holder = current.get((item.seat.pk, row.role)) if item.seat else None
        item.person_obj = persons.find(row, holder=holder.person if holder else None)
        if holder is not None and item.person_obj is not None and holder.person_id == item.person_obj.pk:
            item.mandate, item.start, item.end = holder, holder.start, holder.end
            item.person = holder.person.display_name
            kept.add(holder.pk)
            plan.unchanged.append(item)
            continue
        start = row.start or day
        later = future.get((item.seat.pk, row.role), []) if item.seat else []
        same = next((m for m in later if item.person_obj and m.person_id == item.person_obj.pk), None)
        if same is not None and same.start == start:
            item.mandate, item.start, item.end = same, same.start, same.end
            item.note = f"à partir du {date_short(same.start)}"
            plan.unchanged.append(item)
            continue
        item.start = start
        if row.start and row.start < day:
            plan.errors.append(
                f"Ligne {row.line}, colonne « Début » : le début du mandat ({date_short(row.start)}) précède la date "
                f"d'effet de l'import ({date_short(day)})."
            )
        elif row.end and row.end < start:
            plan.errors.append(
                f"Ligne {row.line}, colonne « Fin » : la fin du mandat ({date_short(row.end)}) précède son début "
                f"({date_short(start)})."
            )
        clash = next((m for m in later if row.end is None or m.start <= row.end), None)
        if clash is not None:
            plan.errors.append(
                f"Ligne {row.line} : ce siège a déjà un {clash.get_role_display().lower()} à partir du "
                f"{date_short(clash.start)} ({clash.person.display_name})."
            )
        if item.person_obj is not None:
            item.person = item.person_obj.display_name
        else:
            item.note = "nouvelle personne"
        if holder is not None:
            item.note = " ; ".join(filter(None, [item.note, f"remplace {holder.person.display_name}"]))
        plan.created.append(item)
    plan.seats_added = list(new_seats.values())

    numbers = {seat.pk: number for group in seats_of.values() for number, seat in enumerate(group, start=1)}
    for (seat_id, _role), mandate in sorted(current.items(), key=lambda entry: (entry[1].seat_id, entry[0][1])):
        if mandate.pk in kept:
            continue
        seat = mandate.seat
        plan.ended.append(
            PlanItem(
                section=seat.section.kind,
                organisation=seat.organisation.acronym,
                role=mandate.role,
                person=mandate.person.display_name,
                seat_number=numbers.get(seat_id, 0),
                start=mandate.start,
                end=plan.end_day,
                mandate=mandate,
            )
        )
        if mandate.start >= day:
            plan.errors.append(
                f"Le mandat de {mandate.person.display_name} ({mandate.get_role_display().lower()}, "
                f"{seat.organisation.acronym}) commence le {date_short(mandate.start)} : il ne peut se terminer le "
                f"{date_short(plan.end_day)}. Choisissez une date d'effet postérieure ou corrigez ce mandat."
            )
    for seat in seats:
        if seat.pk in reached:
            continue
        plan.seats_closed.append(
            SeatChange(
                section=seat.section.kind,
                organisation=seat.organisation.acronym,
                seat_number=numbers[seat.pk],
                seat=seat,
            )
        )
        if seat.opened_on is not None and seat.opened_on > plan.end_day:
            plan.errors.append(
                f"Le siège {numbers[seat.pk]} de {seat.organisation.acronym} "
                f"({seat.section.get_kind_display().lower()}) est ouvert le {date_short(seat.opened_on)} : il ne peut "
                f"être supprimé le {date_short(plan.end_day)}."
            )
    missing = {kind for kind in SectionKind.values if kind not in sections}
    if missing:
        plan.errors.append("La commission n'a pas ses deux sections : corrigez-la dans l'administration.")
    return plan


# ---------------------------------------------------------------------------
# Applying


class PlanChanged(Exception):
    """The composition changed between the preview and the confirmation: the new plan must be previewed."""

    def __init__(self, plan: CompositionPlan) -> None:
        super().__init__("La composition a changé depuis l'aperçu.")
        self.plan = plan


def _row_error(line: int | None, error: ValidationError) -> ValidationError:
    prefix = f"Ligne {line} : " if line else ""
    return ValidationError([f"{prefix}{message}" for message in error.messages])


@transaction.atomic
def composition_apply(
    *,
    commission: Commission,
    rows: Iterable[ImportRow],
    day: datetime.date,
    filename: str,
    user=None,
    approved_on: datetime.date | None = None,
    expected: str | None = None,
) -> CompositionPlan:
    """Apply an import in one transaction; ValidationError (nothing saved) or PlanChanged otherwise."""
    # Two imports into the same commission wait for each other rather than interleave.
    list(Seat.objects.select_for_update(of=("self",)).filter(section__commission=commission).values_list("pk"))
    plan = composition_plan(commission=commission, rows=rows, day=day)
    if plan.errors:
        raise _errors(plan.errors)
    if expected is not None and plan.fingerprint() != expected:
        raise PlanChanged(plan)
    if not plan.has_changes:
        return plan
    change = CompositionChange(
        commission=commission,
        effective_on=day,
        approved_on=approved_on,
        description=f"Import de composition (fichier {filename[:200]})",
        created_by=user if user is not None and user.is_authenticated else None,
    )
    change.full_clean()
    change.save()
    for item in plan.ended:
        try:
            mandate_end(mandate=item.mandate, end=plan.end_day, change=change)
        except ValidationError as error:
            raise _row_error(None, error) from error
    for closing in plan.seats_closed:
        closing.seat.closed_on = plan.end_day
        closing.seat.full_clean()
        closing.seat.save(update_fields=["closed_on"])
    sections = {section.kind: section for section in commission.sections.all()}
    organisations = Organisation.objects.in_bulk({adding.key[1] for adding in plan.seats_added})
    added: dict[tuple[str, int, int], Seat] = {}
    for adding in plan.seats_added:
        section, organisation_id, _index = adding.key
        added[adding.key] = seat_add(
            section=sections[section], organisation=organisations[organisation_id], opened_on=day
        )
    new_persons: dict[tuple[str, ...], Person] = {}
    for item in plan.created:
        row = item.row
        person = item.person_obj
        try:
            if person is None:
                person = new_persons.get(row.person_key)
            if person is None:
                person = Person(
                    civility=row.civility, last_name=row.last_name, first_name=row.first_name, email=row.email
                )
                person.full_clean()
                person.save()
                new_persons[row.person_key] = person
            mandate_add(
                seat=item.seat or added[item.new_seat],
                role=row.role,
                person=person,
                start=item.start,
                end=row.end,
                change=change,
            )
        except ValidationError as error:
            raise _row_error(row.line, error) from error
    return plan


# ---------------------------------------------------------------------------
# Export


def composition_table(*, commission: Commission, day: datetime.date) -> list[list[Any]]:
    """The composition on a day as rows in the import format (header first); vacancies have no name."""
    table: list[list[Any]] = [list(HEADERS)]
    for composition in composition_on(commission, day):
        section = composition.section.get_kind_display()
        for seat_row in composition.rows:
            for role, mandate in (
                (Mandate.Role.TITULAR, seat_row.titular),
                (Mandate.Role.SUBSTITUTE, seat_row.substitute),
            ):
                line: list[Any] = [section, seat_row.seat.organisation.acronym, role.label.lower()]
                if mandate is None:
                    line += ["", "", "", "", None, None]
                else:
                    person = mandate.person
                    line += [
                        person.civility,
                        person.last_name,
                        person.first_name,
                        person.email,
                        mandate.start,
                        mandate.end,
                    ]
                table.append(line)
    return table


def composition_csv(*, commission: Commission, day: datetime.date) -> bytes:
    """CSV separated by `;`, UTF-8 with a BOM so that Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in composition_table(commission=commission, day=day):
        writer.writerow(_cell_text(cell) for cell in line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def composition_xlsx(*, commission: Commission, day: datetime.date) -> bytes:
    """A workbook of one sheet; dates are date cells shown as jj/mm/aaaa."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Composition"
    for line in composition_table(commission=commission, day=day):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in ("H", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHI", (24, 18, 12, 10, 22, 18, 30, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
