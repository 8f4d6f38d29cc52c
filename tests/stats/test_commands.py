"""import_table and export_table, as the issue specifies them."""

import io
import json

import pytest
from django.core.management import call_command

from stats.models import StatTable
from tests.stats.helpers import DATA

pytestmark = pytest.mark.django_db


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_table", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def base_args(path, commission, kind="montants"):
    return [
        str(path),
        "--commission",
        commission.slug,
        "--kind",
        kind,
        "--title",
        "Bilan PACA 2023",
        "--period-start",
        "2023-01-01",
        "--period-end",
        "2023-12-31",
        "--source",
        "Source SNDS AMOS",
    ]


def test_import_table_prints_only_the_new_id(commission):
    out, _ = run_import(*base_args(DATA / "montants_paca_2023.csv", commission))
    table = StatTable.objects.get()
    assert out == f"{table.pk}\n"
    assert table.source == "Source SNDS AMOS"


def test_import_table_exits_1_with_the_french_report_on_a_bad_file(commission, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("Département;Nb de TROD\nJura;3\nDoubs;x\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_table", *base_args(path, commission, kind="indicateurs"))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Le fichier n'a pas pu être importé" in captured.err
    assert "Ligne 3, colonne B (« Nb de TROD ») : « x » n'est pas un nombre." in captured.err
    assert not StatTable.objects.exists()


def test_export_table_json_lists_records_in_file_order(commission):
    out, _ = run_import(*base_args(DATA / "montants_paca_2023.csv", commission))
    buffer = io.StringIO()
    call_command("export_table", out.strip(), "--format", "json", stdout=buffer)
    records = json.loads(buffer.getvalue())
    assert records[0] == {
        "row": "Appareils matériels de traitements",
        "column": "Régime général / Montant",
        "value": 261355100,
        "flag": None,
    }
    assert records[1]["value"] == 9.9
    assert {"row": "Orthoprothèses", "column": "MSA / PCAP", "value": None, "flag": "NS"} in records
    assert {
        "row": "Prothèses internes inertes",
        "column": "MSA / Montant",
        "value": None,
        "flag": None,
    } in records


def test_export_table_csv(commission):
    out, _ = run_import(*base_args(DATA / "sesam_organismes_2023.csv", commission, kind="sesam_vitale"))
    buffer = io.StringIO()
    call_command("export_table", out.strip(), "--format", "csv", stdout=buffer)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "ORGANISME;PS EN SV;TOTAL DES PS;TAUX EN SV"
    assert lines[1] == "04;9;19;47,37 %"
