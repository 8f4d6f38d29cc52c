"""National extracts: cleaning with line and column, storage (COPY on PostgreSQL), derived montants tables."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from stats.extract.derivation import montants_derive
from stats.extract.jobs import extract_create, extract_process
from stats.extract.reading import ChunkReader, extract_read
from stats.models import CommissionTerritory, ExtractLine, NationalExtract, StatValue
from stats.parsing import FileRejected
from stats.territories import normalise_territory

HEADER = "periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1\n"
LINES = [
    # Bouches-du-Rhône written 013, Var 83, the region R93 given directly, Corse 2A, and another department.
    "2024-01-01;2024-12-31;013;Orthèses;RG;1 100,00;1 000\n",
    "2024-01-01;2024-12-31;013;Orthèses;MSA;55;50\n",
    "2024-01-01;2024-12-31;13;Véhicules pour handicapés;RG;200;\n",
    "2024-01-01;2024-12-31;83;Orthèses;RG;300;300\n",
    "2024-01-01;2024-12-31;R93;Orthèses;RG;2 000;1 600\n",
    "2024-01-01;2024-12-31;2A;Orthèses;Autres;10;0\n",
    "01/01/2024;31/12/2024;21;Orthèses;RG;900;1 000\n",
    "2023-01-01;2023-12-31;13;Orthèses;RG;1 000;900\n",
]
EXTRACT = (HEADER + "".join(LINES)).encode("utf-8")


@pytest.mark.parametrize("code, expected", [("21", "21"), ("021", "21"), ("2a", "2A"), ("974", "974"), ("r93", "R93")])
def test_territory_codes_are_normalised(code, expected):
    assert normalise_territory(code) == expected


def test_the_extract_is_cleaned_vectorised():
    frame = extract_read(EXTRACT, "extrait.csv")
    assert len(frame) == 8
    assert list(frame["territory"]) == ["13", "13", "13", "83", "R93", "2A", "21", "13"]
    assert frame["amount"].iloc[0] == 1100.0
    assert frame["amount_n_1"].isna().iloc[2]
    assert frame["period_start"].iloc[6] == datetime.date(2024, 1, 1)
    assert list(frame["line"][:2]) == [2, 3]


@pytest.mark.parametrize(
    "bad_line, message",
    [
        (
            "2024-01-01;2024-12-31;13;Orthèses;RG;12a;1\n",
            "Ligne 3, colonne F (« montant ») : « 12a » n'est pas un nombre.",
        ),
        ("2024-13-01;2024-12-31;13;Orthèses;RG;1;1\n", "Ligne 3, colonne A (« periode_debut ») : date « 2024-13-01 »"),
        ("2024-01-01;2024-12-31;13;Orthèses;CNMSS;1;1\n", "Ligne 3, colonne E (« regime ») : régime « CNMSS » inconnu"),
        ("2024-01-01;2024-12-31;13;Orthèses;RG;1;1;9\n", "Ligne 3 : 8 cellules au lieu de 7."),
    ],
)
def test_bad_lines_are_reported_with_line_and_column(bad_line, message):
    with pytest.raises(FileRejected) as error:
        extract_read((HEADER + LINES[0] + bad_line).encode(), "extrait.csv")
    assert message in error.value.report()


def test_a_wrong_header_is_refused():
    with pytest.raises(FileRejected, match="en-tête attendu"):
        extract_read(b"a;b;c\n1;2;3\n", "extrait.csv")


def _load(db_user=None) -> NationalExtract:
    extract, _ = extract_create(data=EXTRACT, file_name="extrait.csv", title="Extrait 2024", user=db_user)
    return extract_process(extract_id=extract.pk)


@pytest.mark.django_db
def test_the_extract_is_stored_one_row_per_line_and_not_twice():
    extract = _load()
    assert extract.status == NationalExtract.Status.DONE
    assert ExtractLine.objects.filter(extract=extract).count() == 8
    line = ExtractLine.objects.get(extract=extract, line=4)
    assert (line.territory, line.amount, line.amount_n_1) == ("13", Decimal("200.00"), None)
    assert ["2024-01-01", "2024-12-31"] in extract.periods
    again, created = extract_create(data=EXTRACT, file_name="copie.csv", title="Copie")
    assert not created and again.pk == extract.pk
    assert extract_process(extract_id=extract.pk) is None  # already done: nothing is run twice


@pytest.mark.django_db
def test_deleting_an_extract_deletes_its_lines_and_no_other():
    extract, other = (
        _load(),
        extract_process(
            extract_id=extract_create(data=(HEADER + LINES[3]).encode(), file_name="autre.csv", title="Autre")[0].pk
        ),
    )
    extract.delete()
    assert not ExtractLine.objects.filter(extract_id=extract.pk).exists()
    assert ExtractLine.objects.filter(extract=other).count() == 1


@pytest.mark.django_db
def test_a_bad_extract_fails_with_its_report_and_no_line():
    extract, _ = extract_create(data=(HEADER + "x;y;13;P;RG;1;1\n").encode(), file_name="e.csv", title="Mauvais")
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.FAILED
    assert "Ligne 2, colonne A" in extract.error_report
    assert not ExtractLine.objects.exists()


def _derived_value(table, label, header):
    value = StatValue.objects.filter(row__table=table, row__label=label, column__header=header).first()
    return None if value is None else value.value


@pytest.mark.django_db
def test_a_commission_gets_the_montants_table_of_its_territory(commission):
    extract = _load()
    CommissionTerritory.objects.create(commission=commission, code="013")
    table, created = montants_derive(
        commission=commission,
        extract=extract,
        territory="13",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    assert created and table.kind == "montants" and table.derived_from == extract
    assert _derived_value(table, "Orthèses", "RG / Montants") == Decimal("1100")
    assert _derived_value(table, "Orthèses", "RG / Evolutions") == Decimal("10.0")
    assert _derived_value(table, "Orthèses", "TOTAL / Montants") == Decimal("1155")
    assert _derived_value(table, "Orthèses", "TOTAL / Evolutions") == Decimal("10.0")
    # Region: the extract's own R93 line; France: the sum of the departments (13, 83, 2A, 21).
    assert _derived_value(table, "Orthèses", "Evolutions Région") == Decimal("25.0")
    assert _derived_value(table, "Orthèses", "Evolutions France") == Decimal("0.6")  # 2365 / 2350
    # PCAP is empty when the previous amount is empty.
    assert _derived_value(table, "Véhicules pour handicapés", "TOTAL / Evolutions") is None
    assert _derived_value(table, "TOTAL", "TOTAL / Montants") == Decimal("1355")
    again, created_again = montants_derive(
        commission=commission,
        extract=extract,
        territory="013",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    assert not created_again and again.pk == table.pk


@pytest.mark.django_db
def test_a_territory_the_commission_does_not_cover_is_refused(commission):
    from django.core.exceptions import ValidationError

    extract = _load()
    with pytest.raises(ValidationError):
        montants_derive(
            commission=commission,
            extract=extract,
            territory="21",
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 12, 31),
        )


@pytest.mark.django_db
def test_only_a_national_statistician_uploads_extracts(client, alice, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("statistics_national:extract_list")
    client.force_login(alice)
    assert client.get(url).status_code == 403
    alice.user_permissions.add(Permission.objects.get(codename="import_national_extract"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"file": SimpleUploadedFile("extrait.csv", EXTRACT), "title": "Extrait 2024"})
    assert len(callbacks) == 1  # queued on commit, run eagerly here
    extract = NationalExtract.objects.get()
    assert response.url == reverse("statistics_national:extract_detail", args=[extract.pk])
    extract.refresh_from_db()
    assert extract.status == NationalExtract.Status.DONE and extract.progress == 100
    page = client.get(response.url).content.decode()
    assert "8 lignes chargées" in page


@pytest.mark.postgres
def test_the_copy_path_loads_the_extract_on_postgresql(commission):
    from django.db import connection

    assert connection.vendor == "postgresql"
    extract = _load()
    assert extract.status == NationalExtract.Status.DONE
    stored = ExtractLine.objects.get(extract=extract, line=2)
    assert (stored.territory, stored.poste, stored.regime) == ("13", "Orthèses", "RG")
    assert (stored.amount, stored.amount_n_1) == (Decimal("1100.00"), Decimal("1000.00"))
    assert ExtractLine.objects.get(extract=extract, line=4).amount_n_1 is None
    CommissionTerritory.objects.create(commission=commission, code="13")
    table, _ = montants_derive(
        commission=commission,
        extract=extract,
        territory="13",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    assert _derived_value(table, "Orthèses", "Evolutions France") == Decimal("0.6")


def _many_lines(count: int, bad_at: int | None = None) -> bytes:
    lines = [HEADER]
    for number in range(count):
        amount = "12x" if number == bad_at else f"{number}\u00a0000,5"
        lines.append(f"2024-01-01;2024-12-31;{number % 95 + 1:03d};Poste {number % 7};RG;{amount};\n")
    return "".join(lines).encode()


@pytest.mark.django_db
def test_an_extract_read_by_blocks_keeps_its_line_numbers_and_is_all_or_nothing(monkeypatch):
    monkeypatch.setattr(ChunkReader, "BLOCK_BYTES", 1000)  # some 20 lines a block
    extract, _ = extract_create(data=_many_lines(300), file_name="blocs.csv", title="Par blocs")
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.DONE and extract.rows_total == 300
    stored = ExtractLine.objects.get(extract=extract, line=251)  # line 251 of the file: its 250th line of data
    assert (stored.territory, stored.poste, stored.amount) == ("60", "Poste 4", Decimal("249000.50"))
    # A bad cell in a late block: the report names its line, and no line of the earlier blocks is kept.
    bad, _ = extract_create(data=_many_lines(300, bad_at=280), file_name="mauvais.csv", title="Mauvais")
    bad = extract_process(extract_id=bad.pk)
    assert bad.status == NationalExtract.Status.FAILED
    assert "Ligne 282, colonne F (« montant ») : « 12x » n'est pas un nombre." in bad.error_report
    assert not ExtractLine.objects.filter(extract=bad).exists()


def test_an_extract_with_month_first_dates_is_refused_as_a_whole():
    """As an English-locale spreadsheet saves it: 03/31/2024 ends the period on line 3, whose start 03/01/2024 would
    otherwise have been read as the 3rd of January."""
    lines = ["03/01/2024;03/31/2024;13;Orthèses;RG;1;1\n"]
    with pytest.raises(FileRejected) as error:
        extract_read((HEADER + LINES[0] + "".join(lines)).encode(), "extrait.csv")
    report = error.value.report()
    assert "Ligne 3, colonne B (« periode_fin ») : date « 03/31/2024 » écrite mois/jour, à l'anglaise" in report
    assert "n'a rien importé" in report


def _ascii_lines(count: int) -> str:
    return "".join(
        f"2024-01-01;2024-12-31;{number % 95 + 1:03d};Poste {number % 7};RG;{number},5;\n" for number in range(count)
    )


@pytest.mark.django_db
def test_a_windows_1252_byte_past_the_first_64_kb_reads_the_file_again_as_windows_1252():
    # 2,000 lines of ASCII (some 90 KB) read as UTF-8, then an "è" in Windows-1252: read again from the start.
    text = HEADER + _ascii_lines(2000) + "2024-01-01;2024-12-31;13;Orthèses;RG;1 100,00;\n"
    data = text.encode("cp1252")
    assert len(data) > 64 * 1024
    extract, _ = extract_create(data=data, file_name="windows.csv", title="Windows-1252")
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.DONE and extract.rows_total == 2001
    assert ExtractLine.objects.filter(extract=extract).count() == 2001  # the lines sent as UTF-8 were dropped
    assert ExtractLine.objects.get(extract=extract, line=2002).poste == "Orthèses"
    assert extract_read(data, "windows.csv")["poste"].iloc[-1] == "Orthèses"


@pytest.mark.django_db
def test_a_blank_line_in_a_late_block_refuses_the_file_with_its_line(monkeypatch):
    monkeypatch.setattr(ChunkReader, "BLOCK_BYTES", 1000)
    data = (HEADER + _ascii_lines(200) + " \r\n" + _ascii_lines(10)).encode()
    extract, _ = extract_create(data=data, file_name="blanche.csv", title="Ligne blanche")
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.FAILED
    assert "Ligne 202 : ligne vide au milieu du fichier." in extract.error_report
    assert not ExtractLine.objects.filter(extract=extract).exists()


def test_an_undecodable_byte_is_named_by_its_line():
    # 0x81 is neither UTF-8 nor Windows-1252.
    data = (HEADER + _ascii_lines(3)).encode() + b"2024-01-01;2024-12-31;13;Poste \x81;RG;1;\n"
    with pytest.raises(FileRejected) as error:
        extract_read(data, "illisible.csv")
    assert "Ligne 5 : caractère illisible" in error.value.report()
