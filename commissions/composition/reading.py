"""Reading a commission's composition from a spreadsheet (CSV, XLSX or ODS) into rows; nothing is written.

The file has one row per role of a seat, with these columns:

    Section ; Organisation ; Rôle ; Civilité ; Nom ; Prénom ; E-mail ; Début ; Fin

Rules of the import (the export writes exactly this format, so that exporting
and importing again at the same date changes nothing):

Reading the file
- The content decides the format, not the file name; the reading is
  `portal.spreadsheets`, shared with the statistics import. An XLSX or ODS
  (zip) file is read from its first sheet (date cells may be dates or Excel
  serial numbers); anything else must be text: CSV in UTF-8 (with or without BOM),
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
  Fin may not precede Début. Written dates are read day first: a file with a
  day over 12 in the second position of any written date (02/13/2025, as an
  English-locale spreadsheet saves it) is refused as a whole, saying so,
  since its other dates (03/04/2025) would otherwise be read wrongly.
- An empty Nom, or "à pourvoir", is a vacant role: no mandate.
- The same person twice with the same section, organisation and role is a
  duplicate: both rows are named.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.utils.datetime import from_excel

from members.models import Organisation, OrganisationAlias, Person
from portal.formats import date_short
from portal.spreadsheets import WORKBOOKS, SpreadsheetError, column_letter, read_csv, read_workbook, sniff

from .models import Mandate, SectionKind

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


def loose(value: str) -> str:
    """Case- and accent-insensitive form of a name, keeping word boundaries."""
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(kept.replace("-", " ").split())


def errors_at_most(messages: list[str]) -> ValidationError:
    """At most MAX_ERRORS messages, so that a wholly wrong file stays readable."""
    if len(messages) > MAX_ERRORS:
        extra = len(messages) - MAX_ERRORS
        messages = messages[:MAX_ERRORS] + [
            f"… et {extra} autre{'s' if extra > 1 else ''} erreur{'s' if extra > 1 else ''}."
        ]
    return ValidationError(messages)


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
        return ("name", loose(self.last_name), loose(self.first_name))

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


def cell_text(value: Any) -> str:
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
    "Le fichier n'est pas un tableur CSV, XLSX ou ODS : enregistrez la composition au format .csv, .xlsx ou .ods "
    "(le modèle est celui de l'export)."
)


_UNREADABLE_WORKBOOK = (
    "Le fichier n'est pas un classeur XLSX ou ODS lisible : enregistrez-le au format .xlsx, .ods ou .csv."
)


_UNKNOWN_ENCODING = "L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8, au format .xlsx ou .ods."


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
        grid = (
            read_workbook(content, max_uncompressed=MAX_UNCOMPRESSED_BYTES) if kind in WORKBOOKS else read_csv(content)
        )
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
        text = cell_text(cell)
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
        raise errors_at_most(messages)
    return columns


def _parse_date(value: Any) -> datetime.date:
    """A date from a cell (a workbook's date cells are read as jj/mm/aaaa); ValueError in French otherwise."""
    if isinstance(value, int | float):
        try:
            day = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            day = None
        if isinstance(day, datetime.datetime) and 1900 <= day.year <= 2200:
            return day.date()
        raise ValueError(f"date illisible « {cell_text(value)} » (format attendu : jj/mm/aaaa)")
    text = cell_text(value)
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


def _month_first_date(table: list[tuple[int, list[Any]]], header_line: int, columns: dict[str, int]) -> str:
    """The refusal of a file whose written dates are month first (a day over 12 in the second position), or ""."""
    for line, cells in table:
        if line <= header_line:
            continue
        for name in ("start", "end"):
            index = columns.get(name)
            if index is None or index >= len(cells) or not isinstance(cells[index], str):
                continue
            match = _DATE_FR.match(cell_text(cells[index]))
            if match and int(match[1]) <= 12 < int(match[2]) <= 31:
                return (
                    f"Les dates du fichier sont écrites mois/jour, à l'anglaise (ligne {line}, colonne "
                    f"« {LABELS[name]} » : « {cell_text(cells[index])} ») : le portail lit les dates jour/mois "
                    "(jj/mm/aaaa) et n'a rien importé, pour ne lire aucune date à l'envers. Enregistrez le fichier "
                    "avec des dates jj/mm/aaaa (par exemple avec LibreOffice réglé en français) ou au format .xlsx "
                    "ou .ods, puis importez-le à nouveau."
                )
    return ""


class _OrganisationIndex:
    """Organisations by acronym, other name or full name (case- and accent-insensitive; acronym first)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Organisation] = {}
        organisations = {organisation.pk: organisation for organisation in Organisation.objects.all()}
        for organisation in organisations.values():
            if organisation.name:
                self._by_key.setdefault(loose(organisation.name), organisation)
        for alias in OrganisationAlias.objects.all():
            self._by_key[loose(alias.name)] = organisations[alias.organisation_id]
        for organisation in organisations.values():
            self._by_key[loose(organisation.acronym)] = organisation

    def get(self, text: str) -> Organisation | None:
        return self._by_key.get(loose(text))


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
        if not any(cell_text(cell) for cell in cells):
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
    month_first = _month_first_date(table, header_line, columns)
    if month_first:
        raise ValidationError(month_first)
    if not header_line or (not rows and not messages):
        raise ValidationError("Le fichier est vide : il n'a pas de ligne de composition sous la ligne d'en-tête.")
    if "civility" not in columns and any(not row.is_vacant for row in rows):
        messages.insert(0, "Colonne obligatoire manquante : « Civilité » (obligatoire dès qu'une ligne a un nom).")
    if messages:
        raise errors_at_most(messages)
    return rows


class _RowReader:
    """One data row read into an ImportRow's values; each problem is a message naming the row and the column."""

    def __init__(self, line: int, cells: list[Any], columns: dict[str, int]) -> None:
        self.line, self.cells, self.columns = line, cells, columns
        self.values: dict[str, Any] = {"line": line}
        self.messages: list[str] = []

    def error(self, name: str, message: str) -> None:
        self.messages.append(f"Ligne {self.line}, colonne « {LABELS[name]} » : {message}.")

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return cell_text(self.raw(name))

    def cells_without_header(self) -> None:
        known = set(self.columns.values())
        for index, cell in enumerate(self.cells):
            if index not in known and cell_text(cell):
                self.messages.append(
                    f"Ligne {self.line}, colonne {column_letter(index)} : une valeur (« {cell_text(cell)} ») "
                    f"est dans une colonne sans en-tête."
                )

    def seat(self, organisations: _OrganisationIndex) -> None:
        """Section, organisation and role: which seat and which of its two roles the row fills."""
        section = _SECTIONS.get(_key(self.text("section")))
        if section is None:
            self.error("section", f"section inconnue « {self.text('section')} » (attendu : sociale ou professionnelle)")
        else:
            self.values["section"] = section.value
        if not self.text("organisation"):
            self.error("organisation", "l'organisation manque")
        else:
            organisation = organisations.get(self.text("organisation"))
            if organisation is None:
                self.error("organisation", f"organisation inconnue « {self.text('organisation')} »")
            else:
                self.values["organisation_id"] = organisation.pk
                self.values["organisation"] = organisation.acronym
        role = _ROLES.get(_key(self.text("role")))
        if role is None:
            self.error("role", f"rôle inconnu « {self.text('role')} » (attendu : titulaire ou suppléant)")
        else:
            self.values["role"] = role.value

    def person(self) -> None:
        """Who holds the role (nothing for a vacant role): names, civility and e-mail."""
        last_name = self.text("last_name")
        if _key(last_name) in _VACANT:
            return
        self.values["last_name"] = last_name
        self.values["first_name"] = self.text("first_name")
        civility = _CIVILITIES.get(_key(self.text("civility")))
        if civility is None and "civility" in self.columns:
            if self.text("civility"):
                self.error("civility", f"civilité inconnue « {self.text('civility')} » (attendu : Mme, M. ou Dr)")
            else:
                self.error("civility", "la civilité manque (Mme, M. ou Dr)")
        self.values["civility"] = civility.value if civility else ""
        for name, limit in (("last_name", 100), ("first_name", 100)):
            if len(self.values[name]) > limit:
                self.error(name, f"{limit} caractères au plus")
        email = self.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error("email", f"adresse e-mail invalide « {email} »")
            self.values["email"] = email
        self.period()

    def period(self) -> None:
        values = self.values
        for name in ("start", "end"):
            if self.text(name):
                try:
                    values[name] = _parse_date(self.raw(name))
                except ValueError as problem:
                    self.error(name, str(problem))
        if values.get("start") and values.get("end") and values["end"] < values["start"]:
            self.error("end", f"la fin ({date_short(values['end'])}) précède le début ({date_short(values['start'])})")


def _parse_row(
    line: int, cells: list[Any], columns: dict[str, int], organisations: _OrganisationIndex
) -> tuple[ImportRow | None, list[str]]:
    reader = _RowReader(line, cells, columns)
    reader.cells_without_header()
    reader.seat(organisations)
    reader.person()
    if reader.messages:
        return None, reader.messages
    return ImportRow(**reader.values), []
