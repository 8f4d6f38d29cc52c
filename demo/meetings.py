"""Demo meetings, agendas and RDDs, from the source documents (shared/seeds 000, 001, 002, 004).

`load_demo_meetings()` runs after the compositions (demo.compositions) and
before the statistics tables (demo.tables), inside load_demo's transaction.
It is idempotent: meetings are looked up by commission and date (the recent
and the upcoming ones by their titles), agenda items by meeting, parent and
title, RDDs by meeting and version; an RDD's content is written only when the
RDD is created, and a meeting's status and its RDD's workflow only move
forward. Everything goes through the services (meeting_create,
agenda_item_add, meeting_convene, attendance_record, rdd_create, rdd_submit,
rdd_approve, …), the past transitions under `time_machine.travel` so that the
RDD of 26/02/2025 reads "approuvé le 05/04/2025" and "le 14/04/2025" as in
001.

The lifecycle's rules hold for the demo too: an RDD is submitted only once its
session is held. The session held a few days before the day of loading has a
draft RDD ready for the whole workflow (write, submit, approve, transmit); the
upcoming session three weeks after it has a draft RDD only.

What the seeds do not give, and the demo chooses (see the constants):
start times and places of the PACA and Réunion sessions, the date of the
2024 PACA session of 000 (between the 14/12/2023 figures and the 31/01/2024
deadline it quotes), the days the 2025 RDD was written, submitted and
transmitted (001 gives only the two approvals).
"""

import datetime
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

import time_machine
from django.contrib.auth import get_user_model
from django.utils.html import escape

from commissions.composition.models import Commission, Mandate
from commissions.meetings import tasks as meeting_tasks
from commissions.meetings.agenda import agenda_item_add, agenda_item_move, agenda_item_update
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.models import AgendaItem, Attendance, ContentBlock, Meeting, Speaker
from commissions.meetings.selectors import meeting_members
from commissions.meetings.services import attendance_save, content_block_save, meeting_create, meeting_update
from decisions import content, services
from decisions.models import CarriedBy, Commitment, ItemRecord, Rdd
from decisions.selectors import open_commitments
from decisions.standard_items import session_add_standard_items
from demo.information import load_demo_information
from members.models import Person
from portal.sanitize import sanitize_html

D, T = datetime.date, datetime.time
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SOCIAL, PROFESSIONAL, SECRETARIAT, BOTH = Speaker.SOCIAL, Speaker.PROFESSIONAL, Speaker.SECRETARIAT, Speaker.BOTH

PACA, REUNION, COTE_DOR = "cpr-paca-corse-lpp", "cpr-reunion-lpp", "cpl-pharmaciens-cote-dor"
# The recent and the upcoming sessions are found again by their titles, whatever day load_demo runs.
RECENT_TITLE = "Séance ordinaire de démonstration"
RECENT_DAYS_BEFORE = 5
RECENT_PLACE = "CPCAM des Bouches-du-Rhône, Marseille"
UPCOMING_TITLE = "Séance de démonstration"
UPCOMING_IN_DAYS = 21
CNIL_TITLE = "Information CNIL"  # supports.context.cnil_notice looks for a block whose title contains "CNIL"


# Rich text (escaped here, sanitised again by the services)


def P(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def UL(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def H(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


def LINK(url: str, text: str = "") -> str:
    return f'<p><a href="{escape(url)}">{escape(text or url)}</a></p>'


def TABLE(header: list[str], *rows: list[str]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Item:
    title: str
    speaker: str = ""
    content: str = ""
    children: list["Item"] = field(default_factory=list)


# 000: the 2024 session of the CPR PACA–Corse (the professional section presides in 2024)

PACA_2024_DAY = D(2024, 1, 25)  # not in 000: a day between its figures of 14/12/2023 and its deadline of 31/01/2024
PACA_2024_AGENDA = [
    Item(
        "Composition et présidence de la commission",
        SECRETARIAT,
        children=[
            Item(
                "Composition de la section professionnelle",
                SECRETARIAT,
                P(
                    "Modification de la section professionnelle : la composition de la section professionnelle "
                    "est la suivante.",
                    "Le poste de titulaire pour le syndicat SYNALAM reste à pourvoir.",
                ),
            ),
            Item(
                "Désignation de la présidence 2024",
                SECRETARIAT,
                P(
                    "La section professionnelle et la section sociale élisent chacune un président parmi leurs "
                    "membres.",
                    "Au titre de l'année 2024, la présidence de la commission sera assurée par le président de la "
                    "section professionnelle.",
                    "La désignation des présidents de chaque section et du président et du vice-président de la "
                    "commission sera réalisée en séance.",
                ),
            ),
        ],
    ),
    Item(
        "Règlementation en matière de prescription",
        SOCIAL,
        H("Rappel de la règlementation en matière de délivrance de produits ou prestations dans le cadre de la LPP")
        + UL(
            "Les produits et prestations inscrits sur la LPP ne peuvent faire l'objet d'une prise en charge par "
            "l'assurance maladie que sur prescription médicale ou sur prescription de certains auxiliaires médicaux, "
            "que ce soit pour la première attribution ou le renouvellement des produits et prestations (articles "
            "R165-1 et R161-40 du code de la sécurité sociale).",
            "A l'exception de l'optique et des audioprothèses, une première délivrance de produits ou prestations "
            "remboursables ne pourra intervenir qu'au vu d'une ordonnance datant de moins de 6 mois. Cette durée peut "
            "être réduite par le prescripteur pour motifs médicaux ; il mentionne alors sur l'ordonnance « A exécuter "
            "avant le… » suivie de la date (article R165-40 du CSS).",
            "La délivrance s'effectue au maximum pour une durée de traitement d'1 mois sauf, dans certaines "
            "conditions, pour les produits disponibles sous un conditionnement correspondant à une durée supérieure.",
            "La délivrance des dispositifs médicaux doit se faire sur ordonnance et le professionnel doit délivrer au "
            "bénéficiaire le conditionnement le plus économique, compatible avec les mentions figurant sur "
            "l'ordonnance.",
            "La prise en charge d'un produit ou d'une prestation inscrits à la LPP ne peut intervenir que si le "
            "produit ou la prestation a été effectivement délivré ou implanté (article R165-43 du CSS).",
        )
        + H("Obligations légales de prescription")
        + P(
            "Un produit ou prestation inscrits à la LPP ne peut être délivré sans ordonnance originale préalable "
            "signée.",
            "Dès lors qu'une ordonnance contient des imprécisions, le professionnel doit contacter le prescripteur en "
            "vue d'obtenir toutes informations utiles et nécessaires à la bonne exécution et à la prise en charge de "
            "l'ordonnance. Les précisions obtenues, il doit en faire état expressément sur l'ordonnance en apposant "
            "la mention « accord du prescripteur » ainsi que la date, sa signature et son cachet professionnel "
            "(article R165-42 du CSS).",
        ),
    ),
    Item(
        "Campagne régionale PERFADOM",
        SOCIAL,
        H("Contexte")
        + P(
            "Ces dernières années, les montants remboursés pour les forfaits PERFADOM ne cessent de progresser. Ils "
            "représentent environ 80 millions d'euros pour la région PACA en 2022, avec une progression de "
            "+ 5 millions d'euros par rapport à 2021."
        )
        + H("Objectif")
        + P("Diminuer les dépenses inappropriées liées à la perfusion à domicile :")
        + UL(
            "en accompagnant les établissements de santé signataires d'un CAQES indicateur PERFUSION ;",
            "en rappelant aux prescripteurs libéraux les conditions de prescription et de prise en charge des "
            "forfaits PERFADOM ;",
            "en rappelant aux prestataires leurs engagements conventionnels, les prestations associées aux forfaits "
            "et les règles de non cumul ;",
            "en rappelant aux pharmaciens les principes de la perfusion, les prestations associées aux forfaits et "
            "les règles de non cumul.",
        )
        + H("Modalités")
        + P(
            "Diffusion d'un Flash Infos en décembre 2023 ; étude d'impact portant sur les montants remboursés PERFADOM."
        ),
    ),
    Item("Bilan SESAM-Vitale", SOCIAL, P("Taux de professionnels en SESAM-Vitale par organisme.")),
    Item(
        "E-santé",
        SOCIAL,
        UL(
            "65,4 millions de Français disposent d'un profil Mon Espace Santé ; moins de 2 % des usagers s'y sont "
            "opposés.",
            "Entre août 2022 et juillet 2023, plus de 550 000 documents ont été intégrés par les usagers sur Mon "
            "Espace Santé en PACA.",
            "25 services référencés dans le catalogue d'applications.",
            "Nouvelle fonctionnalité : envoi d'ordonnance à une officine par le patient.",
        )
        + H("L'application carte Vitale")
        + P(
            "L'appli carte Vitale est une alternative dématérialisée de la carte physique, qui continue d'exister. "
            "Elle est proposée sur les stores iOS et Android. Déjà disponible dans le 06 et bientôt dans le 13."
        ),
    ),
    Item("Questions de la profession", PROFESSIONAL),
]


# 001: the session of 26/02/2025 of the CPR PACA–Corse, its RDD approved on 05/04/2025 and 14/04/2025

PACA_2025_DAY = D(2025, 2, 26)
PRESIDENCY_2025 = "Désignation de la présidence 2025"
COMPOSITION_2025 = "Composition de la section professionnelle"
AMOUNTS_PACA = "Bilan des montants remboursés en PACA"
SESAM_DEPARTMENTS = "Bilan SESAM-Vitale par département"
CARTE_VITALE = "L'appli carte Vitale – avantages pour les PS et l'assuré"
COORDINATED = "Exercice coordonné : CPTS et MSP"
ECOLOGY = "Transition écologique"
QUESTIONS = "Questions de la profession"

PACA_2025_AGENDA = [
    Item(
        "Approbation du relevé de décisions de la séance précédente",
        SECRETARIAT,
        P("Vote de la commission pour l'approbation du relevé de décisions de la séance précédente."),
    ),
    Item(
        "Présidence et composition de la commission",
        SECRETARIAT,
        children=[
            Item(
                PRESIDENCY_2025,
                SECRETARIAT,
                P(
                    "La section professionnelle et la section sociale élisent chacune un président parmi leurs "
                    "membres.",
                    "L'article 48 paragraphe 1 de la convention nationale précise que le président de la section "
                    "professionnelle et celui de la section sociale assurent à tour de rôle, par période d'un an, la "
                    "Présidence et la Vice-Présidence de la commission.",
                    "Au titre de l'année 2025, la présidence de la commission est assurée par le président de la "
                    "section sociale.",
                    "La désignation des présidents de chaque section et du président et du vice-président de la CPR "
                    "sera réalisée en séance.",
                ),
            ),
            Item(
                COMPOSITION_2025,
                SECRETARIAT,
                P("La nouvelle composition de la section professionnelle est la suivante :")
                + TABLE(
                    ["Section professionnelle", "Titulaires", "Suppléants"],
                    ["UNDPM", "M. MEUNIER Jean-Roch", "M. LAFON Grégory"],
                    ["UPSADI", "M. BALMELLE Nicolas", "M. DAOULAS Didier"],
                    ["SYNALAM", "M. GUILLAUME Thierry", "M. GUEROUX Philippe"],
                    ["SNADOM", "Mme BUONORA Stéphanie", "Mme LAUNAY Fabienne"],
                    ["SYNAPSAD", "M. ROUSSEL Philippe", "Mme FAVAND Laurence"],
                ),
            ),
        ],
    ),
    Item(
        "Aides à la télétransmission",
        SOCIAL,
        P(
            "Les fournisseurs titres I et IV relevant des spécialités 60 et 61 sont éligibles à l'accompagnement "
            "financier conventionnel de la facturation en FSE et de la numérisation des pièces justificatives, sur la "
            "base de la convention nationale approuvée par arrêté ministériel du 02 octobre 2020.",
            "Le montant des aides financières se décline comme suit :",
        )
        + UL("Facturation en mode sécurisé SESAM-Vitale : 300 €.", "Scannérisation des ordonnances SCOR : 90 €.")
        + P("Les critères d'éligibilité à ces aides sont les suivants :")
        + UL(
            "Pour l'aide à la facturation en SESAM-Vitale, un nombre de feuilles de soins électroniques représentant "
            "80 % de ses envois totaux de feuilles de soins durant l'année civile écoulée ;",
            "Pour l'envoi des pièces justificatives en SCOR, un nombre d'ordonnances numérisées représentant 80 % de "
            "ses envois totaux d'ordonnances au cours de l'année civile achevée.",
        )
        + H("A noter")
        + P(
            "Une seule aide à la FSE et une seule aide à l'envoi de pièces justificatives numérisées est possible par "
            "professionnel en tant que personne morale et par région.",
            "Il importe en outre que la personne morale qui possède plusieurs sites d'activité dans une région ait "
            "préalablement désigné son site référent régional auprès de la caisse primaire de rattachement de "
            "celui-ci.",
            "Lorsque l'entité conventionnée développe une activité secondaire régie par un autre dispositif "
            "conventionnel, elle ne perçoit qu'une seule aide, au titre de son activité principale.",
            "Les CPAM de la région se sont rapprochées des professionnels qui n'avaient pas communiqué à la Caisse "
            "Primaire le numéro Assurance Maladie de leur site référent pour la région PACA.",
            "Lorsque la situation d'un professionnel au regard de cette obligation ne peut être vérifiée, aucun "
            "paiement ne peut intervenir.",
        ),
    ),
    Item(
        "Bilan des montants remboursés",
        SOCIAL,
        children=[
            Item(AMOUNTS_PACA, SOCIAL, P("Année 2023, par poste et par régime.")),
            Item(
                "Bilan des montants remboursés en Corse",
                SOCIAL,
                P("Année 2023 : totaux par titre de la LPP.")
                + TABLE(
                    ["Poste", "Régime général", "MSA", "RSI autres", "Total Corse", "PCAP"],
                    ["Total LPP Titre 1", "11 055 236", "769 764", "402 310", "12 227 311", "1,1 %"],
                    ["Total LPP Titre 2", "679 156", "38 336", "14 973", "732 465", "-18,1 %"],
                    ["Total LPP Titre 4", "443 502", "30 686", "18 458", "492 647", "-23,0 %"],
                    ["Total Autres", "1 479", "", "", "1 479", "13,5 %"],
                    ["TOTAL PRESTATIONS", "12 179 374", "838 786", "435 742", "13 453 902", "-1,3 %"],
                ),
            ),
        ],
    ),
    Item(
        "Numérique en santé",
        SOCIAL,
        children=[
            Item(
                SESAM_DEPARTMENTS,
                SOCIAL,
                P(
                    "Données à octobre 2024. Source : Ameli – Réseau.",
                    "La transmission des pièces justificatives pouvant s'effectuer jusque 30 jours après l'émission "
                    "de la facture, les chiffres SCOR de ce mois peuvent concerner les factures du mois précédent et "
                    "engendrer des taux supérieurs à 100 %.",
                ),
            ),
            Item(
                "E-santé / quart d'heure du numérique",
                SOCIAL,
                UL(
                    "Plus de 75 % des habitants de PACA ont eu leur Espace Santé alimenté par un PS.",
                    "Une fiche pratique est disponible pour les professionnels du secteur libéral afin de les "
                    "accompagner dans la mise en place des usages numériques autour de Mon Espace Santé.",
                ),
            ),
            Item(
                "Ordonnance numérique",
                SOCIAL,
                H("Comment fonctionne l'ordonnance numérique ?")
                + P(
                    "L'ordonnance numérique vise à dématérialiser et à sécuriser le circuit de la prescription entre "
                    "les prescripteurs et les professionnels de santé prescrits."
                )
                + UL(
                    "Elle s'appuie sur une base de données hébergée en France par l'Assurance Maladie, selon les "
                    "standards haute sécurité, appelée « base e-prescription ».",
                    "L'accès à la base e-prescription est restreint aux professionnels de santé par l'intermédiaire "
                    "d'une authentification avec leur carte professionnelle à partir de leur logiciel métier agréé.",
                    "Les données échangées sont structurées et codifiées à partir des référentiels existants.",
                    "Un QR code est apposé sur l'ordonnance ; il véhicule un identifiant unique pour chaque "
                    "prescription, qui permet l'échange de données entre prescripteur et prescrit.",
                    "L'ordonnance papier est conservée dans l'attente que tous les prescrits soient équipés pour lire "
                    "le format numérique.",
                    "Le patient peut retrouver une copie de son ordonnance numérique au format PDF dans Mon espace "
                    "santé.",
                )
                + H("Comment reconnaître une ordonnance numérique ?")
                + UL(
                    "Un QR code en bas à gauche de l'ordonnance, sous lequel figure un identifiant unique de "
                    "prescription.",
                    "Des mentions légales en bas à droite : l'accord du patient (OUI ou NON) pour la consultation des "
                    "données d'exécution par le prescripteur, et un texte fixe indiquant que les données de "
                    "prescription sont transmises électroniquement à l'Assurance Maladie.",
                ),
            ),
            Item(CARTE_VITALE, SOCIAL, P("L'appli carte Vitale est disponible en région PACA.")),
            Item(
                COORDINATED,
                SOCIAL,
                UL(
                    "Au niveau national, en décembre 2024, 663 ACI signés et 78 % de la population couverte par une "
                    "CPTS (619 ACI et 73,7 % en août 2024).",
                    "En PACA, en décembre 2024, 62 ACI signés et 92 % de la population couverte par une CPTS (60 ACI "
                    "et 88,17 % en août 2024) ; en Corse, 1 contrat ACI signé en 2021.",
                    "Au 24/12/2024, 3,42 % de la population régionale de PACA n'est pas couverte par une CPTS et 102 "
                    "communes sont en zone blanche ; en Corse, 79 % de la population et 264 communes.",
                    "En région PACA, 129 MSP sont labellisées depuis 2017 (données décembre 2024).",
                    "L'Echo de l'EXE-CO, newsletter semestrielle dédiée à l'exercice coordonné, a été adressée le "
                    "08 octobre 2024 aux 62 CPTS, 127 MSP et 58 CDS de la région.",
                )
                + TABLE(
                    ["CPAM", "Taux de population en zone blanche", "Nombre de communes en zone blanche"],
                    ["CPAM 04", "14,39 %", "47"],
                    ["CPAM 05", "15,52 %", "30"],
                    ["CPAM 06", "4,66 %", "16"],
                    ["CPAM 13", "3,7 %", "7"],
                    ["CPAM 83", "0,15 %", "1"],
                    ["CPAM 84", "0 %", "0"],
                    ["Région PACA", "3,42 %", "102"],
                ),
            ),
        ],
    ),
    Item(
        ECOLOGY,
        SOCIAL,
        H("Contexte et enjeux")
        + P(
            "Les émissions de gaz à effet de serre du secteur de la santé représentent plus de 8 % des émissions "
            "nationales. Une feuille de route pour le secteur sanitaire et médico-social s'articule autour de 8 "
            "domaines d'action prioritaires :"
        )
        + UL(
            "Bâtiment et maîtrise de l'énergie",
            "Industries et produits de santé",
            "Achats durables",
            "Soins écoresponsables",
            "Déchets du secteur",
            "Formation et recherche en transformation écologique",
            "Mobilités durables",
            "Impact environnemental du numérique",
        )
        + H("Zoom sur une pratique écoresponsable")
        + P(
            "La pratique écoresponsable vise à offrir une prise en charge de qualité, sécurisée et pertinente, tout "
            "en réduisant l'impact environnemental.",
            "Et vous, vous en êtes où de la transition écologique au sein de vos organisations de travail ?",
        ),
    ),
    Item(
        "Réclamations liées aux facturations : nouveau téléservice",
        SOCIAL,
        P(
            "Depuis le 2 décembre 2024, l'Assurance Maladie déploie le nouveau téléservice amelipro « Réclamations "
            "Paiements ». Ce nouveau service permet au praticien de :"
        )
        + UL(
            "déposer les réclamations liées aux facturations et d'en suivre le traitement ;",
            "consulter l'état d'avancement du traitement des réclamations en cours et accéder à ses réclamations "
            "archivées (une réclamation est archivée 15 jours après son traitement) ;",
            "consulter la réponse apportée par la caisse et les éventuelles pièces jointes liées.",
        )
        + P(
            "Prérequis : disposer d'un compte amelipro. Si ce n'est pas le cas, procéder à sa création directement "
            "sur la page d'accueil d'amelipro."
        ),
    ),
    Item(QUESTIONS, PROFESSIONAL),
]

PACA_2025_PREAMBLE = "Lors de cette commission, la Présidence a été donnée au Président de la section professionnelle."
PACA_2025_RECORDS = {
    # agenda item title: (summary of the exchanges, decisions taken)
    PRESIDENCY_2025: (
        "",
        [
            "Est désignée Présidente de la commission : Mme KERN Colette.",
            "Est désigné Vice-Président de la commission : M. ROUSSEL Philippe.",
        ],
    ),
    COMPOSITION_2025: ("", ["La nouvelle composition de la section professionnelle est approuvée."]),
    SESAM_DEPARTMENTS: (
        "Les taux de professionnels en SESAM-Vitale ont une large marge de progression pour les régions PACA et "
        "Corse.\n\nLa profession souligne que la dématérialisation est encore peu utilisée par la profession, "
        "certainement freinée par les démarches nécessaires en amont de l'utilisation et par le faible effectif de "
        "la profession.\n\nBien que consciente que l'équipement SESAM-Vitale demande une réorganisation de la "
        "pratique du professionnel, Mme ARMANDI précise que la facturation en SESAM-Vitale est un vrai gain de temps "
        "pour ce dernier et s'inscrit dans une démarche de simplification administrative.\n\nMme ARMANDI propose aux "
        "représentants de la profession de solliciter la CPAM d'appartenance qui orientera les professionnels vers "
        "les Délégués du Numérique en Santé.",
        [],
    ),
    CARTE_VITALE: (
        "La section professionnelle souhaite savoir comment la carte Vitale est lue par le smartphone.\n\n"
        "Mme ARMANDI précise que la lecture est réalisée à partir d'un QR code ou d'un lecteur NFC. Les "
        "professionnels sont invités à se rapprocher de leur éditeur de logiciels.\n\nMme ARMANDI précise que les "
        "caisses ne sont pas dans une phase de promotion mais encore dans une phase expérimentale, le démarrage "
        "restant progressif. Toutefois, l'utilisation de la carte Vitale dématérialisée est très attendue par les "
        "professionnels dans la mesure où les assurés n'ont pas toujours leur carte Vitale en leur possession. Par "
        "ailleurs, l'usage de la carte Vitale dématérialisée peut être délégué à un accompagnant (grands-parents, "
        "etc.).",
        [],
    ),
    COORDINATED: (
        "Mme ARMANDI précise que l'exercice coordonné permet de créer du lien avec le réseau de professionnels du "
        "territoire et de faire connaître son activité. Elle invite la profession à s'intéresser aux actions "
        "proposées par les CPTS et à se rendre à des évènements organisés par les CPTS de leurs territoires.\n\n"
        "La profession souligne avoir des difficultés à intégrer des CPTS. Mme ARMANDI invite dans ce cas le "
        "professionnel à contacter sa CPAM d'appartenance pour une mise en relation avec la CPTS. Elle précise qu'un "
        "professionnel a la possibilité d'être adhérent actif de la CPTS en participant à des groupes de travail ou "
        "uniquement d'intégrer la CPTS pour faire partie d'un réseau de professionnels.",
        [],
    ),
    ECOLOGY: (
        "Mme ARMANDI précise que ce sujet va occuper de plus en plus de place dans la pratique de toutes les "
        "professions de santé.\n\nLa section professionnelle soutient ce type d'actions et précise avoir déjà mis en "
        "place des bonnes pratiques en matière de transition écologique (réflexion sur l'empreinte carbone, flotte "
        "de véhicules, etc.) et réfléchit à la possibilité de donner une seconde vie à du matériel médical.\n\n"
        "A noter, le titre de la diapositive « soin écoresponsable » a été remplacé par « pratique écoresponsable » "
        "suite à la demande de la profession.",
        [],
    ),
    QUESTIONS: (
        "Mme ARMANDI rappelle à la section professionnelle que certaines questions ne relèvent pas de la compétence "
        "de la CPR.",
        [],
    ),
}
# text, answer, out of scope, information post-commission
PACA_2025_QUESTIONS = [
    (
        "Difficultés rencontrées dans la mise en œuvre de la DAP dématérialisée en PPC et OAM. La section "
        "professionnelle souhaite savoir si un délai est appliqué par les caisses.",
        "La règlementation s'applique strictement selon le texte en vigueur.",
        False,
        False,
    ),
    (
        "Point à date du déploiement de la e-prescription.",
        "Le recours aux ordonnances numériques est devenu obligatoire au 31/12/2024. Le déploiement des solutions "
        "attendu fin 2024 n'étant que partiellement atteint, des travaux sont en cours pour adapter le calendrier "
        "initial pour le déploiement des professionnels en ville et pour l'hôpital. Des précisions seront diffusées "
        "ultérieurement.",
        False,
        True,
    ),
    (
        "La CPR peut-elle faire remonter à la CNAM la nécessité d'une tenue plus régulière de la Commission "
        "Paritaire Nationale ?",
        "Mme ARMANDI rappelle que les missions de la CPR sont inscrites dans la convention nationale et que la CPR "
        "n'a pas vocation à alerter la Caisse Nationale sur ce sujet. Elle invite la profession à se rapprocher de la "
        "Caisse Nationale.\n\nLa section professionnelle précise avoir peu de relations avec la Caisse Nationale et "
        "souligne que la CPR est un moment privilégié pour la section professionnelle pour échanger avec des "
        "représentants des organismes d'Assurance Maladie.",
        True,
        False,
    ),
    (
        "Désignation de correspondants dans les CPAM PACA pour les syndicats représentatifs afin de disposer "
        "d'interlocuteurs dédiés.",
        "La CPAM des Bouches-du-Rhône assure la gestion de la CPR sur une animation conventionnelle régionale. "
        "Toutefois, le texte conventionnel ne prévoit pas la désignation d'interlocuteurs locaux. Les coordonnées des "
        "animateurs de commissions paritaires ne sont pas à communiquer aux adhérents des syndicats professionnels "
        "mais uniquement réservées aux représentants de la commission. Les professionnels disposent des canaux de "
        "contact dédiés habituels : le site ameli.fr et la plateforme téléphonique.",
        False,
        False,
    ),
    (
        "Informations à date sur le calendrier de la certification HAS.",
        "La profession a été invitée à apporter des précisions sur la certification concernée. Mme ARMANDI rappelle "
        "que la CPR n'a pas vocation à traiter des cas individuels.",
        False,
        False,
    ),
    (
        "Contexte économique des PSAD (baisses tarifaires, réformes des nomenclatures, définition a minima de la "
        "prestation…).",
        "Il s'agit d'un sujet national qui ne relève pas de la compétence de la CPR. Les organisations syndicales "
        "sont invitées à faire une remontée à la Caisse Nationale.",
        True,
        False,
    ),
]
PACA_2025_COMMITMENTS = [
    ("Apporter des précisions sur la certification HAS concernée par la question n° 5.", CarriedBy.PROFESSIONAL),
]
# The workflow of the RDD of 26/02/2025: (step, local date and time, account)
PACA_2025_WORKFLOW = {
    "create": (datetime.datetime(2025, 3, 10, 9, 30), "secretariat"),  # not in 001
    "submit": (datetime.datetime(2025, 3, 28, 11, 0), "secretariat"),  # not in 001
    "approve_professional": (datetime.datetime(2025, 4, 5, 10, 0), "roussel"),  # 001: "Approuvé le 05/04/2025"
    "approve_social": (datetime.datetime(2025, 4, 14, 15, 0), "kern"),  # 001: "Approuvé le 14/04/2025"
    "transmit": (datetime.datetime(2025, 4, 15, 9, 0), "secretariat"),  # not in 001
}


# 002: the sessions of 30/09/2022 and 06/07/2023 of the CPR La Réunion

REUNION_2022_DAY = D(2022, 9, 30)
REUNION_2023_DAY = D(2023, 7, 6)
REUNION_COMMITMENTS = [
    # commitment taken on 30/09/2022, carried by, its state on 06/07/2023, note
    (
        "Les modalités d'accès au DMP pour les fournisseurs de la LPP Titre I & IV et Chap. 4 Titre II.",
        CarriedBy.SOCIAL,
        "Sera traité avec le sujet du DMP.",
        "",
    ),
    (
        "Avertir la profession du lancement de la campagne d'information sur la télétransmission et SCOR.",
        CarriedBy.SOCIAL,
        "En attente du lancement de la campagne d'information.",
        "",
    ),
    (
        "Transmettre aux instances nationales via le canal dédié le courrier actualisé des représentants de la "
        "profession sur le risque pour la pérennité de la filière du fait de l'inadéquation entre les prix de vente "
        "LPP dans les DOM et le coût d'acquisition et de distribution des marchandises.",
        CarriedBy.SECRETARIAT,
        "Attente du retour de la profession sur la modification de leur courrier de signalement.",
        "Recommandation aux syndicats locaux d'informer leurs représentations nationales.",
    ),
]
REUNION_2022_PREAMBLE = (
    "Relevé reconstitué pour la démonstration à partir du support du 06/07/2023 : validé par les deux présidents de "
    "section le 15/03/2023, transmis aux membres le 23/03/2023, soumis au vote le 06/07/2023. Seuls ses engagements "
    "sont connus."
)
REUNION_2023_AGENDA = [
    Item(
        "Validation du relevé de décisions de la session du 30/09/2022",
        SECRETARIAT,
        P("Vote pour le relevé de décisions suivant :")
        + TABLE(
            [
                "Date de la commission",
                "Date de validation par les deux présidents de section",
                "Date de transmission aux membres de la commission",
            ],
            ["30/09/2022 – CPR fournisseurs titre I & IV", "15/03/2023", "23/03/2023"],
        ),
        children=[
            Item("Approbation du relevé de décisions", SOCIAL),
            Item("Suivi des engagements", SOCIAL),
        ],
    ),
    Item(
        "Information sur l'ordonnance numérique & point de situation sur le numérique en santé",
        SOCIAL,
        children=[
            Item(
                "L'ordonnance numérique",
                SOCIAL,
                H("Qu'est-ce que c'est ?")
                + P(
                    "L'ordonnance numérique vise à dématérialiser et sécuriser le circuit de la prescription entre les "
                    "médecins et les professionnels de santé prescrits."
                )
                + UL(
                    "Ce dispositif s'appuie sur une base de données sécurisée, hébergée en France selon les standards "
                    "haute sécurité par l'Assurance Maladie et appelée « base e-prescription ».",
                    "L'accès à la base e-prescription est restreint aux professionnels de santé par l'intermédiaire "
                    "d'une authentification avec leur carte professionnelle (CPS ou CPE).",
                    "Un QR code est apposé sur l'ordonnance ; il véhicule l'identifiant unique de la prescription qui "
                    "permet l'échange de données entre prescripteur et prescrit.",
                    "L'ordonnance papier est conservée dans l'attente que tous les prescrits soient équipés pour lire "
                    "directement le format numérique.",
                )
                + H("Qu'est-ce que ça change ?")
                + P(
                    "Ce qui ne change pas : le libre choix du prescrit et du prescripteur par le patient, la "
                    "possibilité d'ajuster l'ordonnance avec l'accord du prescripteur, la possibilité de traiter des "
                    "ordonnances papier classiques.",
                    "Les nouveautés : la récupération des données de prescription directement dans le logiciel de "
                    "gestion de cabinet à partir de la base sécurisée de l'Assurance Maladie (lecture du QR code), le "
                    "format de l'ordonnance papier présentée par les patients, l'alimentation du DMP.",
                )
                + H("Qui est concerné ?")
                + UL(
                    "2022 : début de la généralisation pour la prescription par les médecins de ville et les "
                    "pharmaciens ;",
                    "2023 : intensification du déploiement chez les médecins et pharmaciens et déploiement auprès "
                    "des professionnels de la LPP ;",
                    "2024 : déploiement progressif pour l'ensemble des prescrits de ville.",
                ),
            ),
            Item(
                "La généralisation du DMP / Mon espace santé",
                SOCIAL,
                P(
                    "Le DMP est généralisé depuis juillet 2022.",
                    "A la Réunion, à fin avril 2023, 849 000 personnes ont un DMP créé qui peut être alimenté et "
                    "consulté (avec l'accord du patient) par les professionnels de santé ; tous les régimes sont "
                    "représentés.",
                ),
            ),
        ],
    ),
    Item("Point facturation", SOCIAL),
    Item(
        "Suivi conventionnel",
        BOTH,
        children=[
            Item(
                "Mise en œuvre de la certification HAS",
                BOTH,
                P(
                    "Les travaux d'élaboration d'un référentiel de certification des prestataires ont été clos en "
                    "avril dernier. Les pouvoirs publics souhaitent laisser aux acteurs le temps de se conformer à ce "
                    "référentiel. Il n'entrera donc en application qu'en janvier 2025."
                ),
            ),
            Item("Statut PSAD", BOTH, P("Point développé par la section professionnelle.")),
            Item(
                "Réforme fauteuil roulant",
                BOTH,
                P(
                    "Pour le moment, il ne s'agit que d'une annonce sur la prise en charge à 100 % des fauteuils "
                    "roulants. Aucune proposition réglementaire n'a encore été faite à notre connaissance."
                ),
            ),
        ],
    ),
    Item(
        "Données chiffrées activité des fournisseurs LPP titre I et IV pour l'exercice 2022",
        SOCIAL,
        P(
            "Présentation du secrétariat des commissions paritaires : démographie et activité des fournisseurs "
            "titre I & IV, exercice 2022."
        ),
    ),
    Item(
        "Questions diverses",
        BOTH,
        children=[
            Item(
                "Validité de la prescription des ergothérapeutes",
                BOTH,
                UL(
                    "Les ergothérapeutes ne font pas partie des professionnels de santé reconnus par l'assurance "
                    "maladie.",
                    "Ils n'ont pas de numéro de professionnel assurance maladie pour la facturation des actes.",
                    "En conséquence, leurs éventuelles prescriptions ne pourront faire l'objet d'une indemnisation à "
                    "l'assuré ou au fournisseur de LPP.",
                    "La prise en charge exige un numéro de prescripteur connu dans le FNPS (fichier national des PS) "
                    "avec des habilitations à la prescription.",
                ),
            ),
            Item(
                "Contenu des prestations AAD et MAD",
                BOTH,
                P(
                    "Pour plus de précisions en lien avec le code LPP par exemple, vous pouvez télécharger les "
                    "fichiers de transcodage via le lien suivant :"
                )
                + LINK("http://www.codage.ext.cnamts.fr/codif/tips//telecharge/index_tele.php?p_site=AMELI"),
            ),
        ],
    ),
]


# 004: the session of 17/02/2025 of the CPL pharmaciens de la Côte-d'Or

COTE_DOR_DAY = D(2025, 2, 17)
COTE_DOR_NEXT = "26/05/2025 et 24/11/2025 (lundis, 12h30–13h)"
COTE_DOR_AGENDA = [
    Item("Approbation du relevé de décisions du 25 novembre 2024", SECRETARIAT),
    Item(
        "Actualités conventionnelles et réglementaires",
        content=H("Évolutions tarifaires avenant 1")
        + P("A compter du 8 janvier 2025, les évolutions tarifaires entrent en vigueur :")
        + UL(
            "Honoraire à l'ordonnance : 0,61 €",
            "Honoraires de garde : nuit de 20h à minuit et de 6h à 8h, 10 € par ordonnance ; nuit profonde de "
            "minuit à 6h, 20 € par ordonnance ; dimanches et jours fériés, 6 € par ordonnance",
            "Indemnité d'astreinte portée à 200 € par astreinte de garde de nuit, dimanche ou jour férié",
            "Nouvel entretien opioïdes : 5 €",
        )
        + H("Indicateurs ROSP et BUPS")
        + P(
            "Les pharmaciens peuvent renseigner et déclarer leurs indicateurs de rémunérations forfaitaires 2024 via "
            "amelipro du 09/12/2024 au 28/02/2025."
        )
        + H("Dispositif de pénalisation en cas de non sérialisation")
        + P(
            "La pénalité est prononcée par le directeur de l'organisme local d'assurance maladie sur la base des "
            "informations transmises par France MVO chaque trimestre. Son montant est fixé à 2 000 euros ; elle "
            "peut être réitérée par période de trois mois. 4 pharmacies sont concernées en Côte-d'Or pour la "
            "première vague de pénalités."
        )
        + H("Prescriptions et facturation AGLP-1 : Ozempic, Victoza, Trulicity")
        + P(
            "Un nouveau dispositif entre en application le 1er février 2025, avec un délai de transition de 3 mois. "
            "Le remboursement est subordonné au renseignement par le prescripteur (libéral ou hospitalier) d'un "
            "formulaire précisant les circonstances et les indications de la prescription ; le pharmacien doit "
            "disposer de ce document en sus de l'ordonnance."
        )
        + H("Effets indésirables des fluoroquinolones")
        + P(
            "Un message Osmose a été envoyé le 13/12/2024 pour alerter les pharmaciens sur les effets secondaires "
            "des fluoroquinolones."
        ),
    ),
    Item(
        "Suivi des dépenses de santé",
        content=P("Activité des pharmaciens du 01/01/2024 au 31/12/2024 (en date de remboursement)."),
    ),
    Item(
        "Actions de gestion du risque et accompagnement",
        content=H("Campagnes d'accompagnement DAM auprès des pharmaciens")
        + UL(
            "Décembre 2024 et janvier 2025 : convention avec focus fraudes (ASAFO) et biosimilaires & hybrides, "
            "focus médicaments onéreux, rappels facturation TROD.",
            "Février : indicateurs pour les pharmacies n'ayant pas encore fait leurs démarches, rebond sur les "
            "derniers Osmose, commande de kits cancer colorectal et discours dépistage.",
        )
        + H("ASAFO")
        + P(
            "Depuis le 30 janvier 2025, une nouvelle version d'ASAFO Pharma a été mise en production : les officines "
            "confrontent automatiquement le NIR à la liste nationale des ordonnances frauduleuses, et un service "
            "amelipro ouvert le 3 février 2025 permet au prescripteur de visualiser l'ordonnance à authentifier."
        ),
    ),
    Item(
        "Prévention",
        content=P(
            "Tests angine et cystite, vaccination, kits de dépistage du cancer colorectal, entretiens : cumul des 12 "
            "derniers mois à fin novembre 2024.",
            "A partir de juillet 2024, autorisation de délivrer des antibiotiques sans ordonnance suite à un TROD "
            "angine ou cystite positif.",
            "La campagne de vaccination 2024/2025 contre la grippe a été prolongée d'un mois, soit jusqu'au "
            "28/02/2025.",
        ),
    ),
    Item(
        "Numérique en santé",
        content=H("Évolution amelipro : Ma convention")
        + P(
            "Dans le cadre de la migration technique de la convention pharmacie, la page d'accueil du téléservice "
            "est désormais constituée de 3 blocs : suivi des indicateurs (en cours de développement), déclaration, "
            "rémunérations."
        )
        + H("L'application carte Vitale")
        + P(
            "L'appli carte Vitale est la version dématérialisée de la carte Vitale sur le smartphone des assurés ; "
            "elle vient en complément de la carte Vitale physique, qui continue d'exister. Le parcours biométrique "
            "ouvre en Bourgogne-Franche-Comté avec la vague 1, en mai 2025."
        ),
    ),
    Item("Questions diverses"),
]


# The session of the CPR PACA–Corse held a few days before the day of loading (convened, held, its attendance
# recorded), whose draft RDD the demo accounts take through the workflow: the secretariat writes and submits it,
# both section presidents approve it, the secretariat transmits it, the members read it. Its items come from 000.

PERFADOM = "Campagne régionale PERFADOM : mesure d'impact"
PRESCRIPTION = "Rappel de la règlementation en matière de prescription"
RECENT_EXTRA_ITEMS = [
    Item(
        PERFADOM,
        SOCIAL,
        P(
            "Les montants remboursés pour les forfaits PERFADOM représentent environ 80 millions d'euros pour la "
            "région PACA en 2022, avec une progression de + 5 millions d'euros par rapport à 2021."
        )
        + H("Messages de la campagne")
        + UL(
            "Définition de la perfusion et des différents modes d'administration.",
            "Rappel de l'engagement conventionnel des prestataires : « Le prestataire s'interdit la rédaction et la "
            "diffusion de prescriptions médicales initiales ou de renouvellement pré-remplies à l'intention du "
            "prescripteur » (arrêté du 30 mai 2016).",
            "Rappel des prescripteurs autorisés, du libre choix du patient et des règles de facturation.",
            "Présentation des forfaits de PERFADOM et des règles de cumul.",
        )
        + H("Mesure d'impact")
        + P("Présentation de l'étude d'impact portant sur les montants remboursés PERFADOM."),
    ),
    Item(
        PRESCRIPTION,
        SOCIAL,
        UL(
            "Les produits et prestations inscrits sur la LPP ne sont pris en charge que sur prescription médicale ou "
            "de certains auxiliaires médicaux, pour la première attribution comme pour le renouvellement (articles "
            "R165-1 et R161-40 du code de la sécurité sociale).",
            "A l'exception de l'optique et des audioprothèses, une première délivrance ne peut intervenir qu'au vu "
            "d'une ordonnance datant de moins de 6 mois (article R165-40 du CSS).",
            "Un produit ou prestation inscrits à la LPP ne peut être délivré sans ordonnance originale préalable "
            "signée ; les précisions obtenues du prescripteur portent la mention « accord du prescripteur » (article "
            "R165-42 du CSS).",
        ),
    ),
]
RECENT_PREAMBLE = "Le quorum étant atteint dans les deux sections, la séance est ouverte à 10 h."
RECENT_RECORD = (
    "La section sociale présente les résultats de l'étude d'impact de la campagne PERFADOM. La section "
    "professionnelle rappelle que les prestataires ne rédigent aucune prescription pré-remplie.",
    ["La campagne d'accompagnement des prescripteurs et des prestataires est reconduite."],
)
RECENT_COMMITMENT = (
    "Transmettre aux membres la synthèse de l'étude d'impact PERFADOM par département.",
    CarriedBy.SOCIAL,
)
RECENT_FOLLOW_UP = "Précisions apportées en séance par la section professionnelle : engagement clos."
RECENT_QUESTION = (
    "Quels prescripteurs sont autorisés à prescrire les forfaits PERFADOM ?",
    "La liste des prescripteurs autorisés figure dans le Flash Infos de la campagne, qui sera de nouveau adressé "
    "aux membres.",
)
# When each step was taken, counted from the session's day: (days, local time)
RECENT_STEPS = {
    "create": (-30, T(9, 0)),
    "convene": (-21, T(9, 0)),
    "hold": (0, T(12, 30)),
    "draft": (1, T(9, 30)),
}


# The upcoming session of the CPR PACA–Corse: a draft RDD only (it cannot be submitted before the session is held),
# with the questions received and the follow-up of the commitments of the earlier sessions already prepared

UPCOMING_EXTRA_ITEMS = [
    Item(
        "Point sur le déploiement de l'ordonnance numérique",
        SOCIAL,
        P(
            "Le recours aux ordonnances numériques est obligatoire depuis le 31/12/2024. Point d'étape du "
            "déploiement des solutions chez les prescripteurs et les fournisseurs de la LPP."
        ),
    ),
    Item(
        "Aides à la télétransmission : rappel des critères",
        SOCIAL,
        UL(
            "Facturation en mode sécurisé SESAM-Vitale : 300 €, pour 80 % de feuilles de soins électroniques sur "
            "l'année civile écoulée.",
            "Scannérisation des ordonnances SCOR : 90 €, pour 80 % d'ordonnances numérisées sur l'année civile "
            "achevée.",
        ),
    ),
]


CNIL_TEXT = P(
    "Conformément aux délibérations de la Commission Nationale de l'Informatique et des Libertés (*), il est porté à "
    "la connaissance des membres de la Commission que dans le cadre de l'exploitation des thèmes 24 à 38, "
    "l'Assurance Maladie (services administratifs et médicaux) est susceptible de réaliser des requêtes "
    "informatiques et des études statistiques portant sur les prestations réglées à un praticien, auxiliaire "
    "médical, tiers, assuré ou établissement de santé."
) + (
    "<p>(*) délibération n°88-31 du 22 mars 1988<br>délibération n°89-117 du 24 octobre 1989<br>"
    "délibération n°95-081 du 20 juin 1995<br>délibération n°96-002 du 16 janvier 1996<br>"
    "délibération n°2014-432 du 23 octobre 2014</p>"
)


# Loading


@contextmanager
def _at(moment: datetime.datetime):
    """The clock stopped at that local (Paris) time: what the workflow functions stamp as "today"."""
    with time_machine.travel(moment.replace(tzinfo=PARIS), tick=False):
        yield


@contextmanager
def _no_emails():
    # The demo writes history: its transitions and its convocation must not e-mail anyone (the secretariat's own
    # actions later do). meeting_convene imports the task when it runs, so the module's attribute is the one to stub.
    with (
        mock.patch.object(services, "_notify_on_commit", lambda entry: None),
        mock.patch.object(meeting_tasks, "send_convocation"),
    ):
        yield


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _session(commission: Commission, day: datetime.date, start: datetime.time, **fields) -> Meeting:
    meeting = Meeting.objects.filter(commission=commission, date=day, kind=Meeting.Kind.SESSION).first()
    if meeting is None:
        meeting = meeting_create(commission=commission, date=day, start_time=start, **fields)
    return meeting


def _held(meeting: Meeting) -> Meeting:
    """A past session of the documents: held (it is closed by the approval of its RDD, where the demo has one)."""
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        meeting = meeting_update(meeting=meeting, status=Meeting.Status.HELD)
    return meeting


def _agenda(meeting: Meeting, items: list[Item], parent: AgendaItem | None = None) -> dict[str, AgendaItem]:
    """The items, created when missing (by meeting, parent and title), their text brought up to date."""
    found: dict[str, AgendaItem] = {}
    for spec in items:
        item = AgendaItem.objects.filter(meeting=meeting, parent=parent, title=spec.title).first()
        if item is None:
            item = agenda_item_add(
                meeting=meeting, parent=parent, title=spec.title, speaker=spec.speaker, content=spec.content
            )
        elif (item.speaker, item.content) != (spec.speaker, sanitize_html(spec.content)):
            item = agenda_item_update(item=item, title=spec.title, speaker=spec.speaker, content=spec.content)
        found[spec.title] = item
        found.update(_agenda(meeting, spec.children, item))
    return found


def _record(rdd: Rdd, item: AgendaItem) -> ItemRecord:
    return ItemRecord.objects.get(rdd=rdd, agenda_item=item)


def _paca_2024(paca: Commission) -> Meeting:
    meeting = _session(paca, PACA_2024_DAY, T(10, 0))
    _agenda(meeting, PACA_2024_AGENDA)
    return _held(meeting)


def _paca_2025(paca: Commission) -> tuple[Meeting, Rdd]:
    roussel = Person.objects.get(last_name="ROUSSEL", first_name="Philippe")
    # 001: presided by M. ROUSSEL; "Prochaine commission : Date à fixer", as the secretariat wrote it then.
    meeting = _session(paca, PACA_2025_DAY, T(10, 0), presided_by=roussel, next_meeting_note="Date à fixer")
    items = _agenda(meeting, PACA_2025_AGENDA)
    _held(meeting)

    rdd = Rdd.objects.filter(meeting=meeting, version=1).first()
    steps = PACA_2025_WORKFLOW
    if rdd is None:
        moment, username = steps["create"]
        with _at(moment):
            rdd = services.rdd_create(meeting=meeting, user=_user(username))
            content.rdd_update_preamble(rdd=rdd, preamble=PACA_2025_PREAMBLE)
            for title, (summary, decisions) in PACA_2025_RECORDS.items():
                content.item_record_save(record=_record(rdd, items[title]), summary=summary, decisions=decisions)
            for text, carried_by in PACA_2025_COMMITMENTS:
                content.commitment_save(rdd=rdd, text=text, carried_by=carried_by)
            for text, answer, out_of_scope, post in PACA_2025_QUESTIONS:
                content.question_save(
                    rdd=rdd, text=text, answer=answer, out_of_scope=out_of_scope, post_commission=post
                )
    _advance(rdd, steps)
    rdd.refresh_from_db()
    return meeting, rdd


def _advance(rdd: Rdd, steps: dict) -> None:
    """Take the RDD forward through the workflow, each step at its date; steps already done are skipped."""
    rdd.refresh_from_db()
    if rdd.status == Rdd.Status.DRAFT:
        moment, username = steps["submit"]
        with _at(moment):
            services.rdd_submit(rdd=rdd, user=_user(username))
    approved = set(rdd.approvals.values_list("section", flat=True))
    for step, section in (("approve_professional", "professionnelle"), ("approve_social", "sociale")):
        rdd.refresh_from_db()
        if rdd.status == Rdd.Status.SUBMITTED and section not in approved:
            moment, username = steps[step]
            with _at(moment):
                services.rdd_approve(rdd=rdd, user=_user(username))
    rdd.refresh_from_db()
    if rdd.status == Rdd.Status.APPROVED:
        moment, username = steps["transmit"]
        with _at(moment):
            services.rdd_transmit(rdd=rdd, user=_user(username))


def _reunion(reunion: Commission) -> tuple[Meeting, Meeting]:
    secretariat = _user("secretariat")
    old = _held(_session(reunion, REUNION_2022_DAY, T(9, 0)))
    old_rdd = Rdd.objects.filter(meeting=old, version=1).first()
    if old_rdd is None:
        # Left a draft: the seeds name no section president of La Réunion, so nobody can approve it;
        # its dates of 002 are in its preamble and in the vote table of item 01 of 06/07/2023.
        with _at(datetime.datetime(2022, 10, 10, 9, 0)):
            old_rdd = services.rdd_create(meeting=old, user=secretariat)
            content.rdd_update_preamble(rdd=old_rdd, preamble=REUNION_2022_PREAMBLE)
            for text, carried_by, _state, _note in REUNION_COMMITMENTS:
                content.commitment_save(rdd=old_rdd, text=text, carried_by=carried_by)

    meeting = _session(reunion, REUNION_2023_DAY, T(9, 0))
    _agenda(meeting, REUNION_2023_AGENDA)
    _held(meeting)
    if not Rdd.objects.filter(meeting=meeting, version=1).exists():
        # The state of each commitment of 30/09/2022 recorded at 06/07/2023 (item 1.2 of 002).
        with _at(datetime.datetime(2023, 7, 10, 9, 0)):
            rdd = services.rdd_create(meeting=meeting, user=secretariat)
            for text, _carried_by, state, note in REUNION_COMMITMENTS:
                commitment = Commitment.objects.get(rdd=old_rdd, text=text)
                content.commitment_follow(rdd=rdd, commitment=commitment, date=meeting.date, status=state, note=note)
    return old, meeting


def _cote_dor(cote_dor: Commission) -> Meeting:
    meeting = _session(cote_dor, COTE_DOR_DAY, T(12, 30), place="CPAM de la Côte-d'Or", next_meeting_note=COTE_DOR_NEXT)
    _agenda(meeting, COTE_DOR_AGENDA)
    return _held(meeting)


def recent_day(today: datetime.date) -> datetime.date:
    """A few days before, on a weekday."""
    day = today - datetime.timedelta(days=RECENT_DAYS_BEFORE)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def upcoming_day(today: datetime.date) -> datetime.date:
    """A few weeks ahead, on a weekday."""
    day = today + datetime.timedelta(days=UPCOMING_IN_DAYS)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _standard_agenda(meeting: Meeting, extra_items: list[Item]) -> None:
    """The standard items of a new session, and the extra items before the last three of them ("Suivi des
    engagements", "Questions de la profession", "Questions diverses")."""
    session_add_standard_items(meeting=meeting)
    for spec in extra_items:
        item = agenda_item_add(meeting=meeting, title=spec.title, speaker=spec.speaker, content=spec.content)
        for _ in range(3):
            item = agenda_item_move(item=item, direction="up")


def _step(day: datetime.date, step: str) -> datetime.datetime:
    days, time = RECENT_STEPS[step]
    return datetime.datetime.combine(day + datetime.timedelta(days=days), time)


def _recent_attendance(meeting: Meeting) -> None:
    """The titular members present, one of them represented by the substitute; recorded once (the RDD's
    submission locks the attendance, so a later load must not write it again)."""
    if meeting.attendances.exists():
        return
    members = meeting_members(meeting)
    titulars = [row for row in members if row.role == Mandate.Role.TITULAR]
    statuses = {row.person.pk: Attendance.Status.PRESENT for row in titulars}
    # "Représenté(e)" needs the seat's substitute present (attendance_save checks the sheet as a whole).
    represented = titulars[-1]
    substitute = next(
        row for row in members if row.role == Mandate.Role.SUBSTITUTE and row.seat_id == represented.seat_id
    )
    statuses |= {represented.person.pk: Attendance.Status.REPRESENTED, substitute.person.pk: Attendance.Status.PRESENT}
    attendance_save(meeting=meeting, statuses=statuses)


def _recent(paca: Commission) -> tuple[Meeting, Rdd]:
    meeting = Meeting.objects.filter(commission=paca, title=RECENT_TITLE).first()
    if meeting is None:
        day = recent_day(paca.today())
        with _at(_step(day, "create")):
            meeting = meeting_create(
                commission=paca,
                date=day,
                start_time=T(10, 0),
                end_time=T(12, 30),
                place=RECENT_PLACE,
                title=RECENT_TITLE,
            )
            _standard_agenda(meeting, RECENT_EXTRA_ITEMS)
    if meeting.status == Meeting.Status.PLANNED:
        with _at(_step(meeting.date, "convene")):
            meeting = meeting_convene(meeting=meeting)
    if meeting.status == Meeting.Status.CONVENED:
        with _at(_step(meeting.date, "hold")):
            meeting = meeting_update(meeting=meeting, status=Meeting.Status.HELD)
    _recent_attendance(meeting)
    rdd = Rdd.objects.filter(meeting=meeting).order_by("-version").first()
    if rdd is None:
        with _at(_step(meeting.date, "draft")):
            rdd = services.rdd_create(meeting=meeting, user=_user("secretariat"))
            content.rdd_update_preamble(rdd=rdd, preamble=RECENT_PREAMBLE)
            summary, decisions = RECENT_RECORD
            item = AgendaItem.objects.get(meeting=meeting, title=PERFADOM)
            content.item_record_save(record=_record(rdd, item), summary=summary, decisions=decisions)
            text, carried_by = RECENT_COMMITMENT
            content.commitment_save(rdd=rdd, text=text, carried_by=carried_by)
            for commitment in open_commitments(paca, before=meeting):
                content.commitment_follow(
                    rdd=rdd, commitment=commitment, date=meeting.date, status=RECENT_FOLLOW_UP, closes=True
                )
            text, answer = RECENT_QUESTION
            content.question_save(rdd=rdd, text=text, answer=answer)
    return meeting, rdd


def _upcoming(paca: Commission) -> tuple[Meeting, Rdd]:
    secretariat = _user("secretariat")
    meeting = Meeting.objects.filter(commission=paca, title=UPCOMING_TITLE).first()
    if meeting is None:
        meeting = meeting_create(
            commission=paca, date=upcoming_day(paca.today()), start_time=T(10, 0), title=UPCOMING_TITLE
        )
        _standard_agenda(meeting, UPCOMING_EXTRA_ITEMS)
    rdd = Rdd.objects.filter(meeting=meeting).order_by("-version").first()
    if rdd is None:
        rdd = services.rdd_create(meeting=meeting, user=secretariat)
        item = AgendaItem.objects.get(meeting=meeting, title=UPCOMING_EXTRA_ITEMS[0].title)
        content.item_record_save(
            record=_record(rdd, item),
            summary="La section sociale présente l'état du déploiement de l'ordonnance numérique. La section "
            "professionnelle fait part des difficultés d'équipement des logiciels métier.",
            decisions=["Un point d'étape du déploiement sera présenté lors de la prochaine séance."],
        )
        content.commitment_save(
            rdd=rdd,
            text="Transmettre aux membres la liste des logiciels autorisés à déployer l'ordonnance numérique.",
            carried_by=CarriedBy.SECRETARIAT,
        )
        content.question_save(
            rdd=rdd,
            text="Calendrier du déploiement de l'ordonnance numérique pour les fournisseurs de la LPP.",
            answer="La section sociale diffusera le calendrier dès sa publication par la Caisse Nationale.",
            post_commission=True,
        )
        for commitment in open_commitments(paca, before=meeting):
            content.commitment_follow(
                rdd=rdd,
                commitment=commitment,
                date=meeting.date,
                status="En cours.",
            )
    return meeting, rdd


def _cnil() -> ContentBlock:
    block = ContentBlock.objects.filter(commission__isnull=True, title=CNIL_TITLE).first()
    if block is None or block.content != sanitize_html(CNIL_TEXT):
        block = content_block_save(commission=None, title=CNIL_TITLE, content=CNIL_TEXT, block=block)
    return block


def load_demo_meetings() -> list[str]:
    """Load the demo meetings (after demo.compositions.load_demo); returns one line per meeting, for the command."""
    paca = Commission.objects.get(slug=PACA)
    reunion = Commission.objects.get(slug=REUNION)
    cote_dor = Commission.objects.get(slug=COTE_DOR)
    with _no_emails():
        _cnil()
        paca_2024 = _paca_2024(paca)
        paca_2025, rdd_2025 = _paca_2025(paca)
        reunion_2022, reunion_2023 = _reunion(reunion)
        cote_dor_2025 = _cote_dor(cote_dor)
        # The recent session first: the upcoming one's agenda and follow-ups refer to it.
        recent, recent_rdd = _recent(paca)
        upcoming, upcoming_rdd = _upcoming(paca)
        # 003: the information meeting of the Service médical with GPs, on its own body (demo.information).
        information = load_demo_information()
    approvals = ", ".join(f"{a.approved_on:%d/%m/%Y}" for a in rdd_2025.approvals.order_by("approved_on"))
    return [
        f"{paca_2024}",
        f"{paca_2025} — relevé {rdd_2025.get_status_display().lower()} (approuvé le {approvals})",
        f"{reunion_2022}",
        f"{reunion_2023}",
        f"{cote_dor_2025}",
        f"{recent} — {recent.get_status_display().lower()}, relevé {recent_rdd.get_status_display().lower()}",
        f"{upcoming} — {upcoming.get_status_display().lower()}, relevé {upcoming_rdd.get_status_display().lower()}",
        f"{information} — {information.get_status_display().lower()}, sans relevé de décisions",
    ]
