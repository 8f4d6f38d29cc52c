"""Commissions, their two sections, seats, mandates and presidencies."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation, Person

TIME_ZONE_CHOICES = [
    (name, name)
    for name in (
        "Europe/Paris",
        "Indian/Reunion",
        "America/Guadeloupe",
        "America/Martinique",
        "America/Cayenne",
        "Indian/Mayotte",
        "Pacific/Noumea",
        "Pacific/Tahiti",
        "America/Miquelon",
    )
]


class SectionKind(models.TextChoices):
    SOCIAL = "sociale", "Section sociale"
    PROFESSIONAL = "professionnelle", "Section professionnelle"

    @property
    def other(self) -> "SectionKind":
        return SectionKind.PROFESSIONAL if self == SectionKind.SOCIAL else SectionKind.SOCIAL


class CommissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommissionQuerySet":
        """The commissions a user serves (secretariat), sits in (member, president) or reads (reader)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # The ids of the user's commissions first, as one UNION of three small index lookups (agent, current
        # mandate, current presidency): `pk IN (…)` lets the planner start from those few commissions. Three EXISTS
        # joined by OR could not: on the national data, the transmitted RDDs' list joined and sorted every RDD of
        # the country before filtering (124–155 ms instead of 2.4 ms). Before that, joins and DISTINCT multiplied
        # every commission by its seats, mandates and presidencies (a scan of every mandate).
        today = datetime.date.today()
        return self.filter(pk__in=visible_commission_ids(user, today))


def visible_commission_ids(user, day: datetime.date) -> models.QuerySet:
    """The ids of the commissions the user serves (agent), sits in (current mandate or presidency) or reads (current
    reader scope) on the day, as a subquery (a UNION of six lookups by the user)."""
    # Unordered: the models' default orderings would join the commissions only to sort each part.
    return (
        Commission.agents.through.objects.filter(user_id=user.pk)
        .order_by()
        .values("commission_id")
        .union(
            Mandate.objects.current_on(day)
            .filter(person__user_id=user.pk)
            .order_by()
            .values("seat__section__commission_id"),
            SectionPresidency.objects.current_on(day)
            .filter(person__user_id=user.pk)
            .order_by()
            .values("section__commission_id"),
            # A reader (ReaderScope): the commissions listed by name, those of a level on a territory, those of a
            # level in the whole country. Equalities only (no OR in a subquery), so that each part is a hashed
            # semi-join on the user's few scopes, empty and skipped for everyone who reads nothing.
            ReaderScope.commissions.through.objects.filter(readerscope__in=_reader_scope_ids(user, day))
            .order_by()
            .values("commission_id"),
            Commission.objects.filter(
                Exists(
                    ReaderScope.objects.current_on(day).filter(
                        user_id=user.pk, level=OuterRef("level"), territory=OuterRef("territory")
                    )
                )
            )
            .order_by()
            .values("pk"),
            Commission.objects.filter(
                level__in=ReaderScope.objects.current_on(day)
                .filter(user_id=user.pk, territory="")
                .exclude(level="")
                .order_by()
                .values("level")
            )
            .order_by()
            .values("pk"),
        )
    )


def _reader_scope_ids(user, day: datetime.date) -> models.QuerySet:
    return ReaderScope.objects.current_on(day).filter(user_id=user.pk).order_by().values("pk")


class Commission(models.Model):
    """A joint commission of one profession on one territory."""

    class Level(models.TextChoices):
        CPN = "CPN", "Commission paritaire nationale"
        CPR = "CPR", "Commission paritaire régionale"
        CPD = "CPD", "Commission paritaire départementale"
        CPL = "CPL", "Commission paritaire locale"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    level = models.CharField("niveau", max_length=3, choices=Level.choices)
    profession = models.CharField("profession", max_length=120)
    territory = models.CharField("territoire", max_length=120)
    time_zone = models.CharField("fuseau horaire", max_length=40, choices=TIME_ZONE_CHOICES, default="Europe/Paris")
    presidency_article = models.CharField(
        "article de la convention sur la présidence",
        max_length=120,
        blank=True,
        help_text="Par exemple « article 48 paragraphe 1 ».",
    )
    presidency_reference_year = models.PositiveIntegerField(
        "année de référence de la présidence",
        null=True,
        blank=True,
        help_text="Une année dont on connaît la section qui préside ; la présidence alterne ensuite chaque année.",
    )
    presidency_reference_section = models.CharField(
        "section qui préside l'année de référence", max_length=20, choices=SectionKind.choices, blank=True
    )
    secretariat_organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisme du secrétariat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secretariats",
    )
    secretariat_department = models.CharField("service du secrétariat", max_length=200, blank=True)
    secretariat_contacts = models.ManyToManyField(
        Person, verbose_name="contacts du secrétariat", blank=True, related_name="secretariat_of"
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="agents du secrétariat",
        blank=True,
        related_name="served_commissions",
        help_text="Comptes qui préparent les séances de cette commission.",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = "commission"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(presidency_reference_year__isnull=True, presidency_reference_section="")
                | Q(presidency_reference_year__isnull=False) & ~Q(presidency_reference_section=""),
                name="commission_presidency_rule_complete",
            )
        ]
        indexes = [
            # A reader's scope by level (and territory): its commissions found by the index, not by reading them all.
            models.Index(fields=["level", "territory"], name="commission_level_territory"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissions:detail", args=[self.slug])

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> datetime.date:
        """Today's date in the commission's time zone."""
        return timezone.now().astimezone(self.zoneinfo).date()

    def section(self, kind: str) -> "Section":
        return next(section for section in self.sections.all() if section.kind == kind)


class Section(models.Model):
    """One of the two sections of a commission: social (insurers) or professional (unions)."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="sections", verbose_name="commission"
    )
    kind = models.CharField("section", max_length=20, choices=SectionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "section"
        ordering = ["commission", "-kind"]
        constraints = [models.UniqueConstraint(fields=["commission", "kind"], name="section_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.commission}"


class Seat(models.Model):
    """A seat held by an organisation in a section, with a titular and a substitute."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="seats", verbose_name="section")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="seats"
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    opened_on = models.DateField("ouvert le", null=True, blank=True)
    closed_on = models.DateField("supprimé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "siège"
        ordering = ["section", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="seat_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.section.get_kind_display()})"

    def is_open_on(self, day: datetime.date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on >= day)


class CompositionChange(models.Model):
    """A change of composition, with the date it was approved in session."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="composition_changes", verbose_name="commission"
    )
    effective_on = models.DateField("date d'effet")
    approved_on = models.DateField("approuvée en séance le", null=True, blank=True)
    description = models.CharField("description", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="enregistré par"
    )

    class Meta:
        verbose_name = "changement de composition"
        verbose_name_plural = "changements de composition"
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.description} ({self.effective_on:%d/%m/%Y})"


class DatedQuerySet(models.QuerySet):
    def current_on(self, day: datetime.date) -> "DatedQuerySet":
        """Rows whose period [start, end] contains the day (end is inclusive, open when empty)."""
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))

    def overlapping(self, start: datetime.date, end: datetime.date | None) -> "DatedQuerySet":
        """Rows whose period shares at least one day with [start, end]."""
        query = Q(end__isnull=True) | Q(end__gte=start)
        if end is not None:
            query &= Q(start__lte=end)
        return self.filter(query)


class Mandate(models.Model):
    """A person's mandate on a seat, as titular or substitute, for a period (end inclusive)."""

    class Role(models.TextChoices):
        TITULAR = "titulaire", "Titulaire"
        SUBSTITUTE = "suppleant", "Suppléant"

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="mandates", verbose_name="siège")
    role = models.CharField("rôle", max_length=10, choices=Role.choices)
    person = models.ForeignKey(Person, verbose_name="personne", on_delete=models.PROTECT, related_name="mandates")
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)
    opened_by = models.ForeignKey(
        CompositionChange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opened_mandates",
        verbose_name="ouvert par",
    )
    closed_by = models.ForeignKey(
        CompositionChange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closed_mandates",
        verbose_name="clos par",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        ordering = ["seat", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="mandate_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["seat", "role", "start"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} {self.seat}"

    def is_current_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    def clean(self) -> None:
        """No two mandates of the same seat and role share a day (also an exclusion constraint on PostgreSQL)."""
        if self.end is not None and self.start and self.end < self.start:
            raise ValidationError({"end": "La date de fin doit être postérieure ou égale à la date de début."})
        if not (self.seat_id and self.role and self.start):
            return
        clash = (
            Mandate.objects.filter(seat_id=self.seat_id, role=self.role)
            .overlapping(self.start, self.end)
            .exclude(pk=self.pk)
            .select_related("person")
            .first()
        )
        if clash is not None:
            until = f"au {clash.end:%d/%m/%Y}" if clash.end else "sans date de fin"
            raise ValidationError(
                {
                    "start": f"Ce siège a déjà un {clash.get_role_display().lower()} sur cette période : "
                    f"{clash.person.display_name}, du {clash.start:%d/%m/%Y} {until}."
                }
            )


class SectionPresidency(models.Model):
    """The president of a section for a period (a section president can change during a year)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="presidencies", verbose_name="section")
    person = models.ForeignKey(
        Person, verbose_name="président(e)", on_delete=models.PROTECT, related_name="section_presidencies"
    )
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = "présidence de section"
        verbose_name_plural = "présidences de section"
        ordering = ["section", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="section_presidency_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — président(e) de la {self.section.get_kind_display().lower()}"

    def clean(self) -> None:
        """One president per section at a time (also an exclusion constraint on PostgreSQL)."""
        if self.end is not None and self.start and self.end < self.start:
            raise ValidationError({"end": "La date de fin doit être postérieure ou égale à la date de début."})
        if not (self.section_id and self.start):
            return
        clash = (
            SectionPresidency.objects.filter(section_id=self.section_id)
            .overlapping(self.start, self.end)
            .exclude(pk=self.pk)
            .select_related("person")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "start": f"La section a déjà un président sur cette période : {clash.person.display_name}, "
                    f"depuis le {clash.start:%d/%m/%Y}."
                }
            )


class PresidencyArticle(models.Model):
    """The convention's article on the presidency in force from a date (conventions renumber their articles)."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="presidency_articles", verbose_name="commission"
    )
    start = models.DateField("en vigueur à partir du")
    article = models.CharField("article", max_length=120, help_text="Par exemple « article 48 paragraphe 1 ».")

    class Meta:
        verbose_name = "article de la convention sur la présidence"
        verbose_name_plural = "articles de la convention sur la présidence"
        ordering = ["commission", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "start"], name="presidency_article_unique_start"),
            models.CheckConstraint(condition=~Q(article=""), name="presidency_article_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.article} (depuis le {self.start:%d/%m/%Y}) — {self.commission}"


class PresidencyDesignation(models.Model):
    """The presidency of a year as designated in session; it overrides the rotation rule."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="designations", verbose_name="commission"
    )
    year = models.PositiveIntegerField("année")
    president = models.ForeignKey(Person, verbose_name="président(e)", on_delete=models.PROTECT, related_name="+")
    president_section = models.CharField("section du président", max_length=20, choices=SectionKind.choices)
    vice_president = models.ForeignKey(
        Person, verbose_name="vice-président(e)", on_delete=models.PROTECT, related_name="+"
    )
    designated_on = models.DateField("désignée en séance le")
    note = models.CharField("remarque", max_length=300, blank=True)

    class Meta:
        verbose_name = "désignation de la présidence"
        verbose_name_plural = "désignations de la présidence"
        ordering = ["commission", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "year"], name="designation_unique_year"),
            models.CheckConstraint(condition=~Q(president=models.F("vice_president")), name="designation_two_persons"),
        ]

    def __str__(self) -> str:
        return f"Présidence {self.year} — {self.commission}"

    @property
    def vice_president_section(self) -> str:
        return SectionKind(self.president_section).other

    def clean(self) -> None:
        """Two different persons, each sitting in their section on the day of the designation."""
        if not (self.commission_id and self.president_id and self.vice_president_id and self.president_section):
            return
        if self.president_id == self.vice_president_id:
            raise ValidationError(
                {"vice_president": "Le vice-président doit être une autre personne que le président."}
            )
        if not self.designated_on:
            return
        errors = {}
        for field, person, kind in (
            ("president", self.president, SectionKind(self.president_section)),
            ("vice_president", self.vice_president, SectionKind(self.president_section).other),
        ):
            sits = (
                Mandate.objects.current_on(self.designated_on)
                .filter(person=person, seat__section__commission_id=self.commission_id, seat__section__kind=kind)
                .exists()
            )
            if not sits:
                errors[field] = (
                    f"{person.display_name} ne siège pas dans la {kind.label.lower()} au {self.designated_on:%d/%m/%Y}."
                )
        if errors:
            raise ValidationError(errors)


class ReaderScope(models.Model):
    """What a service reads (role "lecteur"): listed commissions, or every commission of a level and/or a territory,
    from a date to a date. Read-only everywhere, like a member who sits in none of them (no e-mail, no phone, no
    draft); never a secretariat nor a president. A user may hold several scopes (a region's CPD and its CPL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="reader_scopes"
    )
    service = models.CharField("service", max_length=200, help_text="Par exemple « DCGDR Provence-Alpes-Côte d'Azur ».")
    commissions = models.ManyToManyField(
        Commission,
        verbose_name="commissions",
        blank=True,
        related_name="reader_scopes",
        help_text="Les commissions lues, nommément ; et/ou toutes celles d'un niveau ci-dessous.",
    )
    level = models.CharField(
        "niveau",
        max_length=3,
        choices=Commission.Level.choices,
        blank=True,
        help_text="Toutes les commissions de ce niveau : sur le territoire ci-dessous, ou du pays s'il est vide.",
    )
    territory = models.CharField(
        "territoire",
        max_length=120,
        blank=True,
        help_text="Écrit exactement comme sur les commissions (avec un niveau).",
    )
    start = models.DateField("début", default=datetime.date.today)
    end = models.DateField("fin", null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = "accès en lecture (lecteur)"
        verbose_name_plural = "accès en lecture (lecteurs)"
        ordering = ["user", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="reader_scope_end_after_start"
            ),
            models.CheckConstraint(condition=Q(territory="") | ~Q(level=""), name="reader_scope_territory_with_level"),
        ]

    def __str__(self) -> str:
        return f"{self.service} — lecteur ({self.user})"

    def clean(self) -> None:
        if self.end is not None and self.start and self.end < self.start:
            raise ValidationError({"end": "La date de fin doit être postérieure ou égale à la date de début."})
        if self.territory.strip() and not self.level:
            raise ValidationError({"level": "Indiquez le niveau des commissions de ce territoire (CPD, CPL…)."})
