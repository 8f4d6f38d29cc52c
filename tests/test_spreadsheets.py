"""The shared reader of uploaded spreadsheets: encodings, separators, workbooks and the files it refuses."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from portal.spreadsheets import (
    SpreadsheetError,
    check_archive,
    column_letter,
    decode,
    detect_delimiter,
    read_csv,
    read_workbook,
    read_xlsx,
    sniff,
)
from tests.ods import Percent, ods


def workbook_bytes(*sheets: tuple[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes | str], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- Decoding ------------------------------------------------------------------------------------------


def test_windows_1252_is_decoded_when_the_text_is_not_utf8():
    assert decode("Côte-d'Or;Nièvre;€\r\n".encode("cp1252")) == ("Côte-d'Or;Nièvre;€\r\n", "cp1252")


def test_utf8_is_decoded_with_or_without_its_bom():
    assert decode("Département;Nb\n".encode()) == ("Département;Nb\n", "utf-8")
    assert decode(b"\xef\xbb\xbf" + "Département;Nb\n".encode()) == ("Département;Nb\n", "utf-8-sig")


def test_a_bom_declares_utf8_so_a_bad_byte_after_it_is_refused_with_its_line():
    with pytest.raises(SpreadsheetError) as error:
        decode(b"\xef\xbb\xbfDepartement;Nb\nJura;3\nNi\xe8vre;4\n")

    assert error.value.code == "undecodable"
    assert error.value.line == 3
    assert error.value.message == (
        "caractère illisible : le fichier n'est ni en UTF-8 ni en Windows-1252 (encodage non reconnu)."
    )


def test_a_byte_that_windows_1252_does_not_define_is_refused_with_its_line():
    with pytest.raises(SpreadsheetError) as error:
        decode(b"Departement;Nb\nJura;3\nDoubs;\x81\n")

    assert (error.value.code, error.value.line) == ("undecodable", 3)


def test_utf16_is_refused():
    with pytest.raises(SpreadsheetError) as error:
        decode("Département;Nb\n".encode("utf-16"))

    assert error.value.code == "utf16"
    assert error.value.message.startswith("Encodage non reconnu (UTF-16 ou fichier binaire)")


def test_binary_content_is_refused_and_a_control_character_is_located():
    with pytest.raises(SpreadsheetError) as nul:
        decode(b"\x00\x01\x02binaire")
    with pytest.raises(SpreadsheetError) as control:
        decode(b"a;b\nc;d\ne;\x1bf\n")

    assert (nul.value.code, nul.value.line) == ("binary", None)
    assert (control.value.code, control.value.line) == ("binary", 3)
    assert control.value.message == "caractère de contrôle (U+001B) : ce n'est pas un fichier texte."


# --- Separators and CSV rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("Section;Organisation;Rôle\n", ";"),
        ("Section,Organisation,Rôle\n", ","),
        ("Section\tOrganisation\tRôle\n", "\t"),
        ("Région;Montant (en €, hors dépassements, 2023)\n", ";"),
        ('Nom,"Rôle; remarque",Prénom\n', ","),
        ("\n  \nSection,Organisation\n", ","),
        ("Source SNDS AMOS le 05/02/2025\nPostes;RG\n", ";"),
        ("", ";"),
    ],
    ids=["semicolon", "comma", "tab", "semicolon-before-comma", "quoted-semicolon", "blank-lines", "title", "empty"],
)
def test_the_delimiter_is_the_first_separator_of_the_first_line(text, delimiter):
    assert detect_delimiter(text) == delimiter


def test_csv_rows_carry_the_line_where_they_start():
    grid = read_csv(b'Nom;Remarque\r\nDupont;"sur\r\ndeux lignes"\r\n\r\nDurand;ok\r\n')

    assert (grid.file_format, grid.delimiter, grid.encoding) == ("csv", ";", "utf-8")
    assert grid.rows == [
        (1, ["Nom", "Remarque"]),
        (2, ["Dupont", "sur\r\ndeux lignes"]),
        (4, []),
        (5, ["Durand", "ok"]),
    ]


def test_a_comma_separated_windows_1252_file_is_read():
    grid = read_csv('Département,Taux\r\nCôte-d\'Or,"47,37%"\r\n'.encode("cp1252"))

    assert (grid.delimiter, grid.encoding) == (",", "cp1252")
    assert grid.rows[1] == (2, ["Côte-d'Or", "47,37%"])


def test_a_malformed_csv_is_refused_with_its_line():
    with pytest.raises(SpreadsheetError) as error:
        read_csv(b"a;b\nc;d\ne;" + b"x" * 200_000 + b"\n")

    assert (error.value.code, error.value.line) == ("csv", 3)
    assert error.value.message == "CSV mal formé : un champ dépasse 131\xa0072 caractères (guillemet non refermé ?)."
    assert error.value.detail == "ligne 3 : un champ dépasse 131\xa0072 caractères (guillemet non refermé ?)"


# --- Column letters and file types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "index, letters",
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")],
)
def test_column_letters_follow_the_spreadsheet_from_a_0_based_index(index, letters):
    # The 26th column (index 25) is Z, the 27th (index 26) AA.
    assert column_letter(index) == letters


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"PK\x03\x04rest", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "xls"),
        (b"%PDF-1.7\n", "other"),
        (b"\x89PNG\r\n\x1a\n", "other"),
        (b"Section;Nom\n", "text"),
    ],
)
def test_the_content_tells_the_format(data, kind):
    assert sniff(data) == kind


# --- Workbooks ------------------------------------------------------------------------------------------------


def test_a_workbook_is_read_as_text_and_numbers_with_its_row_numbers():
    data = workbook_bytes(
        (
            "Composition",
            [
                ["Nom", "Nb", "Taux", "Début", "Fin", "Présent"],
                ["  Dupont ", 3, 0.25, datetime.date(2027, 1, 2), datetime.datetime(2027, 12, 31, 18, 30), True],
                [],
                ["Durand", 4.0, None, "N/A", None, False],
            ],
        )
    )

    grid = read_xlsx(data)

    assert grid.file_format == "xlsx"
    assert grid.rows == [
        (1, ["Nom", "Nb", "Taux", "Début", "Fin", "Présent"]),
        (2, ["  Dupont ", 3, 0.25, "02/01/2027", "31/12/2027", "True"]),
        (3, [None, None, None, None, None, None]),
        (4, ["Durand", 4, None, "N/A", None, "False"]),
    ]
    assert type(grid.rows[3][1][1]) is int


def test_a_named_sheet_is_read_and_missing_markers_have_no_value():
    data = workbook_bytes(("Feuil1", [["ignorée"]]), ("TROD", [["Département", "Nb"], ["Jura", "NA"]]))

    grid = read_xlsx(data, sheet="TROD", missing=frozenset(["", "NA"]))

    assert grid.rows == [(1, ["Département", "Nb"]), (2, ["Jura", None])]


def test_a_sheet_that_does_not_exist_is_named_in_the_refusal():
    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(workbook_bytes(("Feuil1", [["a"]])), sheet="Autre")

    assert error.value.code == "no_sheet"
    assert error.value.message == "La feuille « Autre » n'existe pas dans le classeur."


def test_a_zip_bomb_is_refused_before_it_is_read():
    data = zip_bytes(
        {"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": b"0" * (50 * 1024 * 1024)},
        zipfile.ZIP_DEFLATED,
    )

    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(data)

    assert error.value.code == "zip_bomb"
    assert error.value.message == "Classeur refusé : taux de compression anormal (archive piégée, « zip bomb »)."


def test_a_workbook_over_the_uncompressed_limit_is_refused():
    data = workbook_bytes(("Feuil1", [["Nom"], ["Dupont"]]))

    with pytest.raises(SpreadsheetError) as error:
        check_archive(data, max_uncompressed=1000)

    assert error.value.code == "too_large"
    assert "une fois décompressé, il dépasse la taille autorisée" in error.value.message


@pytest.mark.parametrize(
    "data, code, message",
    [
        (b"PK\x03\x04 pas vraiment une archive", "bad_archive", "L'archive du classeur est illisible."),
        (
            zip_bytes({"document.txt": "bonjour"}),
            "not_a_workbook",
            "Le fichier n'est pas un classeur Excel ni OpenDocument.",
        ),
    ],
    ids=["broken-zip", "not-a-workbook"],
)
def test_an_archive_that_is_not_a_workbook_is_refused_in_french(data, code, message):
    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(data)

    assert (error.value.code, error.value.message, error.value.line) == (code, message, None)


def test_a_damaged_workbook_is_refused_with_the_engine_error_named():
    data = zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<pas du XML"})

    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(data)

    assert error.value.code == "unreadable_workbook"
    assert error.value.message == "Classeur illisible (CalamineError)."


def test_an_ods_is_recognised_by_its_content_and_read_like_a_workbook():
    data = ods(
        [
            ["Poste", "Montant", "Évolution", "Date"],
            ["Orthèses", 261355100, Percent(0.099), datetime.date(2025, 2, 26)],
            ["Total", 1.5, None, "03/04/2025"],
        ]
    )
    assert sniff(data) == "ods"
    grid = read_workbook(data)
    assert grid.file_format == "ods"
    assert grid.rows == [
        (1, ["Poste", "Montant", "Évolution", "Date"]),
        (2, ["Orthèses", 261355100, 0.099, "26/02/2025"]),  # a percentage cell is its fraction, as in an XLSX
        (3, ["Total", 1.5, None, "03/04/2025"]),
    ]
