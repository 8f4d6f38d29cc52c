"""Demo statistics tables, imported through the import service from the files written from the seeds.

The files in demo/data are copies of the statistics tests' fixtures (000, 001
and 004 typed out, the Côte-d'Or one in Windows-1252 as CPAM extractions come),
so that the demo holds exactly the documents' values (261 355 100 …).
`load_demo_tables()` runs after the demo meetings (demo.meetings) and attaches
each table to its agenda item. Idempotent: the import service gives back the
table already imported from the same file (same SHA-256) instead of a second one.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from commissions.composition.models import Commission
from commissions.meetings.models import AgendaItem, Meeting
from demo.meetings import AMOUNTS_PACA, COTE_DOR_DAY, PACA_2024_DAY, PACA_2025_DAY, SESAM_DEPARTMENTS
from stats.models import StatTable
from stats.services import TableMeta, table_attach, table_import

D = datetime.date
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DemoTable:
    commission: str  # slug
    file_name: str
    kind: str
    meta: TableMeta
    meeting_day: datetime.date  # the session whose agenda item shows the table
    item_title: str


TABLES = [
    DemoTable(
        "cpr-paca-corse-lpp",
        "montants_paca_2023.csv",
        "montants",
        TableMeta(
            title="Bilan des montants remboursés en PACA – année 2023",
            period_start=D(2023, 1, 1),
            period_end=D(2023, 12, 31),
            territory="R93",
        ),
        PACA_2025_DAY,
        AMOUNTS_PACA,
    ),
    DemoTable(
        "cpr-paca-corse-lpp",
        "sesam_departements_2024.csv",
        "sesam_vitale",
        TableMeta(
            title="Bilan SESAM-Vitale par département – données à octobre 2024",
            period_start=D(2024, 10, 1),
            period_end=D(2024, 10, 31),
            source="Ameli – Réseau",
        ),
        PACA_2025_DAY,
        SESAM_DEPARTMENTS,
    ),
    DemoTable(
        "cpr-paca-corse-lpp",
        "sesam_organismes_2023.csv",
        "sesam_vitale",
        TableMeta(title="Bilan SESAM-Vitale par organisme", period_start=D(2023, 1, 1), period_end=D(2023, 12, 31)),
        PACA_2024_DAY,
        "Bilan SESAM-Vitale",
    ),
    DemoTable(
        "cpl-pharmaciens-cote-dor",
        "montants_cote_dor_2024.csv",
        "montants",
        TableMeta(
            title="Activité des pharmaciens – montants remboursés par poste et par régime",
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
            territory="21",
            source="Source SNDS AMOS le 05/02/2025",
            extraction_date=D(2025, 2, 5),
        ),
        COTE_DOR_DAY,
        "Suivi des dépenses de santé",
    ),
    DemoTable(
        "cpl-pharmaciens-cote-dor",
        "indicateurs_trod_angine.csv",
        "indicateurs",
        TableMeta(
            title="TROD angine – cumul des 12 derniers mois à fin novembre 2024",
            period_start=D(2023, 12, 1),
            period_end=D(2024, 11, 30),
        ),
        COTE_DOR_DAY,
        "Prévention",
    ),
]


def _item(commission: Commission, day: datetime.date, title: str) -> AgendaItem | None:
    return AgendaItem.objects.filter(
        meeting__commission=commission, meeting__date=day, meeting__kind=Meeting.Kind.SESSION, title=title
    ).first()


def load_demo_tables() -> list[StatTable]:
    """Import the demo tables (once each) and attach them to the agenda items of the demo meetings."""
    if not DATA.is_dir():
        raise ImproperlyConfigured(f"Les fichiers des tableaux de démonstration sont introuvables : {DATA}")
    tables = []
    for spec in TABLES:
        commission = Commission.objects.get(slug=spec.commission)
        table, _created = table_import(
            commission=commission,
            data=(DATA / spec.file_name).read_bytes(),
            file_name=spec.file_name,
            kind=spec.kind,
            meta=spec.meta,
        )
        item = _item(commission, spec.meeting_day, spec.item_title)
        if item is not None and table.agenda_item_id != item.pk:
            table = table_attach(table=table, agenda_item=item)
        tables.append(table)
    return tables
