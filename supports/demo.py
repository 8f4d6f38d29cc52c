"""A demo session of the PACA–Corse CPR (after the source document 001), to look at and measure the support.

`demo_meeting()` needs the demo data of commissions.demo.load_demo(); with
with_rdd=True the session also gets an RDD approved by both section presidents.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model

from commissions.models import Commission, Meeting
from commissions.services_meetings import agenda_item_add, meeting_create

DATA = Path(__file__).parent / "demo_data"

AGENDA = [
    # (title, speaker, content, children)
    (
        "Validation du relevé de décisions de la séance du 17/10/2024",
        "secretariat",
        "<p>Vote pour le relevé de décisions suivant :</p><table><thead><tr><th>Date de la commission</th>"
        "<th>Date de validation par les deux présidents de section</th><th>Date de transmission aux membres</th>"
        "</tr></thead><tbody><tr><td>17/10/2024</td><td>15/11/2024</td><td>22/11/2024</td></tr></tbody></table>",
        [],
    ),
    ("Désignation de la présidence 2025", "secretariat", "", []),
    (
        "Aides à la télétransmission",
        "sociale",
        "<p>Les fournisseurs titres I et IV relevant des spécialités 60 et 61 sont éligibles à l'accompagnement "
        "financier conventionnel de la facturation en FSE et de la numérisation des pièces justificatives.</p>"
        "<ul><li>Facturation en mode sécurisé SESAM-Vitale : 300 €.</li><li>Scannérisation des ordonnances SCOR : "
        "90 €.</li></ul><p>Une seule aide à la FSE et une seule aide à l'envoi de pièces justificatives numérisées "
        "est possible par professionnel en tant que personne morale et par région.</p>",
        [
            ("Bilan des montants remboursés en PACA – année 2023", "sociale", "", "montants_paca_2023.csv"),
            (
                "Bilan SESAM-Vitale par département",
                "sociale",
                "<p>Données à octobre 2024 — Source : Ameli – Réseau.</p><table><thead><tr><th>Département</th>"
                "<th>Nombre de PS</th><th>PS en SESAM-Vitale</th><th>Taux</th></tr></thead><tbody>"
                "<tr><td>Alpes de Haute-Provence</td><td>17</td><td>3</td><td>17,6 %</td></tr>"
                "<tr><td>Alpes-Maritimes</td><td>129</td><td>56</td><td>43,4 %</td></tr>"
                "<tr><td>Bouches-du-Rhône</td><td>265</td><td>98</td><td>36,9 %</td></tr></tbody></table>",
                "",
            ),
        ],
    ),
    (
        "Numérique en santé",
        "sociale",
        "",
        [
            (
                "Ordonnance numérique",
                "sociale",
                "<p>L'Ordonnance numérique vise à dématérialiser et à sécuriser le circuit de la prescription entre "
                "les prescripteurs et les professionnels de santé prescrits.</p><ul><li>Un QR code est apposé sur "
                "l'ordonnance.</li><li>L'ordonnance papier est conservée dans l'attente que tous les prescrits "
                "soient équipés.</li></ul>",
                "",
            ),
            ("L'appli carte Vitale", "sociale", "<p>L'appli carte Vitale est disponible en région PACA.</p>", ""),
        ],
    ),
    ("Suivi des engagements", "deux_sections", "", []),
    ("Questions de la profession", "professionnelle", "", []),
    ("Questions diverses", "deux_sections", "", []),
]


def demo_meeting(commission: Commission | None = None, *, with_rdd: bool = False) -> Meeting:
    """A session of 26/02/2025 with a numbered agenda, contents, a statistics table and, optionally, its RDD."""
    commission = commission or Commission.objects.get(slug="cpr-paca-corse-lpp")
    meeting = meeting_create(
        commission=commission,
        date=datetime.date(2025, 2, 26),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(17, 0),
        place="CPCAM des Bouches-du-Rhône, Marseille — salle du conseil",
        next_meeting_note="Date à fixer",
    )
    items = {}
    for title, speaker, content, children in AGENDA:
        parent = agenda_item_add(meeting=meeting, title=title, speaker=speaker, content=content)
        items[title] = parent
        for child_title, child_speaker, child_content, table_file in children:
            child = agenda_item_add(
                meeting=meeting, parent=parent, title=child_title, speaker=child_speaker, content=child_content
            )
            items[child_title] = child
            if table_file:
                attach_table(commission, child, DATA / table_file)
    if with_rdd:
        _rdd(meeting, items)
    return meeting


def attach_table(commission: Commission, item, path: Path):
    from stats.services import TableMeta, table_attach, table_import

    table, _ = table_import(
        commission=commission,
        data=path.read_bytes(),
        file_name=path.name,
        kind="auto",
        meta=TableMeta(
            title="Bilan des montants remboursés en PACA",
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            source="Source SNDS AMOS le 05/02/2024",
        ),
    )
    return table_attach(table=table, agenda_item=item)


def _rdd(meeting: Meeting, items: dict) -> None:
    from decisions import services
    from decisions.models import ItemRecord

    User = get_user_model()
    secretariat = User.objects.get(username="secretariat")
    rdd = services.rdd_create(meeting=meeting, user=secretariat)
    services.rdd_update_preamble(
        rdd=rdd, preamble="Lors de cette commission, la Présidence a été donnée au Président de la section sociale."
    )
    records = {record.agenda_item_id: record for record in ItemRecord.objects.filter(rdd=rdd)}
    services.item_record_save(
        record=records[items["Bilan SESAM-Vitale par département"].pk],
        summary="Les taux de professionnels en SESAM-Vitale ont une large marge de progression.\n\n"
        "Mme ARMANDI propose aux représentants de la profession de solliciter la CPAM d'appartenance.",
        decisions=["La section sociale relaiera la campagne d'information sur la télétransmission et SCOR."],
    )
    services.item_record_save(
        record=records[items["Désignation de la présidence 2025"].pk],
        summary="La désignation des présidents de chaque section a été réalisée en séance.",
        decisions=[
            "Est désignée Présidente de la commission : Mme KERN Colette.",
            "Est désigné Vice-Président de la commission : M. ROUSSEL Philippe.",
        ],
    )
    services.commitment_save(
        rdd=rdd, text="Avertir la profession du lancement de la campagne d'information.", carried_by="sociale"
    )
    services.question_save(
        rdd=rdd,
        text="Point à date du déploiement de la e-prescription",
        answer="Le recours aux ordonnances numériques est devenu obligatoire au 31/12/2024.",
        post_commission=True,
    )
    services.rdd_submit(rdd=rdd, user=secretariat)
    for username in ("kern", "roussel"):
        services.rdd_approve(rdd=rdd, user=User.objects.get(username=username))
