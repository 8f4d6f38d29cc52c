"""Demo statistics tables: every table of the seeds whose figures are in their text, imported as a user would.

The files in demo/data hold the seeds' figures as the secretariat would import
them (CSV typed out of 000 and 004, the Côte-d'Or expenditure table in
Windows-1252 as CPAM extractions come, one XLSX workbook): a newcomer can
import any of them again by hand (Statistiques → Importer un tableau, or
`manage.py import_table`). `load_demo_tables()` imports them through the
statistics services (stats.services.table_import: the same parsing, layouts
and checks as an upload, so a wrong figure is refused, or reported as a total
that does not add up) and attaches each to its agenda item. It runs after the
demo meetings (demo.meetings); the items a table is shown on that the
meetings' agendas lack (the amounts of 000 on the 2024 session, one sub-item
per table of 004) are added here, before the tables are attached.

Idempotent: the import service gives back the table already imported from the
same file (same SHA-256) instead of a second one; an item is added only when
missing, a table attached only when it is not already.

The kinds: 004's departmental tables (TROD, vaccinations, kits, entretiens) are
`indicateurs` (one row per department plus the region total, "BFC"), its
médicaments onéreux by department a `montants` table (RG / MSA / Autres /
TOTAL pairs, FRANCE and the region above the departments). 001 shows the PACA
amounts of 2023 again on 26/02/2025 (its figures are those of 000): the
secretariat imports them there from its workbook (montants_paca_2023.xlsx,
the same figures as the CSV attached to the 2024 session), since a table is
attached to one item and the same file twice gives back the first table.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from commissions.composition.models import Commission
from commissions.meetings.agenda import agenda_item_add, agenda_item_move, agenda_item_update
from commissions.meetings.models import AgendaItem, Meeting, Speaker
from demo.meetings import (
    AMOUNTS_PACA,
    COTE_DOR,
    COTE_DOR_DAY,
    PACA,
    PACA_2024_DAY,
    PACA_2025_DAY,
    SESAM_DEPARTMENTS,
    P,
)
from portal.sanitize import sanitize_html
from stats.models import StatTable
from stats.services import TableMeta, table_attach, table_import

D = datetime.date
DATA = Path(__file__).parent / "data"

# The agenda items the tables are shown on, where the meetings' agendas lack them.
AMOUNTS_2024 = "Bilan des montants remboursés"
AMOUNTS_CORSE = "Bilan des montants remboursés en Corse"
EXPENSIVE_DRUGS = "Focus sur les médicaments onéreux"
TROD = "Tests angine et cystite"
VACCINATION = "Vaccination"
KITS = "Kits de dépistage du cancer colorectal"
INTERVIEWS = "Entretiens"
PREGNANT = "Entretiens femmes enceintes"
PREVENTION_CHECKUP = "Entretiens « Mon bilan prévention »"
CUMUL_2024 = "Cumul des 12 derniers mois à fin novembre 2024."


@dataclass(frozen=True)
class Place:
    """An agenda item of a demo session, added when missing: under `parent`, after the sibling `after`."""

    title: str
    parent: str = ""
    after: str = ""
    speaker: str = ""
    content: str = ""


PLACES = {
    # 000: the amounts of PACA and Corse come between the PERFADOM campaign and the SESAM-Vitale figures.
    (PACA, PACA_2024_DAY): [
        Place(AMOUNTS_2024, after="Campagne régionale PERFADOM", speaker=Speaker.SOCIAL),
        Place(
            AMOUNTS_PACA,
            parent=AMOUNTS_2024,
            speaker=Speaker.SOCIAL,
            content=P("Montants remboursés et évolution (PCAP) par titre de la LPP, par poste et par régime."),
        ),
        Place(
            AMOUNTS_CORSE,
            parent=AMOUNTS_2024,
            speaker=Speaker.SOCIAL,
            content=P("Montants remboursés et évolution (PCAP) par titre de la LPP, par poste et par régime."),
        ),
    ],
    # 004: one slide per table, under "III – Suivi des dépenses de santé" and "V – Prévention".
    (COTE_DOR, COTE_DOR_DAY): [
        Place(
            EXPENSIVE_DRUGS,
            parent="Suivi des dépenses de santé",
            content=P(
                "Médicaments remboursés à 100 % : montants remboursés par département, du 01/01/2024 au 31/12/2024 "
                "(en date de remboursement). Source SNDS AMOS le 05/02/2025."
            ),
        ),
        Place(TROD, parent="Prévention", content=P(CUMUL_2024, "TROD cystite : démarrage en février 2024.")),
        Place(
            VACCINATION,
            parent="Prévention",
            content=P(CUMUL_2024, "Toutes vaccinations : grippe, covid et autres vaccins."),
        ),
        Place(KITS, parent="Prévention", content=P("Progression de la délivrance des kits DOCCR. " + CUMUL_2024)),
        Place(
            INTERVIEWS,
            parent="Prévention",
            content=P(
                "Nombre d'entretiens assurés et nombre de pharmacies ayant réalisé au moins un entretien. " + CUMUL_2024
            ),
        ),
        Place(PREGNANT, parent="Prévention", content=P(CUMUL_2024)),
        Place(PREVENTION_CHECKUP, parent="Prévention", content=P(CUMUL_2024, "Démarrage en février 2024.")),
    ],
}


@dataclass(frozen=True)
class DemoTable:
    commission: str  # slug
    file_name: str
    kind: str
    meta: TableMeta
    meeting_day: datetime.date  # the session whose agenda item shows the table
    item_title: str


def _cumul(title: str) -> TableMeta:
    """A departmental table of 004: the twelve months to the end of November 2024, Bourgogne-Franche-Comté."""
    return TableMeta(
        title=f"{title} – cumul des 12 derniers mois à fin novembre 2024",
        period_start=D(2023, 12, 1),
        period_end=D(2024, 11, 30),
        territory="R27",
    )


def _indicateurs(file_name: str, title: str, item_title: str) -> DemoTable:
    return DemoTable(COTE_DOR, file_name, "indicateurs", _cumul(title), COTE_DOR_DAY, item_title)


AMOUNTS_2023 = dict(period_start=D(2023, 1, 1), period_end=D(2023, 12, 31))

TABLES = [
    # 000: the session of 2024 of the CPR PACA–Corse
    DemoTable(
        PACA,
        "montants_paca_2023.csv",
        "montants",
        TableMeta(title="Bilan des montants remboursés en PACA – année 2023", territory="R93", **AMOUNTS_2023),
        PACA_2024_DAY,
        AMOUNTS_PACA,
    ),
    DemoTable(
        PACA,
        "montants_corse_2023.csv",
        "montants",
        TableMeta(title="Bilan des montants remboursés en Corse – année 2023", territory="R94", **AMOUNTS_2023),
        PACA_2024_DAY,
        AMOUNTS_CORSE,
    ),
    DemoTable(
        PACA,
        "sesam_organismes_2023.csv",
        "sesam_vitale",
        TableMeta(title="Bilan SESAM-Vitale par organisme", **AMOUNTS_2023),
        PACA_2024_DAY,
        "Bilan SESAM-Vitale",
    ),
    # 001: the session of 26/02/2025
    DemoTable(
        PACA,
        "montants_paca_2023.xlsx",
        "montants",
        TableMeta(
            title="Bilan des montants remboursés en PACA – année 2023 (classeur)", territory="R93", **AMOUNTS_2023
        ),
        PACA_2025_DAY,
        AMOUNTS_PACA,
    ),
    DemoTable(
        PACA,
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
    # 004: the session of 17/02/2025 of the CPL pharmaciens de la Côte-d'Or
    DemoTable(
        COTE_DOR,
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
        COTE_DOR,
        "medicaments_onereux_2024.csv",
        "montants",
        TableMeta(
            title="Médicaments remboursés à 100 % – montants remboursés par département",
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
            territory="R27",
            source="Source SNDS AMOS le 05/02/2025",
            extraction_date=D(2025, 2, 5),
        ),
        COTE_DOR_DAY,
        EXPENSIVE_DRUGS,
    ),
    _indicateurs("indicateurs_trod_angine.csv", "TROD angine", TROD),
    _indicateurs("indicateurs_trod_cystite.csv", "TROD cystite", TROD),
    _indicateurs("indicateurs_vaccinations.csv", "Vaccinations par le pharmacien", VACCINATION),
    _indicateurs("indicateurs_kits_doccr.csv", "Kits de dépistage du cancer colorectal", KITS),
    _indicateurs("indicateurs_entretiens.csv", "Entretiens : nombre d'entretiens assurés", INTERVIEWS),
    _indicateurs(
        "indicateurs_entretiens_pharmacies.csv",
        "Entretiens : pharmacies ayant réalisé au moins un entretien",
        INTERVIEWS,
    ),
    _indicateurs("indicateurs_entretiens_femmes_enceintes.csv", "Entretiens femmes enceintes", PREGNANT),
    _indicateurs("indicateurs_mon_bilan_prevention.csv", "Mon bilan prévention", PREVENTION_CHECKUP),
]


def _session(commission: Commission, day: datetime.date) -> Meeting | None:
    return Meeting.objects.filter(commission=commission, date=day, kind=Meeting.Kind.SESSION).first()


def _place(meeting: Meeting, place: Place) -> AgendaItem:
    """The item, added when missing (after its sibling `place.after`), its text brought up to date."""
    parent = AgendaItem.objects.get(meeting=meeting, title=place.parent) if place.parent else None
    item = AgendaItem.objects.filter(meeting=meeting, parent=parent, title=place.title).first()
    if item is not None:
        if (item.speaker, item.content) != (place.speaker, sanitize_html(place.content)):
            item = agenda_item_update(item=item, title=place.title, speaker=place.speaker, content=place.content)
        return item
    item = agenda_item_add(
        meeting=meeting, parent=parent, title=place.title, speaker=place.speaker, content=place.content
    )
    if place.after:
        titles = list(
            AgendaItem.objects.filter(meeting=meeting, parent=parent)
            .order_by("position")
            .values_list("title", flat=True)
        )
        for _ in range(len(titles) - 2 - titles.index(place.after)):
            item = agenda_item_move(item=item, direction="up")
    return item


def _item(commission: Commission, day: datetime.date, title: str) -> AgendaItem | None:
    return AgendaItem.objects.filter(
        meeting__commission=commission, meeting__date=day, meeting__kind=Meeting.Kind.SESSION, title=title
    ).first()


def load_demo_tables() -> list[StatTable]:
    """Import the demo tables (once each) and attach them to the agenda items of the demo meetings."""
    if not DATA.is_dir():
        raise ImproperlyConfigured(f"Les fichiers des tableaux de démonstration sont introuvables : {DATA}")
    commissions = {slug: Commission.objects.get(slug=slug) for slug in {spec.commission for spec in TABLES}}
    for (slug, day), places in PLACES.items():
        meeting = _session(commissions[slug], day)
        for place in places if meeting is not None else []:
            _place(meeting, place)
    tables = []
    for spec in TABLES:
        commission = commissions[spec.commission]
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
