"""Statistics tables as people save and open them: an ODS imported like its CSV, percentages exported as
fractions in a percent format (so that a formula on them is right), the CSV export separated by ';' with a BOM."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.spreadsheets import read_csv
from stats.models import StatValue
from stats.services import table_import
from tests.ods import Percent, ods
from tests.stats.helpers import data_file

pytestmark = [pytest.mark.django_db]

_NUMBER = re.compile(r"^-?\d+(,\d+)?$")
_PERCENT = re.compile(r"^-?\d+(,\d+)?%$")


def typed(cell: str):
    """A CSV cell as LibreOffice stores it once opened: numbers and percentages as numbers, the rest as text."""
    text = "".join(cell.split()).replace("\u202f", "")
    if _PERCENT.match(text):
        return Percent(round(float(text[:-1].replace(",", ".")) / 100, 10))
    if _NUMBER.match(text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    return cell


def values_of(table) -> list[tuple]:
    """Each cell's row, column, value, decimals shown and flag (a workbook's 0.35 does not say it was "35,0 %")."""
    rows = StatValue.objects.filter(row__table=table).order_by("row__position", "column__position")
    return [(value.row.label, value.column.header, value.value, value.decimals, value.flag) for value in rows]


@pytest.fixture
def csv_table(commission, meta_2023):
    table, _ = table_import(
        commission=commission,
        data=data_file("montants_paca_2023.csv"),
        file_name="paca.csv",
        kind="montants",
        meta=meta_2023,
    )
    return table


def test_an_ods_table_is_imported_with_the_values_of_the_same_table_in_csv(commission, meta_2023, csv_table):
    rows = [[typed(cell) for cell in cells] for _, cells in read_csv(data_file("montants_paca_2023.csv")).rows]
    assert rows[2][3] == Percent(0.099) and rows[2][2] == 261355100
    table, _ = table_import(
        commission=commission, data=ods(rows), file_name="paca.ods", kind="montants", meta=meta_2023
    )
    assert [cell[:3] + cell[4:] for cell in values_of(table)] == [cell[:3] + cell[4:] for cell in values_of(csv_table)]
    assert ("Appareils matériels de traitements", "Régime général / PCAP", Decimal("9.9"), 1, "") in [
        (label, header, value.normalize() if value is not None else None, decimals, flag)
        for label, header, value, decimals, flag in values_of(table)
    ]


def test_the_xlsx_export_stores_percentages_as_fractions_in_a_percent_format(client, alice, commission, csv_table):
    client.force_login(alice)
    response = client.get(reverse("statistics:export", args=[commission.slug, csv_table.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "Appareils matériels de traitements")
    amount, rate = row[header.index("Régime général / Montant")], row[header.index("Régime général / PCAP")]
    assert (amount.value, amount.number_format) == (261355100, "#,##0")
    # 9,9 % is 0.099: a formula (=B3*D3) gives the right figure, and a French spreadsheet shows "9,9 %".
    assert (rate.value, rate.number_format) == (0.099, "0.0 %")
    negative = row[header.index("MSA / PCAP")]
    assert (negative.value, negative.number_format) == (-0.002, "0.0 %")


def test_the_csv_export_is_semicolon_separated_utf8_with_a_bom_and_percent_signs(client, alice, commission, csv_table):
    client.force_login(alice)
    response = client.get(reverse("statistics:export", args=[commission.slug, csv_table.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    line = next(line for line in lines if "Appareils matériels de traitements" in line)
    assert ";261355100;9,9 %;9281201;-0,2 %;" in line


def test_an_ods_goes_through_the_upload_preview_and_confirmation(client, alice, commission):
    from stats.models import PendingUpload, StatTable
    from tests.stats.helpers import upload_post

    rows = [[typed(cell) for cell in cells] for _, cells in read_csv(data_file("montants_paca_2023.csv")).rows]
    client.force_login(alice)
    response = upload_post(client, commission, name="montants_paca_2023.ods", content=ods(rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = PendingUpload.objects.get()
    preview = client.get(reverse("statistics:preview", args=[commission.slug, pending.pk])).content.decode()
    assert "Confirmer l'import" in preview
    client.post(reverse("statistics:confirm", args=[commission.slug, pending.pk]))
    table = StatTable.objects.get()
    assert ("Appareils matériels de traitements", "Régime général / Montant") in {
        (label, header) for label, header, *_ in values_of(table)
    }
