"""The information meeting of 003: the Service médical d'Île-de-France meets general practitioners (28/11/2023).

An information meeting (Meeting.Kind.INFORMATION): no RDD, no quorum, its
attendees are not seat holders. It belongs to a demo body, the CPL des
médecins de Paris, whose secretariat is the Service médical de Paris (003:
"Contact : le Dr Valérie Coste, chef de service du Service Médical de Paris");
like every commission it has its two sections (commissions.composition.services
.sections_ensure), left without seats. Its agenda is the "Sommaire" of 003
(I–IV and their sub-items), each item's content summarised from the slides.

`load_demo_information()` is called by demo.meetings.load_demo_meetings;
idempotent like the rest of the demo (the meeting looked up by commission,
date and kind, the items by meeting, parent and title). Not in 003, chosen by
the demo: the times and the place, the organisation's name and the body.
"""

import datetime

from django.utils.html import escape

from commissions.composition.models import Commission
from commissions.composition.services import sections_ensure
from commissions.meetings.agenda import agenda_item_add, agenda_item_update
from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.services import meeting_create, meeting_update
from members.models import Organisation, OrganisationAlias, Person
from portal.sanitize import sanitize_html

D, T = datetime.date, datetime.time

INFORMATION_COMMISSION = "cpl-medecins-paris"
INFORMATION_DAY = D(2023, 11, 28)
INFORMATION_TITLE = "Rencontre du Service médical d'Île-de-France avec les médecins généralistes"
NO_SPEAKER = ""  # an information meeting has no sections: its items name no "Intervenant"


def _p(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _table(header: list[str], *rows: list[str]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# (title, content, sub-items)
AGENDA = [
    (
        "Vos ordonnances",
        "",
        [
            (
                "Génériques",
                _p("Le prescripteur exclut la substitution par un générique dans 3 situations :")
                + _table(
                    ["Situation médicale justifiant la non délivrance d'un générique", "Mention sur l'ordonnance"],
                    ["Marge thérapeutique étroite", "« non substituable (MTE) »"],
                    ["Forme galénique inadaptée / enfant de moins de 6 ans", "« non substituable (EFG) »"],
                    ["Contre-indication formelle / excipient", "« non substituable (CIF) »"],
                )
                + _p(
                    "Si le patient l'exige pour convenance personnelle : pas de tiers payant, remboursement sur la "
                    "base du prix du générique."
                ),
                [],
            ),
            (
                "Biosimilaires",
                _ul(
                    "Copie d'un biomédicament dont le brevet est expiré, 15 à 20 % moins chère que le médicament "
                    "biologique de référence.",
                    "Pas de substitution par le pharmacien sauf exceptions : le prescripteur est le seul acteur du "
                    "développement des biosimilaires.",
                )
                + _table(
                    ["Médicament de référence", "Biosimilaire", "DCI"],
                    ["NOVORAPID", "INSULINE ASPARTE SANOFI", "Insuline asparte"],
                    [
                        "LOVENOX",
                        "ENOXAPARINE ARROW, ENOXAPARINE BECAT, ENOXAPARINE CRUSIA, INHIXA",
                        "Enoxaparine",
                    ],
                    ["LANTUS", "ABASAGLAR", "Insuline glargine"],
                ),
                [],
            ),
            (
                "Soins infirmiers",
                _p(
                    "La qualité de la rédaction de l'ordonnance permet une exécution et une facturation précises des "
                    "actes prescrits. Un kit d'aide à la prescription (mémo, modèles d'ordonnances : injection, "
                    "perfusion, pansements, insuline, administration d'un traitement) est disponible sur ameli.fr."
                ),
                [],
            ),
        ],
    ),
    (
        "Les prestations des patients / fonctionnalités amelipro",
        "",
        [
            (
                "Remplaçants et délégation d'accès à amelipro",
                _p(
                    "Le médecin libéral (délégant) peut donner accès aux services amelipro à son remplaçant "
                    "(délégué) : connexion avec sa carte CPS, « Mon compte », rubrique Délégations. Le délégué "
                    "accepte ou refuse la délégation. La CPS est personnelle, elle ne se prête pas."
                ),
                [],
            ),
            (
                "Les arrêts de travail (maladie et AT/MP)",
                _ul(
                    "Temps partiel thérapeutique : prescrit par le médecin traitant, validé par l'employeur et le "
                    "médecin du travail, puis par le médecin conseil ; pas nécessairement un mi-temps.",
                    "Invalidité : réduction de plus des 2/3 de la capacité de travail ou de gain, avant 62 ans ; "
                    "retraite pour inaptitude au travail entre 62 et 67 ans.",
                    "AT/MP : certificat médical AT/MP (cerfa S6909) et avis d'arrêt de travail (cerfa S3116) ; "
                    "reconnaissance des maladies professionnelles par les tableaux ou par le système complémentaire "
                    "(CRRMP).",
                    "Formation en ligne gratuite sur les arrêts de travail (MOOC), ouverte du 2 octobre 2023 au "
                    "30 septembre 2024.",
                ),
                [],
            ),
            (
                "Prévention de la désinsertion professionnelle / partenariat avec le médecin du travail",
                _p(
                    "La visite de pré-reprise par le médecin du travail, pendant l'arrêt et avec l'accord du patient, "
                    "peut être demandée par le salarié, le médecin traitant ou le médecin conseil. Signalements au "
                    "service social de l'Assurance Maladie par l'outil ISSUE."
                ),
                [],
            ),
            (
                "Les affections de longue durée (ALD)",
                _ul(
                    "ALD 30, ALD hors liste et polypathologie invalidante.",
                    "Admissions simplifiées pour toutes les ALD 30 sauf l'HTA (12), l'insuffisance respiratoire "
                    "chronique grave (14), les maladies métaboliques héréditaires (17) et une partie des affections "
                    "psychiatriques (23) : accord de principe immédiat du Service médical.",
                    "Prolongations : renouvellement automatique par le Service médical 3 mois avant l'échéance "
                    "pour les bénéficiaires de 80 ans et plus, les polypathologies invalidantes et 17 ALD de la "
                    "liste.",
                ),
                [],
            ),
            (
                "Autres téléservices",
                _p(
                    "Historique des remboursements (12 derniers mois, avec l'accord du patient), déclaration médecin "
                    "traitant, déclaration simplifiée de grossesse, prescription de transport, bilan de soins "
                    "infirmiers."
                ),
                [],
            ),
        ],
    ),
    (
        "Cotations",
        _ul(
            "NGAP (actes cliniques) et CCAM (actes techniques) : les honoraires d'une consultation ne se cumulent pas "
            "avec ceux d'un acte technique, sauf dérogations (prélèvement cervicovaginal JKHD001, ECG).",
            "Consultation du médecin traitant généraliste de secteur 1 : G (C 23 € + MMG 3,5 €) = 26,5 € ; 31,5 € "
            "avec la MEG (5 €) de 0 à 6 ans.",
            "Consultations complexes et très complexes à tarif opposable (codes affinés, ou agrégés CCX et CCE : "
            "par exemple MPH, CCE 60 €) ; revalorisations du règlement arbitral au 1er novembre 2023.",
            "20 examens de suivi médical de l'enfant et de l'adolescent, de la naissance à 16 ans, pris en charge "
            "à 100 % en tiers payant ; contraception prise en charge à 100 % jusqu'à 25 ans inclus (CCP).",
            "Visite longue (VL), visite soins palliatifs (VSP), majoration SNP (au plus 20 par semaine), "
            "majorations d'urgence MUT (5 €), MCU (15 €) et MRT, avis ponctuel de consultant (APC), majorations "
            "de nuit, dimanche et jours fériés, tiers payant.",
        ),
        [],
    ),
    (
        "Évolution de l'exercice en ville et outils d'aujourd'hui",
        _p(
            "Contacts : 3608, amelipro (« Contacts », échanges médicaux sécurisés avec le service médical) ; "
            "pôle relations avec les professionnels de santé du Service médical de Paris (Dr Valérie Coste, chef "
            "de service)."
        ),
        [
            (
                "Les structures d'exercice coordonné",
                _p(
                    "Exercice coordonné avec une approche patientèle (MSP, centres de santé) ou populationnelle et "
                    "territoriale (CPTS : communauté territoriale de professionnels autour d'un projet de santé, pour "
                    "l'accès aux soins, les parcours, la prévention, les conditions d'exercice et la réponse aux "
                    "crises). Exemple : les points critiques du parcours de l'insuffisance cardiaque."
                ),
                [],
            ),
            (
                "Mon espace santé et le DMP",
                _p(
                    "Progressivement depuis le 01/01/2022, créé automatiquement sauf opposition de l'assuré : carnet "
                    "de santé numérique, dossier médical, messagerie sécurisée, catalogue d'applications "
                    "référencées. Contacts : 3608, amelipro, échanges médicaux sécurisés avec le service médical."
                ),
                [],
            ),
        ],
    ),
]


def _commission() -> Commission:
    service, _ = Organisation.objects.update_or_create(
        acronym="ELSM Paris",
        defaults={
            "name": "Service médical de Paris (DRSM Île-de-France)",
            "kind": Organisation.Kind.MEDICAL_SERVICE,
        },
    )
    OrganisationAlias.objects.get_or_create(organisation=service, name="Service médical Île-de-France")
    commission, _ = Commission.objects.update_or_create(
        slug=INFORMATION_COMMISSION,
        defaults={
            "name": "CPL des médecins de Paris",
            "level": Commission.Level.CPL,
            "profession": "Médecins généralistes",
            "territory": "Paris (CPAM 75)",
            "secretariat_organisation": service,
            "secretariat_department": "Unité spécialisée d'accompagnement (USA) des professionnels de santé",
        },
    )
    sections_ensure(commission)
    coste, _ = Person.objects.get_or_create(
        last_name="COSTE",
        first_name="Valérie",
        defaults={"civility": "Dr", "email": "valerie.coste@demo.example.org"},
    )
    commission.secretariat_contacts.add(coste)
    return commission


def _agenda(meeting: Meeting, items: list, parent: AgendaItem | None = None) -> None:
    for title, content, children in items:
        item = AgendaItem.objects.filter(meeting=meeting, parent=parent, title=title).first()
        if item is None:
            item = agenda_item_add(meeting=meeting, parent=parent, title=title, speaker=NO_SPEAKER, content=content)
        elif (item.speaker, item.content) != (NO_SPEAKER, sanitize_html(content)):
            item = agenda_item_update(item=item, title=title, speaker=NO_SPEAKER, content=content)
        _agenda(meeting, children, item)


def load_demo_information() -> Meeting:
    """The body, the information meeting of 28/11/2023 with its agenda, held; no RDD."""
    commission = _commission()
    meeting = Meeting.objects.filter(commission=commission, date=INFORMATION_DAY, kind=Meeting.Kind.INFORMATION).first()
    if meeting is None:
        meeting = meeting_create(
            commission=commission,
            date=INFORMATION_DAY,
            start_time=T(20, 0),
            end_time=T(22, 0),
            kind=Meeting.Kind.INFORMATION,
            title=INFORMATION_TITLE,
            place="Service médical de Paris",
        )
    _agenda(meeting, AGENDA)
    if meeting.status == Meeting.Status.PLANNED:
        meeting = meeting_update(meeting=meeting, status=Meeting.Status.HELD)
    return meeting
