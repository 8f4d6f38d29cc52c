"""The tables of the source documents (000, 001, 004) imported and stored exactly."""

import datetime
import re
from decimal import Decimal

import pytest

from stats.models import StatTable, StatValue
from stats.parsing import FileRejected
from stats.services import TableMeta, table_import, table_parse
from tests.stats.helpers import data_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def cell(table: StatTable, label: str, header: str) -> StatValue | None:
    return StatValue.objects.filter(row__table=table, row__label=label, column__header=header).first()


def meta(title="Tableau", year=2023) -> TableMeta:
    return TableMeta(title=title, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))


def test_the_paca_amounts_of_000_are_stored_exactly(commission, alice):
    table, created = table_import(
        commission=commission,
        data=data_file("montants_paca_2023.csv"),
        file_name="montants_paca_2023.csv",
        kind="montants",
        meta=meta(),
        user=alice,
    )
    assert created
    assert table.kind == "montants"
    assert table.warnings == []
    assert table.imported_by == alice
    value = cell(table, "Appareils matériels de traitements", "Régime général / Montant")
    assert value.value == Decimal("261355100")
    assert cell(table, "Appareils matériels de traitements", "Régime général / PCAP").value == Decimal("9.9")
    assert cell(table, "Appareils matériels de traitements", "MSA / PCAP").value == Decimal("-0.2")
    assert cell(table, "Appareils matériels de traitements", "France (PCAP)").value == Decimal("7.8")
    ns = cell(table, "Orthoprothèses", "MSA / PCAP")
    assert ns.flag == "NS" and ns.value is None
    # Empty cells are no value at all, never a zero.
    assert cell(table, "Prothèses internes inertes", "MSA / Montant") is None
    assert cell(table, "TOTAL PRESTATIONS", "TOTAL PROVENCE-ALPES-COTE D'AZUR / Montant").value == Decimal("300177994")
    rows = {row.label: row for row in table.rows.all()}
    assert rows["Total LPP Titre 1"].is_subtotal
    assert rows["TOTAL PRESTATIONS"].is_subtotal
    assert not rows["Orthèses"].is_subtotal
    assert rows["Orthèses"].group_label == "LPP Titre 2"
    assert rows["Articles de pansements"].group_label == "LPP Titre 1"


def test_the_cote_d_or_amounts_of_004_in_windows_1252_with_two_header_rows(commission):
    data = data_file("montants_cote_dor_2024.csv")
    data.decode("cp1252")  # the fixture is really Windows-1252
    parsed = table_parse(data=data, file_name="cote_dor.csv")
    assert parsed.kind == "montants"
    assert parsed.warnings == []
    table, _ = table_import(commission=commission, data=data, file_name="cote_dor.csv", kind="auto", meta=meta())
    assert cell(table, "Aides et rémunérations conventionnelles", "MSA / Evolutions").value == Decimal("2406.8")
    assert cell(table, "Médicaments non remboursés", "Evolutions Région").value == Decimal("30087.3")
    assert cell(table, "Médicaments non remboursés", "MSA / Montants").value == Decimal("0")
    assert cell(table, "Médicaments non remboursés", "RG / Evolutions") is None
    assert cell(table, "Médicaments remboursés à 80%", "MSA / Montants") is None
    subtotals = set(table.rows.filter(is_subtotal=True).values_list("label", flat=True))
    assert subtotals == {"TOTAL", "Autres prestations", "LPP", "Médicaments"}
    assert table.rows.get(label="TOTAL").line == 5


def test_the_preamble_gives_source_and_period(commission):
    from stats.services import preamble_hints

    parsed = table_parse(data=data_file("montants_cote_dor_2024.csv"), file_name="c.csv")
    hints = preamble_hints(parsed.preamble)
    assert hints["source"] == "Source SNDS AMOS le 05/02/2025"
    assert hints["extraction_date"] == datetime.date(2025, 2, 5)
    assert (hints["period_start"], hints["period_end"]) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def test_sesam_vitale_by_organism_of_000_keeps_codes_as_text(commission):
    table, _ = table_import(
        commission=commission,
        data=data_file("sesam_organismes_2023.csv"),
        file_name="sesam.csv",
        kind="sesam_vitale",
        meta=meta(),
    )
    assert list(table.rows.values_list("label", flat=True)) == ["04", "05", "06", "13", "2A", "2B", "83", "84"]
    assert list(table.rows.values_list("code", flat=True))[:5] == ["04", "05", "06", "13", "2A"]
    assert cell(table, "2B", "TAUX EN SV").value == Decimal("53.13")
    assert cell(table, "84", "TAUX EN SV").decimals == 2
    assert table.warnings == []


def test_sesam_vitale_rates_truncated_in_001_raise_no_warning(commission):
    parsed = table_parse(data=data_file("sesam_departements_2024.csv"), file_name="s.csv", kind="sesam_vitale")
    assert parsed.warnings == []


def test_a_rate_that_neither_rounding_nor_truncation_explains_is_a_warning():
    data = "Département;Nombre de PS;PS en SESAM-Vitale;Taux de PS en SESAM-Vitale;PS en SCOR;Taux de PS en SCOR\n"
    data += "Var;144;44;31,5%;150;104,1%\n"
    parsed = table_parse(data=data.encode(), file_name="s.csv", kind="sesam_vitale")
    assert [str(w) for w in parsed.warnings] == [
        "Ligne 2, colonne D (« Taux de PS en SESAM-Vitale ») : taux SESAM-Vitale donné 31,5 %, recalculé 30,56 % "
        "(44 / 144)."
    ]  # SCOR above 100 % is allowed


def test_the_departmental_indicators_of_004_recognise_the_region_total(commission):
    table, _ = table_import(
        commission=commission,
        data=data_file("indicateurs_trod_angine.csv"),
        file_name="trod.csv",
        kind="indicateurs",
        meta=meta(),
    )
    assert cell(table, "Côte-d'Or", "Nb de TROD angine").value == Decimal("1499")
    assert cell(table, "BFC", "Nb de TROD angine").value == Decimal("14431")
    assert cell(table, "Jura", "Part d'officines").value == Decimal("79")
    assert table.columns.get(header="Part d'officines").percent
    assert table.rows.get(label="BFC").is_subtotal
    assert table.warnings == []


def test_consistency_warnings_fire_on_a_doctored_file():
    data = data_file("montants_paca_2023.csv").decode("utf-8-sig")
    data = re.sub(r"5.869.781", "5 869 791", data)  # RG of "Articles de pansements" + 10
    parsed = table_parse(data=data.encode("utf-8"), file_name="doctored.csv", kind="montants")
    messages = [str(warning).replace("\u00a0", " ") for warning in parsed.warnings]
    assert (
        "Ligne 4, colonne I (« TOTAL PROVENCE-ALPES-COTE D'AZUR / Montant ») : le total (6 202 582) diffère de la "
        "somme des régimes (6 202 592)." in messages
    )
    assert any("Ligne 4" in m and "diffère de la somme des régimes" in m for m in messages)
    assert any("Ligne 5" in m and "Total LPP Titre 1" in m and "Régime général" in m for m in messages)
    trod = data_file("indicateurs_trod_angine.csv").decode().replace("Yonne;2\u202f424", "Yonne;2\u202f434")
    parsed = table_parse(data=trod.encode(), file_name="trod.csv", kind="indicateurs")
    assert [warning.line for warning in parsed.warnings] == [10]
    assert "BFC" in str(parsed.warnings[0])


def test_merged_xlsx_headers_are_read(commission):
    rows = [
        ["BILAN DES MONTANTS REMBOURSES EN CORSE – ANNEE 2023"],
        [None, ".", "Régime général", None, "MSA", None, "RSI AUTRES", None, "TOTAL CORSE", None, "France (PCAP)"],
        [None, None, "Montant", "PCAP", "Montant", "PCAP", "Montant", "PCAP", "Montant", "PCAP", None],
        [
            "LPP Titre 1",
            "Appareils matériels de traitements",
            10926832,
            0.021,
            762439,
            -0.056,
            399762,
            -0.012,
            12089033,
            0.015,
            0.078,
        ],
        [None, "Articles de pansements", 128404, "-25,6%", 7325, "-14,8%", 2548, "18,9%", 138278, "-24,6%", "4,4%"],
        [None, "Total LPP Titre 1", 11055236, "1,7%", 769764, "-5,7%", 402310, "-1,1%", 12227311, "1,1%", "7,8%"],
        [
            "LPP Titre 2",
            "Prothèses externes non orthopédiques",
            19019,
            "-3,8%",
            877,
            "NS",
            1667,
            "NS",
            21562,
            "2,8%",
            "6,4%",
        ],
    ]
    data = xlsx_bytes(rows, merges=["C2:D2", "E2:F2", "G2:H2", "I2:J2", "K2:K3"])
    table, _ = table_import(commission=commission, data=data, file_name="corse.xlsx", kind="auto", meta=meta())
    assert table.kind == "montants"
    headers = list(table.columns.values_list("header", flat=True))
    assert headers[:2] == ["Régime général / Montant", "Régime général / PCAP"]
    assert "TOTAL CORSE / PCAP" in headers
    assert cell(table, "Appareils matériels de traitements", "Régime général / Montant").value == Decimal("10926832")
    assert cell(table, "Appareils matériels de traitements", "Régime général / PCAP").value == Decimal("2.1")
    assert cell(table, "Articles de pansements", "Régime général / PCAP").value == Decimal("-25.6")
    assert cell(table, "Prothèses externes non orthopédiques", "MSA / PCAP").flag == "NS"
    assert table.rows.get(label="Articles de pansements").line == 5
    assert table.warnings == []


def test_a_named_sheet_is_read_and_a_missing_one_is_refused(commission):
    data = xlsx_bytes([["Département", "Nb"], ["Jura", 3], ["Doubs", 4]], sheet="TROD")
    assert table_parse(data=data, file_name="t.xlsx", kind="indicateurs", sheet="TROD").rows[1].label == "Doubs"
    with pytest.raises(FileRejected, match="La feuille « Autre » n'existe pas"):
        table_parse(data=data, file_name="t.xlsx", kind="indicateurs", sheet="Autre")


def test_the_same_file_twice_is_not_duplicated(commission):
    data = data_file("indicateurs_trod_angine.csv")
    first, created = table_import(commission=commission, data=data, file_name="a.csv", kind="auto", meta=meta())
    again, created_again = table_import(commission=commission, data=data, file_name="b.csv", kind="auto", meta=meta())
    assert created and not created_again
    assert first.pk == again.pk
    assert StatTable.objects.count() == 1


def test_a_bad_file_stores_nothing(commission):
    data = "Département;Nb de TROD\nJura;3\nDoubs;x\n".encode()
    with pytest.raises(FileRejected):
        table_import(commission=commission, data=data, file_name="t.csv", kind="indicateurs", meta=meta())
    assert StatTable.objects.count() == 0
    assert StatValue.objects.count() == 0


def test_a_label_column_headed_with_a_dot_is_called_poste():
    parsed = table_parse(data=data_file("montants_paca_2023.csv"), file_name="montants_paca_2023.csv", kind="montants")

    assert parsed.label_header == "Poste"
