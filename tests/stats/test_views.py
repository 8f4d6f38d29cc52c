"""The statistics screens: upload → preview → confirm, table page, exports, attachment, permissions."""

import io

import pytest
from django.urls import reverse

from stats.models import PendingUpload, StatTable
from stats.services import table_import
from tests.stats.helpers import data_file, upload_post

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def table(commission, meta_2023):
    table, _ = table_import(
        commission=commission,
        data=data_file("montants_paca_2023.csv"),
        file_name="paca.csv",
        kind="montants",
        meta=meta_2023,
    )
    return table


def test_upload_preview_confirm_stores_the_table(client, commission, alice):
    client.force_login(alice)
    response = upload_post(client, commission)
    pending = PendingUpload.objects.get()
    assert response.status_code == 302
    assert StatTable.objects.count() == 0  # nothing stored before confirmation
    preview = client.get(reverse("statistics:preview", args=[commission.slug, pending.pk]))
    assert preview.status_code == 200
    assert "Montants remboursés" in preview.content.decode()
    assert "Confirmer l'import" in preview.content.decode()
    response = client.post(reverse("statistics:confirm", args=[commission.slug, pending.pk]))
    table = StatTable.objects.get()
    assert response.url == table.get_absolute_url()
    assert table.period_start.isoformat() == "2023-01-01"
    assert not PendingUpload.objects.exists()


def test_a_bad_file_shows_the_french_report_and_stores_nothing(client, commission, alice):
    client.force_login(alice)
    content = "Département;Nb de TROD\nJura;3\nDoubs;x\n".encode()
    response = upload_post(client, commission, name="t.csv", content=content, kind="indicateurs")
    assert response.status_code == 200
    assert "Ligne 3, colonne B (« Nb de TROD ») : « x » n&#x27;est pas un nombre." in response.content.decode()
    assert not PendingUpload.objects.exists()
    assert not StatTable.objects.exists()


def test_the_period_may_come_from_the_file(client, commission, alice):
    client.force_login(alice)
    upload_post(client, commission, name="montants_cote_dor_2024.csv", period_start="", period_end="")
    pending = PendingUpload.objects.get()
    assert pending.period_start.isoformat() == "2024-01-01"
    assert pending.source == "Source SNDS AMOS le 05/02/2025"


def test_the_table_page_formats_numbers_in_french_and_draws_a_chart(client, commission, alice, table):
    client.force_login(alice)
    response = client.get(reverse("statistics:detail", args=[commission.slug, table.pk]))
    html = response.content.decode()
    assert "261\u00a0355\u00a0100" in html
    assert "9,9\u00a0%" in html
    assert "NS" in html
    assert "text-danger" in html and "text-success" in html
    assert "<svg" in html
    svg = client.get(reverse("statistics:chart", args=[commission.slug, table.pk]))
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert svg.content.startswith(b"<svg")


def test_the_previous_period_is_compared(client, commission, alice, table):
    import datetime

    from stats.services import TableMeta

    newer, _ = table_import(
        commission=commission,
        data=data_file("montants_paca_2023.csv").replace(b"261", b"262"),
        file_name="paca-2024.csv",
        kind="montants",
        meta=TableMeta("PACA 2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), territory="r93"),
    )
    client.force_login(alice)
    html = client.get(reverse("statistics:detail", args=[commission.slug, newer.pk])).content.decode()
    assert "Comparaison avec la période précédente" in html
    assert "préc. 261\u00a0355\u00a0100" in html


def test_exports_escape_formulas_and_keep_numbers(client, commission, alice, table):
    table.rows.filter(label="Orthèses").update(label='=HYPERLINK("x")')
    client.force_login(alice)
    csv_text = client.get(reverse("statistics:export", args=[commission.slug, table.pk, "csv"])).content.decode()
    assert "'=HYPERLINK" in csv_text
    assert ";261355100;9,9 %;" in csv_text
    assert ";-0,2 %;" in csv_text
    response = client.get(reverse("statistics:export", args=[commission.slug, table.pk, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == 261355100
    assert any(row[1] == '\'=HYPERLINK("x")' for row in values)
    assert client.get(reverse("statistics:export", args=[commission.slug, table.pk, "exe"])).status_code == 404


def test_a_table_is_attached_to_an_agenda_item_of_its_commission(client, commission, alice, table, agenda_item):
    client.force_login(alice)
    client.post(reverse("statistics:attach", args=[commission.slug, table.pk]), {"agenda_item": agenda_item.pk})
    table.refresh_from_db()
    assert table.agenda_item == agenda_item


def test_an_agenda_item_of_another_commission_is_refused(client, commission, alice, table, other_agenda_item):
    client.force_login(alice)
    client.post(reverse("statistics:attach", args=[commission.slug, table.pk]), {"agenda_item": other_agenda_item.pk})
    table.refresh_from_db()
    assert table.agenda_item is None


def test_attach_needs_post(client, commission, alice, table):
    client.force_login(alice)
    assert client.get(reverse("statistics:attach", args=[commission.slug, table.pk])).status_code == 405


def _urls(commission, table):
    slug = commission.slug
    return {
        "list": reverse("statistics:list", args=[slug]),
        "detail": reverse("statistics:detail", args=[slug, table.pk]),
        "chart": reverse("statistics:chart", args=[slug, table.pk]),
        "export": reverse("statistics:export", args=[slug, table.pk, "csv"]),
        "upload": reverse("statistics:upload", args=[slug]),
        "aids": reverse("statistics:aids", args=[slug]),
    }


@pytest.mark.parametrize("name", ["list", "detail", "chart", "export", "upload", "aids"])
def test_bob_gets_404_on_alices_commission(client, commission, bob, table, name):
    client.force_login(bob)
    assert client.get(_urls(commission, table)[name]).status_code == 404


@pytest.mark.parametrize("name", ["list", "detail", "chart", "export"])
def test_charlie_gets_404_and_a_member_may_read(client, commission, charlie, member_user, table, name):
    client.force_login(charlie)
    assert client.get(_urls(commission, table)[name]).status_code == 404
    client.force_login(member_user)
    assert client.get(_urls(commission, table)[name]).status_code == 200


@pytest.mark.parametrize("name", ["upload", "aids"])
def test_a_member_gets_403_on_secretariat_actions(client, commission, member_user, table, name):
    client.force_login(member_user)
    assert client.get(_urls(commission, table)[name]).status_code == 403


def test_bob_cannot_reach_alices_table_through_his_own_commission(client, other_commission, bob, table):
    client.force_login(bob)
    url = reverse("statistics:detail", args=[other_commission.slug, table.pk])
    assert client.get(url).status_code == 404
    delete = reverse("statistics:delete", args=[other_commission.slug, table.pk])
    assert client.post(delete).status_code == 404
    assert StatTable.objects.filter(pk=table.pk).exists()


def test_anonymous_users_are_sent_to_login(client, commission, table):
    response = client.get(reverse("statistics:list", args=[commission.slug]))
    assert response.status_code == 302


def test_january_to_september_is_compared_with_the_same_months_only(client, commission, alice, table):
    import datetime

    from stats.selectors import previous_table
    from stats.services import TableMeta

    def imported(name, start, end):
        # Each file its own figures: the same file imported again is the same table.
        return table_import(
            commission=commission,
            data=data_file("montants_paca_2023.csv").replace(b"261", f"{start:%y%m}{end:%m}".encode()),
            file_name=f"{name}.csv",
            kind="montants",
            meta=TableMeta(name, start, end, territory="R93"),
        )[0]

    nine_months_2024 = imported("PACA janvier–septembre 2024", datetime.date(2024, 1, 1), datetime.date(2024, 9, 30))
    whole_2024 = imported("PACA 2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    nine_months_2025 = imported("PACA janvier–septembre 2025", datetime.date(2025, 1, 1), datetime.date(2025, 9, 30))
    february = imported("PACA février 2024", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    february_2025 = imported("PACA février 2025", datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))

    assert previous_table(nine_months_2025) == nine_months_2024
    assert previous_table(whole_2024) == table  # 2023, the whole year
    assert previous_table(february_2025) == february
    assert previous_table(nine_months_2024) is None  # no January–September 2023: no comparison
