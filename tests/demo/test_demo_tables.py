"""Every table of the seeds in the demo, imported from demo/data through the import services; the 2024 composition
of 000; the information meeting of 003.

The expected figures are typed from the seeds' text (shared/seeds 000, 001, 004), never read from demo/data: a
figure mistyped in a CSV fails here. The demo is loaded once for the module, its state read into
plain data.
"""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest

from commissions.composition.models import Commission
from commissions.composition.selectors import composition_on
from commissions.meetings.models import Meeting
from commissions.meetings.selectors import agenda_flat
from decisions.models import Rdd
from demo.information import INFORMATION_COMMISSION, INFORMATION_DAY
from demo.loader import load_all
from demo.tables import DATA, TABLES
from stats.models import StatTable, StatValue
from stats.services import table_parse
from supports.context import support_context
from supports.pdf import support_html

D = datetime.date
PACA_2024, PACA_2025, COTE_DOR_2025 = D(2024, 1, 25), D(2025, 2, 26), D(2025, 2, 17)
NS = "NS"

# file → (session, agenda item, parent item or "")
PLACES = {
    "montants_paca_2023.csv": (PACA_2024, "Bilan des montants remboursés en PACA", "Bilan des montants remboursés"),
    "montants_corse_2023.csv": (PACA_2024, "Bilan des montants remboursés en Corse", "Bilan des montants remboursés"),
    "sesam_organismes_2023.csv": (PACA_2024, "Bilan SESAM-Vitale", ""),
    "montants_paca_2023.xlsx": (PACA_2025, "Bilan des montants remboursés en PACA", "Bilan des montants remboursés"),
    "sesam_departements_2024.csv": (PACA_2025, "Bilan SESAM-Vitale par département", "Numérique en santé"),
    "montants_cote_dor_2024.csv": (COTE_DOR_2025, "Suivi des dépenses de santé", ""),
    "medicaments_onereux_2024.csv": (COTE_DOR_2025, "Focus sur les médicaments onéreux", "Suivi des dépenses de santé"),
    "indicateurs_trod_angine.csv": (COTE_DOR_2025, "Tests angine et cystite", "Prévention"),
    "indicateurs_trod_cystite.csv": (COTE_DOR_2025, "Tests angine et cystite", "Prévention"),
    "indicateurs_vaccinations.csv": (COTE_DOR_2025, "Vaccination", "Prévention"),
    "indicateurs_kits_doccr.csv": (COTE_DOR_2025, "Kits de dépistage du cancer colorectal", "Prévention"),
    "indicateurs_entretiens.csv": (COTE_DOR_2025, "Entretiens", "Prévention"),
    "indicateurs_entretiens_pharmacies.csv": (COTE_DOR_2025, "Entretiens", "Prévention"),
    "indicateurs_entretiens_femmes_enceintes.csv": (COTE_DOR_2025, "Entretiens femmes enceintes", "Prévention"),
    "indicateurs_mon_bilan_prevention.csv": (COTE_DOR_2025, "Entretiens « Mon bilan prévention »", "Prévention"),
}

# 000, "BILAN DES MONTANTS REMBOURSES EN PACA" (row, column header) → figure.
RG, RG_PCAP, MSA, MSA_PCAP = "Régime général / Montant", "Régime général / PCAP", "MSA / Montant", "MSA / PCAP"
OTHERS, OTHERS_PCAP, FRANCE_PCAP = "RSI AUTRES / Montant", "RSI AUTRES / PCAP", "France (PCAP)"
PACA_TOTAL, PACA_TOTAL_PCAP = "TOTAL PROVENCE-ALPES-COTE D'AZUR / Montant", "TOTAL PROVENCE-ALPES-COTE D'AZUR / PCAP"
PACA_FIGURES = {
    ("Appareils matériels de traitements", RG): 261355100,
    ("Appareils matériels de traitements", RG_PCAP): "9.9",
    ("Appareils matériels de traitements", MSA): 9281201,
    ("Orthoprothèses", MSA_PCAP): NS,
    ("Total LPP Titre 1", PACA_TOTAL): 283655447,
    ("Prothèses internes inertes", RG): 3705,
    ("Véhicules pour handicapés", PACA_TOTAL): 9138850,
    ("Médicaments", OTHERS): 5022,
    ("Total Autres", MSA): 659,
    ("TOTAL PRESTATIONS", PACA_TOTAL): 300177994,
    ("TOTAL PRESTATIONS", PACA_TOTAL_PCAP): "8.3",
    ("TOTAL PRESTATIONS", FRANCE_PCAP): "7.1",
}
CORSE_TOTAL, CORSE_TOTAL_PCAP = "TOTAL CORSE / Montant", "TOTAL CORSE / PCAP"
# 000, "BILAN DES MONTANTS REMBOURSES EN CORSE"
CORSE_FIGURES = {
    ("Appareils matériels de traitements", RG): 10926832,
    ("Articles de pansements", RG_PCAP): "-25.6",
    ("Total LPP Titre 1", CORSE_TOTAL): 12227311,
    ("Orthoprothèses", OTHERS_PCAP): "-64.8",
    ("Prothèses externes non orthopédiques", MSA_PCAP): NS,
    ("Prothèses externes non orthopédiques", OTHERS_PCAP): NS,
    ("Total LPP Titre 2", CORSE_TOTAL): 732465,
    ("Véhicules pour handicapés", CORSE_TOTAL): 492647,
    ("Autres rémunérations", RG): 1200,
    ("Total Autres", CORSE_TOTAL): 1479,
    ("TOTAL PRESTATIONS", RG): 12179374,
    ("TOTAL PRESTATIONS", CORSE_TOTAL): 13453902,
    ("TOTAL PRESTATIONS", CORSE_TOTAL_PCAP): "-1.3",
}
# 004, the expenditure table by poste × régime, and the médicaments onéreux by department.
A_RG, A_RG_EV, A_MSA, A_MSA_EV = "RG / Montants", "RG / Evolutions", "MSA / Montants", "MSA / Evolutions"
A_OTHERS, A_OTHERS_EV, A_TOTAL, A_TOTAL_EV = (
    "Autres / Montants",
    "Autres / Evolutions",
    "TOTAL / Montants",
    ("TOTAL / Evolutions"),
)
COTE_DOR_FIGURES = {
    ("TOTAL", A_RG): 248674736,
    ("TOTAL", A_RG_EV): "6.4",
    ("TOTAL", A_TOTAL): 275099349,
    ("Aides et rémunérations conventionnelles", A_MSA_EV): "2406.8",
    ("Aides et rémunérations conventionnelles", A_OTHERS_EV): "5067.2",
    ("Vaccins Grippe et ROR", A_TOTAL_EV): "-14.7",
    ("LPP", A_TOTAL): 24010685,
    ("Orthèses", A_RG): 3691816,
    ("Médicaments remboursés à 100%", A_TOTAL): 182253199,
    ("Médicaments non remboursés", "Evolutions Région"): "30087.3",
    ("Médicaments non remboursés", "Evolutions France"): "853.6",
}
EXPENSIVE_DRUGS_FIGURES = {
    ("FRANCE", A_TOTAL): 21654115482,
    ("BOURGOGNE-FRANCHE-COMTE", A_RG): 847259848,
    ("021 - COTE-D'OR", A_TOTAL): 182253199,
    ("021 - COTE-D'OR", A_TOTAL_EV): "9.0",
    ("025 - DOUBS", A_MSA_EV): "-2.3",
    ("039 - JURA", A_OTHERS): 2087028,
    ("039 - JURA", A_OTHERS_EV): "23.2",
    ("071 - SAONE-ET-LOIRE", A_MSA): 16500266,
    ("071 - SAONE-ET-LOIRE", A_MSA_EV): "20.0",
    ("089 - YONNE", A_RG): 105892463,
    ("090 - TERRITOIRE DE BELFORT", A_TOTAL): 39504889,
}


def _rows(headers: list[str], rows: dict[str, list]) -> dict[tuple[str, str], object]:
    """Figures given as whole rows of the seed's table: {(row, header): figure}."""
    return {
        (label, header): value for label, values in rows.items() for header, value in zip(headers, values, strict=False)
    }


SV = ["PS EN SV", "TOTAL DES PS", "TAUX EN SV"]
SV_DEPARTMENTS = [
    "Nombre de PS",
    "PS en SESAM-Vitale",
    "Taux de PS en SESAM-Vitale",
    "PS en SCOR",
    "Taux de PS en SCOR",
]
TROD_ANGINE = ["Nb de TROD angine", "Nombre de pharmacies", "Part d'officines"]
TROD_CYSTITE = ["Nb de TROD cystite", "Nombre de pharmacies", "Part d'officines"]
VACCINES = ["Nombre de vaccins", "Nombre de pharmacies", "Part d'officines"]
KITS = ["Nombre de kits CCR", "Nombre de pharmacies", "Part d'officines", "Nb moyen de kits / pharmacie"]
INTERVIEWS = [
    "Code adhésion entretiens",
    "Bilan partagé de médication",
    "Accompagnement AOD, AVK et asthme",
    "Traitements anticancereux",
    "Total entretiens pharmaciens + adh",
]
PREGNANT = ["Nombre d'entretiens", "Nombre de pharmacies", "Part d'officines"]
CHECKUPS = ["Nombre de bilans", "Nombre de pharmacies", "Part d'officines"]

FIGURES = {
    "montants_paca_2023.csv": PACA_FIGURES,
    "montants_paca_2023.xlsx": PACA_FIGURES,
    "montants_corse_2023.csv": CORSE_FIGURES,
    "sesam_organismes_2023.csv": _rows(
        SV, {"04": [9, 19, "47.37"], "13": [139, 251, "55.38"], "2A": [13, 39, "33.33"], "84": [18, 60, "30.00"]}
    ),
    "sesam_departements_2024.csv": _rows(
        SV_DEPARTMENTS,
        {"Alpes de Haute-Provence": [17, 3, "17.6"], "Bouches-du-Rhône": [265, 98, "36.9", 95, "35.8"]}
        | {"Corse": [74, 25, "33.7", 26, "35.1"]},
    ),
    "montants_cote_dor_2024.csv": COTE_DOR_FIGURES,
    "medicaments_onereux_2024.csv": EXPENSIVE_DRUGS_FIGURES,
    "indicateurs_trod_angine.csv": _rows(
        TROD_ANGINE,
        {"Côte-d'Or": [1499, 106, 67], "S.-et-Loire": [4262, 142, 83], "Yonne": [2424, 82, 85]}
        | {"BFC": [14431, 667, 75]},
    ),
    "indicateurs_trod_cystite.csv": _rows(
        TROD_CYSTITE,
        {"Côte-d'Or": [605, 93, 58], "Doubs": [878, 99, 57], "H.-Saône": [537, 63, 78], "BFC": [4252, 561, 63]},
    ),
    "indicateurs_vaccinations.csv": _rows(
        VACCINES,
        {"Côte-d'Or": [88307, 156, 98], "S.-et-Loire": [102152, 170, 99], "T. de Belfort": [21184, 47, 100]}
        | {"BFC": [441175, 865, 98]},
    ),
    "indicateurs_kits_doccr.csv": _rows(
        KITS, {"Côte-d'Or": [10021, 157, 99, "63.8"], "Yonne": [7784, 93, 96, "83.7"], "BFC": [61243, 860, 97, "71.2"]}
    ),
    "indicateurs_entretiens.csv": _rows(
        INTERVIEWS, {"Côte-d'Or": [693, 747, 264, 69, 1773], "BFC": [2612, 2935, 1425, 292, 7264]}
    ),
    "indicateurs_entretiens_pharmacies.csv": _rows(
        [*INTERVIEWS, "Part d'officines"],
        {"Côte-d'Or": [74, 57, 31, 18, 86, 54], "BFC": [269, 204, 105, 76, 333, 38]},
    ),
    "indicateurs_entretiens_femmes_enceintes.csv": _rows(
        PREGNANT,
        {"Côte-d'Or": [448, 83, 52], "Doubs": [237, 54, 31], "Nièvre": [61, 15, 21], "BFC": [1381, 336, 38]},
    ),
    "indicateurs_mon_bilan_prevention.csv": _rows(
        CHECKUPS,
        {"Côte-d'Or": [53, 14, 9], "H.-Saône": [37, 3, 4], "Yonne": [3, 3, 3], "BFC": [183, 60, 7]},
    ),
}

# Figures each rendered final support shows, as the support formats them (thousands and " %" with spaces).
IN_SUPPORTS = {
    PACA_2024: ["261 355 100", "111 643 NS", "300 177 994", "10 926 832", "13 453 902", "-64,8 %", "55,38 %"],
    PACA_2025: ["261 355 100", "9,9 %", "300 177 994", "36,9 %"],
    COTE_DOR_2025: [
        "275 099 349",
        "21 654 115 482",
        "182 253 199",
        "14 431",
        "4 252",
        "441 175",
        "63,8",
        "61 243",
        "7 264",
        "1 381",
        "183",
    ],
}


def _figure(value: StatValue):
    if value.flag:
        return value.flag
    return value.value


def _expected(figure) -> object:
    return figure if figure == NS else Decimal(str(figure))


def _text(html: str) -> str:
    """The text of a page, each tag a space (a table's cells apart), no-break spaces as spaces."""
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


_READ: dict = {}


@pytest.fixture
def seeded(db, frozen_today):
    """The demo loaded once for the module (by the first test that asks, in its transaction, rolled back after
    it), read into plain data that the other tests share."""
    if not _READ:
        load_all()
        _READ.update(_read())
    return _READ


def _read() -> dict:
    tables = {}
    for table in StatTable.objects.select_related("agenda_item__meeting__commission", "agenda_item__parent"):
        item = table.agenda_item
        tables[table.file_name] = {
            "kind": table.kind,
            "warnings": table.warnings,
            "place": (item.meeting.date, item.title, item.parent.title if item.parent else ""),
            "meeting_kind": item.meeting.kind,
            "figures": {
                (value.row.label, value.column.header): _figure(value)
                for value in StatValue.objects.filter(row__table=table).select_related("row", "column")
            },
        }
    paca = Commission.objects.get(slug="cpr-paca-corse-lpp")
    compositions = {
        day: {
            section.section.kind: [
                (row.seat.organisation.acronym, row.titular is None, row.substitute is None) for row in section.rows
            ]
            for section in composition_on(paca, day)
        }
        for day in (PACA_2024, PACA_2025)
    }
    supports = {}
    for day in IN_SUPPORTS:
        meeting = Meeting.objects.get(date=day, kind=Meeting.Kind.SESSION)
        supports[day] = _text(support_html(support_context(meeting, version="final")))
    information = Meeting.objects.get(commission__slug=INFORMATION_COMMISSION, date=INFORMATION_DAY)
    body = information.commission
    return {
        "tables": tables,
        "compositions": compositions,
        "supports": supports,
        "information": {
            "meeting": (information.kind, information.status, information.title),
            "agenda": [(node.number, node.item.title, node.item.speaker) for node in agenda_flat(information)],
            "contents": {node.item.title: _text(node.item.content) for node in agenda_flat(information)},
            "rdds": Rdd.objects.filter(meeting=information).count(),
            "body": (body.name, body.level, str(body.secretariat_organisation)),
            "contacts": [person.last_name for person in body.secretariat_contacts.all()],
            "seats": sum(section.seats.count() for section in body.sections.all()),
            "meetings": Meeting.objects.filter(commission=body).count(),
            "support": support_context(information, version="final"),
        },
    }


def test_every_table_of_the_seeds_is_in_the_demo(seeded):
    assert set(seeded["tables"]) == set(PLACES) == set(FIGURES) == {spec.file_name for spec in TABLES}


@pytest.mark.parametrize("file_name", sorted(PLACES))
def test_each_table_is_attached_to_its_agenda_item(seeded, file_name):
    table = seeded["tables"][file_name]
    assert table["place"] == PLACES[file_name]
    assert table["meeting_kind"] == Meeting.Kind.SESSION


@pytest.mark.parametrize("file_name", sorted(FIGURES))
def test_each_table_holds_the_figures_of_the_seed(seeded, file_name):
    expected = FIGURES[file_name]
    assert len(expected) >= 10
    figures = seeded["tables"][file_name]["figures"]
    assert {key: figures.get(key) for key in expected} == {key: _expected(value) for key, value in expected.items()}


@pytest.mark.parametrize("file_name", sorted(FIGURES))
def test_the_seeds_figures_add_up_so_the_import_warns_of_nothing(seeded, file_name):
    # The import checks totals against their rows (and rates against their counts): a figure mistyped in
    # demo/data shows here as a warning.
    assert seeded["tables"][file_name]["warnings"] == []


def test_the_kinds_are_those_the_layouts_accept(seeded):
    kinds = {name: table["kind"] for name, table in seeded["tables"].items()}
    assert {name for name, kind in kinds.items() if kind == "indicateurs"} == {
        name for name in PLACES if name.startswith("indicateurs_")
    }
    assert kinds["medicaments_onereux_2024.csv"] == "montants"
    assert kinds["sesam_organismes_2023.csv"] == kinds["sesam_departements_2024.csv"] == "sesam_vitale"


def test_a_wrong_figure_in_a_demo_file_is_reported_by_the_import():
    data = (
        (DATA / "indicateurs_trod_cystite.csv").read_text(encoding="utf-8").replace("Côte-d'Or;605;", "Côte-d'Or;650;")
    )
    parsed = table_parse(data=data.encode(), file_name="indicateurs_trod_cystite.csv", kind="indicateurs")
    assert [str(problem) for problem in parsed.warnings] == [
        "Ligne 10, colonne B (« Nb de TROD cystite ») : la ligne de total « BFC » (4\u00a0252) diffère de la "
        "somme des autres lignes (4\u00a0297)."
    ]


@pytest.mark.parametrize("day", sorted(IN_SUPPORTS))
def test_the_final_supports_show_the_tables_figures(seeded, day):
    text = seeded["supports"][day]
    assert [figure for figure in IN_SUPPORTS[day] if figure not in text] == []


def test_the_2024_composition_has_only_synalams_titular_post_vacant(seeded):
    professional = seeded["compositions"][PACA_2024]["professionnelle"]
    vacant = [(acronym, titular, substitute) for acronym, titular, substitute in professional if titular or substitute]
    assert vacant == [
        ("SYNALAM", True, False)
    ]  # 000: "Le poste de titulaire pour le syndicat SYNALAM reste à pourvoir"
    assert [acronym for acronym, _, _ in professional] == ["UNDPM", "UPSADI", "SYNALAM", "SNADOM", "SYNAPSAD"]
    # 001: filled on 26/02/2025, the whole professional section seated.
    assert not any(
        titular or substitute for _, titular, substitute in seeded["compositions"][PACA_2025]["professionnelle"]
    )


def test_the_information_meeting_of_003(seeded):
    information = seeded["information"]
    kind, status, title = information["meeting"]
    assert (kind, status) == (Meeting.Kind.INFORMATION, Meeting.Status.HELD)
    assert "Service médical" in title and "médecins généralistes" in title
    assert information["rdds"] == 0 and information["meetings"] == 1
    assert information["body"] == ("CPL des médecins de Paris", "CPL", "ELSM Paris")
    assert information["contacts"] == ["COSTE"] and information["seats"] == 0

    agenda = information["agenda"]
    assert [(number, title) for number, title, _ in agenda if "." not in number] == [
        ("01", "Vos ordonnances"),
        ("02", "Les prestations des patients / fonctionnalités amelipro"),
        ("03", "Cotations"),
        ("04", "Évolution de l'exercice en ville et outils d'aujourd'hui"),
    ]
    assert [title for number, title, _ in agenda if number.startswith("1.")] == [
        "Génériques",
        "Biosimilaires",
        "Soins infirmiers",
    ]
    assert len([number for number, _, _ in agenda if number.startswith("2.")]) == 5
    assert {speaker for _, _, speaker in agenda} == {""}  # no sections, so no "Intervenant"
    contents = information["contents"]
    assert "« non substituable (MTE) »" in contents["Génériques"]
    assert "ABASAGLAR" in contents["Biosimilaires"]
    assert "26,5 €" in contents["Cotations"]
    support = information["support"]
    assert support["rdd"] is None
    assert not any(section["rows"] for section in support["composition"])  # no seat holders
    assert [item["title"] for item in support["agenda"]][:2] == ["Vos ordonnances", "Génériques"]
