"""The demo data, from the source documents in shared/seeds (000, 001, 002, 004).

Loaded by `python manage.py load_demo`; idempotent: every object is looked up
by its natural key before being created, so loading twice gives the same state.
"""

import datetime
import unicodedata

from django.contrib.auth import get_user_model
from django.db import transaction

from commissions.composition.models import (
    Commission,
    CompositionChange,
    Mandate,
    PresidencyArticle,
    PresidencyDesignation,
    ReaderScope,
    Seat,
    SectionKind,
    SectionPresidency,
)
from commissions.composition.services import sections_ensure
from members.models import Organisation, OrganisationAlias, Person

DEMO_PASSWORD = "demo-portail-2026"
D = datetime.date
SOCIAL, PROFESSIONAL = SectionKind.SOCIAL, SectionKind.PROFESSIONAL
TITULAR, SUBSTITUTE = Mandate.Role.TITULAR, Mandate.Role.SUBSTITUTE

ORGANISATIONS = [
    # acronym, full name, kind, other names it appears under
    ("CPCAM 13", "Caisse primaire centrale d'assurance maladie des Bouches-du-Rhône", "organisme", ["CPAM 13"]),
    ("DRSM PACA-Corse", "Direction régionale du service médical PACA-Corse", "service_medical", ["DRSM"]),
    ("MSA Alpes Vaucluse", "Mutualité sociale agricole Alpes-Vaucluse", "organisme", ["MSA Alpes-Vaucluse"]),
    ("UNDPM", "Union nationale des prestataires de dispositifs médicaux", "syndicat", ["UNPDM"]),
    ("UPSADI", "Union des prestataires de santé à domicile indépendants", "syndicat", []),
    ("SYNALAM", "Syndicat national des services et technologies de santé à domicile", "syndicat", []),
    ("SNADOM", "Syndicat national des associations d'assistance à domicile", "syndicat", []),
    ("SYNAPSAD", "Syndicat national des prestataires de santé à domicile", "syndicat", []),
    ("CPAM 21", "Caisse primaire d'assurance maladie de la Côte-d'Or", "organisme", ["CPAM Côte d'Or"]),
    ("MSA Bourgogne", "Mutualité sociale agricole de Bourgogne", "organisme", []),
    ("FSPF 21", "Fédération des syndicats pharmaceutiques de France — Côte-d'Or", "syndicat", []),
    ("USPO 21", "Union des syndicats de pharmaciens d'officine — Côte-d'Or", "syndicat", []),
    ("CGSS Réunion", "Caisse générale de sécurité sociale de La Réunion", "organisme", ["CGSS 974"]),
]

PACA_SEATS = [
    # section, organisation, [(role, civility, last name, first name, start)]
    (
        SOCIAL,
        "CPCAM 13",
        [
            (TITULAR, "Mme", "KERN", "Colette", D(2024, 1, 1)),
            (SUBSTITUTE, "Mme", "ARMANDI", "Chrystelle", D(2024, 1, 1)),
        ],
    ),
    (SOCIAL, "DRSM PACA-Corse", [(TITULAR, "Mme", "GINOUX", "Delphine", D(2024, 1, 1))]),
    (SOCIAL, "MSA Alpes Vaucluse", [(TITULAR, "Dr", "SURROCA", "Catherine", D(2024, 1, 1))]),
    (
        PROFESSIONAL,
        "UNDPM",
        [
            (TITULAR, "M.", "MEUNIER", "Jean-Roch", D(2024, 1, 1)),
            (SUBSTITUTE, "M.", "LAFON", "Grégory", D(2024, 1, 1)),
        ],
    ),
    (
        PROFESSIONAL,
        "UPSADI",
        [
            (TITULAR, "M.", "BALMELLE", "Nicolas", D(2024, 1, 1)),
            (SUBSTITUTE, "M.", "DAOULAS", "Didier", D(2024, 1, 1)),
        ],
    ),
    # 000: "Le poste de titulaire pour le syndicat SYNALAM reste à pourvoir" (2024): the only vacant post of the
    # professional section in 2024, filled on 26/02/2025 (001). 000 names nobody else, so the other members of
    # 001's table sit from 2024 on.
    (
        PROFESSIONAL,
        "SYNALAM",
        [
            (TITULAR, "M.", "GUILLAUME", "Thierry", D(2025, 2, 26)),
            (SUBSTITUTE, "M.", "GUEROUX", "Philippe", D(2024, 1, 1)),
        ],
    ),
    (
        PROFESSIONAL,
        "SNADOM",
        [
            (TITULAR, "Mme", "BUONORA", "Stéphanie", D(2024, 1, 1)),
            (SUBSTITUTE, "Mme", "LAUNAY", "Fabienne", D(2024, 1, 1)),
        ],
    ),
    (
        PROFESSIONAL,
        "SYNAPSAD",
        [
            (TITULAR, "M.", "ROUSSEL", "Philippe", D(2024, 1, 1)),
            (SUBSTITUTE, "Mme", "FAVAND", "Laurence", D(2024, 1, 1)),
        ],
    ),
]

COTE_DOR_SEATS = [
    (SOCIAL, "CPAM 21", [(TITULAR, "Mme", "LAURENT", "", D(2024, 1, 1))]),
    (SOCIAL, "MSA Bourgogne", []),
    (PROFESSIONAL, "FSPF 21", [(TITULAR, "M.", "BARD", "", D(2024, 1, 1))]),
    (PROFESSIONAL, "USPO 21", []),
]

REUNION_SEATS = [
    (SOCIAL, "CGSS Réunion", []),
    (PROFESSIONAL, "SYNALAM", []),
    (PROFESSIONAL, "UPSADI", []),
]

# username, person (last name, first name) or None, superuser, served commissions
ACCOUNTS = [
    ("admin", None, True, []),
    ("secretariat", ("ASTOLFI", "Elisabeth"), False, ["cpr-paca-corse-lpp", "cpr-reunion-lpp"]),
    ("secretariat21", None, False, ["cpl-pharmaciens-cote-dor"]),
    ("kern", ("KERN", "Colette"), False, []),
    ("roussel", ("ROUSSEL", "Philippe"), False, []),
    ("membre", ("BALMELLE", "Nicolas"), False, []),
    ("lecteur", None, False, []),
]
# The reader (role "lecteur") of a national service: every CPR of the country, read-only (ReaderScope).
READER_SCOPES = {"lecteur": ("CNAM — département des professions de santé (démonstration)", Commission.Level.CPR)}


def _person(civility: str, last_name: str, first_name: str) -> Person:
    # ASCII only: an address such as grégory.lafon@… is refused by the form and by the composition import.
    local = unicodedata.normalize("NFKD", f"{first_name or 'contact'}.{last_name}").encode("ascii", "ignore").decode()
    email = local.lower().replace(" ", "-") + "@demo.example.org"
    person, _ = Person.objects.get_or_create(
        last_name=last_name, first_name=first_name, defaults={"civility": civility, "email": email}
    )
    return person


def _commission(slug: str, **fields) -> Commission:
    commission, _ = Commission.objects.update_or_create(slug=slug, defaults=fields)
    sections_ensure(commission)
    return commission


def _seats(commission: Commission, seats) -> None:
    organisations = {org.acronym: org for org in Organisation.objects.all()}
    for position, (kind, acronym, mandates) in enumerate(seats, start=1):
        section = commission.sections.get(kind=kind)
        seat, _ = Seat.objects.get_or_create(section=section, organisation=organisations[acronym], position=position)
        for role, civility, last_name, first_name, start in mandates:
            # By seat, role and person: a demo loaded before a start date changed gets the new date.
            mandate, _ = Mandate.objects.get_or_create(
                seat=seat, role=role, person=_person(civility, last_name, first_name), defaults={"start": start}
            )
            if mandate.start != start:
                mandate.start = start
                mandate.save(update_fields=["start"])


def _section_president(commission: Commission, kind: str, last_name: str, start: datetime.date) -> Person:
    person = Person.objects.get(last_name=last_name, mandates__seat__section__commission=commission)
    SectionPresidency.objects.get_or_create(section=commission.sections.get(kind=kind), person=person, start=start)
    return person


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Load the demo data; returns the demo accounts as (username, description)."""
    for acronym, name, kind, aliases in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(acronym=acronym, defaults={"name": name, "kind": kind})
        for alias in aliases:
            OrganisationAlias.objects.get_or_create(organisation=organisation, name=alias)

    paca = _commission(
        "cpr-paca-corse-lpp",
        name="CPR PACA–Corse des fournisseurs LPP titres I et IV",
        level=Commission.Level.CPR,
        profession="Fournisseurs de la LPP titres I et IV",
        territory="Provence-Alpes-Côte d'Azur et Corse",
        presidency_article="article 48 paragraphe 1",
        presidency_reference_year=2024,
        presidency_reference_section=PROFESSIONAL,
        secretariat_organisation=Organisation.objects.get(acronym="CPCAM 13"),
        secretariat_department="Département Relations avec les Professions de Santé",
    )
    paca.secretariat_contacts.add(_person("Mme", "ASTOLFI", "Elisabeth"))
    _seats(paca, PACA_SEATS)
    change, _ = CompositionChange.objects.get_or_create(
        commission=paca,
        effective_on=D(2025, 2, 26),
        defaults={"approved_on": D(2025, 2, 26), "description": "Nouvelle composition de la section professionnelle"},
    )
    paca_mandates = Mandate.objects.filter(seat__section__commission=paca)
    paca_mandates.filter(start=D(2025, 2, 26)).update(opened_by=change)
    paca_mandates.filter(opened_by=change).exclude(start=D(2025, 2, 26)).update(opened_by=None)
    # The article is dated: 000 (2024) cites article 49, 001 (2025) article 48 (the convention renumbered).
    for start, article in ((D(2020, 1, 1), "article 49 paragraphe 1"), (D(2025, 1, 1), "article 48 paragraphe 1")):
        PresidencyArticle.objects.update_or_create(commission=paca, start=start, defaults={"article": article})
    kern = _section_president(paca, SOCIAL, "KERN", D(2024, 1, 1))
    roussel = _section_president(paca, PROFESSIONAL, "ROUSSEL", D(2024, 1, 1))
    PresidencyDesignation.objects.update_or_create(
        commission=paca,
        year=2025,
        defaults={
            "president": kern,
            "president_section": SOCIAL,
            "vice_president": roussel,
            "designated_on": D(2025, 2, 26),
            "note": "Désignation en séance du 26/02/2025 (support 001).",
        },
    )

    cote_dor = _commission(
        "cpl-pharmaciens-cote-dor",
        name="CPL des pharmaciens de la Côte-d'Or",
        level=Commission.Level.CPL,
        profession="Pharmaciens",
        territory="Côte-d'Or (CPAM 21)",
        presidency_article="article 49 paragraphe 1",
        presidency_reference_year=2024,
        presidency_reference_section=SOCIAL,
        secretariat_organisation=Organisation.objects.get(acronym="CPAM 21"),
    )
    _seats(cote_dor, COTE_DOR_SEATS)
    laurent = _section_president(cote_dor, SOCIAL, "LAURENT", D(2024, 1, 1))
    bard = _section_president(cote_dor, PROFESSIONAL, "BARD", D(2024, 1, 1))
    for year, president, section, vice in ((2024, laurent, SOCIAL, bard), (2025, bard, PROFESSIONAL, laurent)):
        PresidencyDesignation.objects.update_or_create(
            commission=cote_dor,
            year=year,
            defaults={
                "president": president,
                "president_section": section,
                "vice_president": vice,
                "designated_on": D(year, 2, 17) if year == 2025 else D(2024, 1, 1),
            },
        )

    reunion = _commission(
        "cpr-reunion-lpp",
        name="CPR de La Réunion des fournisseurs LPP titres I et IV",
        level=Commission.Level.CPR,
        profession="Fournisseurs de la LPP titres I et IV",
        territory="La Réunion",
        time_zone="Indian/Reunion",
        secretariat_organisation=Organisation.objects.get(acronym="CGSS Réunion"),
    )
    _seats(reunion, REUNION_SEATS)

    return _accounts()


def _accounts() -> list[tuple[str, str]]:
    User = get_user_model()
    listing = []
    for username, person_key, superuser, served in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_superuser": superuser, "is_staff": superuser, "email": f"{username}@demo.example.org"},
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()
        if person_key:
            person = Person.objects.get(last_name=person_key[0], first_name=person_key[1])
            person.user = user
            person.save(update_fields=["user"])
        for slug in served:
            Commission.objects.get(slug=slug).agents.add(user)
        if username in READER_SCOPES:
            service, level = READER_SCOPES[username]
            ReaderScope.objects.get_or_create(
                user=user, service=service, defaults={"level": level, "start": datetime.date(2024, 1, 1)}
            )
        listing.append((username, DEMO_ACCOUNT_ROLES[username]))
    return listing


DEMO_ACCOUNT_ROLES = {
    "admin": "administrateur (toutes les commissions, /admin/)",
    "secretariat": "agent du secrétariat (CPCAM 13) de la CPR PACA–Corse et de la CPR La Réunion",
    "secretariat21": "agent du secrétariat de la CPL pharmaciens de la Côte-d'Or",
    "kern": "Mme KERN Colette, présidente de la section sociale de la CPR PACA–Corse",
    "roussel": "M. ROUSSEL Philippe, président de la section professionnelle de la CPR PACA–Corse",
    "membre": "M. BALMELLE Nicolas, membre titulaire (UPSADI) de la CPR PACA–Corse",
    "lecteur": "lecteur d'un service national : toutes les CPR (PACA–Corse, La Réunion), en lecture seule",
}
