"""French numbers, encodings, separators and the files that must be refused."""

import io
import zipfile
from decimal import Decimal

import pytest

from stats.layouts import parse_table
from stats.parsing import FileRejected, parse_number, read_grid
from tests.stats.helpers import xlsx_bytes


@pytest.mark.parametrize(
    "text, value, percent",
    [
        ("261 355 100", Decimal("261355100"), False),
        ("261\u00a0355\u00a0100", Decimal("261355100"), False),
        ("261\u202f355\u202f100", Decimal("261355100"), False),
        ("9,9%", Decimal("9.9"), True),
        ("-0,2 %", Decimal("-0.2"), True),
        ("2 406,8%", Decimal("2406.8"), True),
        ("47,37%", Decimal("47.37"), True),
        ("0", Decimal("0"), False),
    ],
)
def test_it_reads_french_numbers(text, value, percent):
    number = parse_number(text)
    assert number.value == value
    assert number.percent is percent
    assert number.flag == ""


def test_ns_is_a_flag_and_never_zero():
    number = parse_number("NS")
    assert number.value is None
    assert number.flag == "NS"


@pytest.mark.parametrize("text", ["", "   ", None, "\u00a0"])
def test_an_empty_cell_has_no_value(text):
    number = parse_number(text)
    assert number.value is None
    assert number.flag == ""


def test_text_in_a_number_cell_is_refused():
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        parse_number("12a")


def test_a_numeric_workbook_cell_in_a_percentage_column_is_an_excel_percentage():
    assert parse_number(0.099, percent_column=True).value == Decimal("9.9")


def test_the_xlsx_extension_on_a_text_file_is_refused():
    with pytest.raises(FileRejected, match="n'est pas un classeur Excel"):
        read_grid(b"a;b\n1;2\n", "tableau.xlsx")


def test_a_workbook_named_csv_is_refused():
    with pytest.raises(FileRejected, match="extension .csv"):
        read_grid(xlsx_bytes([["a", "b"]]), "tableau.csv")


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected, match="vide"):
        read_grid(b"", "tableau.csv")
    with pytest.raises(FileRejected, match="vide"):
        read_grid(b";;\r\n;;\r\n", "tableau.csv")


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(FileRejected, match="taille autorisée"):
        read_grid(b"a;b\n" * 1000, "tableau.csv", max_bytes=100)


def test_a_zip_bomb_disguised_as_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(FileRejected, match="zip bomb"):
        read_grid(buffer.getvalue(), "tableau.xlsx")


def test_an_archive_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("document.txt", "bonjour")
    with pytest.raises(FileRejected, match="n'est pas un classeur Excel"):
        read_grid(buffer.getvalue(), "tableau.xlsx")


def test_utf16_is_refused_as_an_unknown_encoding():
    with pytest.raises(FileRejected, match="Encodage non reconnu"):
        read_grid("Département;Nb\nJura;3\n".encode("utf-16"), "tableau.csv")


def test_windows_1252_and_utf8_with_bom_give_the_same_grid():
    text = "Département de l'officine;Nombre de pharmacies\r\nCôte-d'Or;106\r\nNièvre;47\r\n"
    cp1252 = read_grid(text.encode("cp1252"), "t.csv")
    utf8 = read_grid(b"\xef\xbb\xbf" + text.encode("utf-8"), "t.csv")
    assert cp1252.rows == utf8.rows
    assert cp1252.rows[1] == (2, ["Côte-d'Or", "106"])
    assert cp1252.encoding == "cp1252"


def test_comma_separated_files_with_quoted_french_decimals_are_read():
    grid = read_grid(b'ORGANISME,PS EN SV,TOTAL DES PS,TAUX EN SV\n04,9,19,"47,37%"\n', "t.csv")
    assert grid.delimiter == ","
    assert grid.rows[1] == (2, ["04", "9", "19", "47,37%"])


def test_a_row_with_too_many_cells_is_refused_with_its_line():
    data = "Département;Nb de TROD;Part\nJura;3;5%\nDoubs;4;5%;12\n".encode()
    with pytest.raises(FileRejected) as error:
        parse_table(read_grid(data, "t.csv"), "indicateurs")
    assert "Ligne 3, colonne D : 4 cellules au lieu de 3 (ligne trop longue)." in error.value.report()


def test_a_row_with_too_few_cells_is_refused_with_its_line():
    data = "Département;Nb de TROD;Part\nJura;3;5%\nDoubs;4\n".encode()
    with pytest.raises(FileRejected) as error:
        parse_table(read_grid(data, "t.csv"), "indicateurs")
    assert "Ligne 3 : 2 cellules au lieu de 3 (ligne trop courte)." in error.value.report()


def test_text_in_a_number_column_names_line_column_and_header():
    data = "Département;Nb de TROD;Part\nJura;3;5%\nDoubs;quatre;5%\n".encode()
    with pytest.raises(FileRejected) as error:
        parse_table(read_grid(data, "t.csv"), "indicateurs")
    assert "Ligne 3, colonne B (« Nb de TROD ») : « quatre » n'est pas un nombre." in error.value.report()


def test_a_header_that_matches_no_layout_is_refused():
    data = "Nom;Prénom\nDupont;Jean\n".encode()
    with pytest.raises(FileRejected, match="en-têtes non reconnus pour un tableau de montants"):
        parse_table(read_grid(data, "t.csv"), "montants")
    with pytest.raises(FileRejected, match="en-têtes non reconnus pour un tableau SESAM-Vitale"):
        parse_table(read_grid(data, "t.csv"), "sesam_vitale")


def test_a_wrong_separator_leaves_one_column_and_is_refused():
    data = "Département|Nb de TROD\nJura|3\n".encode()
    with pytest.raises(FileRejected):
        parse_table(read_grid(data, "t.csv"), "montants")
