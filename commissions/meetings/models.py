"""Meetings of a commission: agenda tree, content library, attendance, quorum rules, convocations, iCal tokens.

Imported at the end of commissions/models.py so that the models belong to the
"commissions" app.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from commissions.composition.models import Commission, SectionKind
from members.models import Person

__all__ = [
    "Meeting",
    "Speaker",
    "AgendaItem",
    "AgendaAttachment",
    "ContentBlock",
    "Attendance",
    "QuorumRule",
    "ConvocationDelivery",
    "CalendarToken",
    "AGENDA_MAX_LEVEL",
]

AGENDA_MAX_LEVEL = 3
# Used for DTEND in invitations when the secretariat gives no end time.
DEFAULT_MEETING_DURATION = datetime.timedelta(hours=3)


class Meeting(models.Model):
    """A meeting of a commission: a session, or an information meeting without sections nor RDD."""

    class Kind(models.TextChoices):
        SESSION = "seance", "Séance de la commission"
        INFORMATION = "information", "Réunion d'information (sans relevé de décisions)"

    class Status(models.TextChoices):
        PLANNED = "prevue", "Prévue"
        CONVENED = "convoquee", "Convoquée"
        HELD = "tenue", "Tenue"
        CLOSED = "close", "Close"
        CANCELLED = "annulee", "Annulée"
        POSTPONED = "reportee", "Reportée"

    class RecordLock(models.TextChoices):
        """How far the meeting's RDD holds the facts it states (set only by the decisions app's services)."""

        OPEN = "", "Modifiable"
        SUBMITTED = "soumis", "Verrouillée : relevé de décisions soumis"
        APPROVED = "approuve", "Figée : relevé de décisions approuvé"

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="meetings", verbose_name="commission"
    )
    kind = models.CharField("type de réunion", max_length=20, choices=Kind.choices, default=Kind.SESSION)
    title = models.CharField(
        "intitulé", max_length=200, blank=True, help_text="Facultatif, par exemple « Réunion avec les médecins »."
    )
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", help_text="Heure locale de la commission.")
    end_time = models.TimeField("heure de fin", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True)
    video_link = models.URLField("lien de visioconférence", max_length=500, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_note = models.CharField(
        "motif", max_length=300, blank=True, help_text="Motif d'une annulation ou d'un report, repris dans l'e-mail."
    )
    # The facts its RDD states (date, times, place, presiding person, agenda, attendance) are locked from the
    # RDD's submission and frozen from its approval: see commissions.meetings.lifecycle.
    record_lock = models.CharField(
        "verrou du relevé",
        max_length=10,
        choices=RecordLock.choices,
        default=RecordLock.OPEN,
        blank=True,
        editable=False,
    )
    presided_by = models.ForeignKey(
        Person,
        verbose_name="présidée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presided_meetings",
    )
    next_meeting_note = models.CharField(
        "prochaine séance",
        max_length=300,
        blank=True,
        help_text="Texte libre, par exemple « à fixer » ou « 26/05/2025 et 24/11/2025 ».",
    )
    # Incremented at each convocation so that a corrected convocation is sent again (and replaces
    # the calendar entry through the iCalendar SEQUENCE), while a task delivered twice sends nothing twice.
    convocation_round = models.PositiveIntegerField("nombre de convocations envoyées", default=0, editable=False)
    convened_at = models.DateTimeField("convoquée le", null=True, blank=True, editable=False)
    # The calendar entry's identity and revision (commissions.meetings.calendar): the UID never changes, whatever
    # the portal's address; SEQUENCE is raised by every change of date, times or place (and by a cancellation),
    # the feed shows it at once, and `convocation_sequence` is the one the last round carried: while it is lower,
    # the members' calendars are out of date and the secretariat is asked to send the convocation again.
    calendar_uid = models.UUIDField("identifiant d'agenda", default=uuid.uuid4, unique=True, editable=False)
    calendar_sequence = models.PositiveIntegerField("révision de l'invitation", default=0, editable=False)
    convocation_sequence = models.PositiveIntegerField("révision envoyée", default=0, editable=False)
    # The secretariat's message at the head of the last convocation sent (written on the confirmation page).
    convocation_note = models.TextField("message du secrétariat", blank=True, editable=False)
    # When its details (date, times, place, title, presiding person…) last changed through the services or the
    # admin: unlike updated_at, which every save stamps (a convocation round, a status), it tells the home page
    # whether the convocation and the support sent before still say what the meeting is.
    details_changed_at = models.DateTimeField("détails modifiés le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "réunion"
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["commission", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                name="meeting_end_after_start",
                violation_error_message="L'heure de fin doit être postérieure à l'heure de début.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["prevue", "convoquee", "tenue", "close", "annulee", "reportee"]),
                name="meeting_status_valid",
            ),
            models.CheckConstraint(condition=Q(record_lock__in=["", "soumis", "approuve"]), name="meeting_lock_valid"),
            models.CheckConstraint(
                condition=Q(record_lock="") | Q(kind="seance", status__in=["tenue", "close"]),
                name="meeting_lock_only_on_held_session",
            ),
            models.CheckConstraint(condition=Q(kind__in=["seance", "information"]), name="meeting_kind_valid"),
            models.CheckConstraint(
                condition=Q(convened_at__isnull=False) | ~Q(status="convoquee"), name="meeting_convened_has_date"
            ),
        ]

    def __str__(self) -> str:
        label = self.title or self.get_kind_display().split(" (")[0]
        return f"{label} du {self.date:%d/%m/%Y} — {self.commission}"

    def get_absolute_url(self) -> str:
        return reverse("commissions:meeting_detail", args=[self.commission.slug, self.pk])

    @property
    def is_session(self) -> bool:
        return self.kind == self.Kind.SESSION

    @property
    def starts_at(self) -> datetime.datetime:
        """The start as an aware datetime in the commission's time zone."""
        return datetime.datetime.combine(self.date, self.start_time, tzinfo=self.commission.zoneinfo)

    @property
    def ends_at(self) -> datetime.datetime:
        if self.end_time is not None:
            return datetime.datetime.combine(self.date, self.end_time, tzinfo=self.commission.zoneinfo)
        return self.starts_at + DEFAULT_MEETING_DURATION

    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_locked(self) -> bool:
        """Its RDD holds the facts it states (submitted or approved)."""
        return self.record_lock != self.RecordLock.OPEN

    @property
    def is_called_off(self) -> bool:
        return self.status in (self.Status.CANCELLED, self.Status.POSTPONED)

    @property
    def convocation_outdated(self) -> bool:
        """Convened, then moved (date, times or place): the members' calendars still show the old entry."""
        return self.status == self.Status.CONVENED and self.calendar_sequence > self.convocation_sequence


class Speaker(models.TextChoices):
    """Who presents an agenda item ("Intervenant")."""

    SOCIAL = "sociale", "Section sociale"
    PROFESSIONAL = "professionnelle", "Section professionnelle"
    SECRETARIAT = "secretariat", "Secrétariat des commissions"
    BOTH = "deux_sections", "Les deux sections"


class AgendaItem(models.Model):
    """An item of a meeting's agenda; sub-items hang under it (three levels at most).

    `position` orders siblings (1, 2, … kept contiguous by the services); the
    number shown ("01", "1.2", "1.2.1") is computed from the positions, never stored.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name="réunion")
    parent = models.ForeignKey(
        "self", verbose_name="point parent", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField("niveau", default=1, editable=False)
    position = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("titre", max_length=300)
    speaker = models.CharField("intervenant", max_length=20, choices=Speaker.choices, blank=True)
    content = models.TextField("contenu", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    # One of the items the portal puts on every new session's agenda (decisions.standard_items): the agenda is
    # not composed until the secretariat adds subjects of its own.
    standard = models.BooleanField("point habituel", default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["meeting", "level", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=AGENDA_MAX_LEVEL), name="agenda_item_level_range"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level=1) | Q(parent__isnull=False, level__gt=1),
                name="agenda_item_level_matches_parent",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="agenda_item_position_positive"),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(parent__isnull=True),
                name="agenda_item_unique_top_position",
            ),
            models.UniqueConstraint(
                fields=["parent", "position"],
                condition=Q(parent__isnull=False),
                name="agenda_item_unique_child_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"

    @property
    def number(self) -> str:
        """The number shown: 01, 02 at the top; 1.1, 1.1.1 below (ranks among siblings, so gaps never show)."""
        cached = getattr(self, "_number", None)
        if cached:
            return cached
        ranks = []
        item: AgendaItem | None = self
        while item is not None:
            siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id, parent_id=item.parent_id)
            ranks.append(siblings.filter(position__lt=item.position).count() + 1)
            item = item.parent
        return format_number(list(reversed(ranks)))


def format_number(ranks: list[int]) -> str:
    """[1] → "01"; [1, 2] → "1.2"; [1, 2, 3] → "1.2.3"."""
    if len(ranks) == 1:
        return f"{ranks[0]:02d}"
    return ".".join(str(rank) for rank in ranks)


def _attachment_path(instance: "AgendaAttachment", filename: str) -> str:
    # A random directory: original names are kept in the database, never trusted as paths.
    return f"agenda/{instance.item.meeting_id}/{secrets.token_hex(8)}/{filename}"


class AgendaAttachment(models.Model):
    """A file attached to an agenda item (served only through an access-checked view)."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="attachments", verbose_name="point de l'ordre du jour"
    )
    file = models.FileField("fichier", upload_to=_attachment_path, max_length=300)
    original_name = models.CharField("nom du fichier", max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name="déposé le")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="déposé par"
    )

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["item", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ContentBlock(models.Model):
    """Reusable content (CNIL notice, national information) of one commission, or global when none."""

    commission = models.ForeignKey(
        Commission,
        verbose_name="commission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="content_blocks",
        help_text="Vide : bloc commun à toutes les commissions.",
    )
    title = models.CharField("titre", max_length=200)
    content = models.TextField("contenu", help_text="Texte enrichi, nettoyé à l'enregistrement.")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "bloc de contenu réutilisable"
        verbose_name_plural = "blocs de contenu réutilisables"
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "title"],
                condition=Q(commission__isnull=False),
                name="content_block_unique_title",
            ),
            models.UniqueConstraint(
                fields=["title"], condition=Q(commission__isnull=True), name="content_block_unique_global_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title if self.commission_id else f"{self.title} (commun)"


class Attendance(models.Model):
    """Whether a member attended a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", "Présent(e)"
        EXCUSED = "excuse", "Excusé(e)"
        REPRESENTED = "represente", "Représenté(e) par son suppléant"
        ABSENT = "absent", "Absent(e)"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name="réunion")
    person = models.ForeignKey(Person, verbose_name="membre", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField("présence", max_length=20, choices=Status.choices)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "présence"
        ordering = ["meeting", "person"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person"),
            models.CheckConstraint(
                condition=Q(status__in=["present", "excuse", "represente", "absent"]), name="attendance_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_status_display()}"


class QuorumRule(models.Model):
    """The quorum of one section of a commission: how many seats must have a voting member present.

    A seat votes when its titular is present or represented by the substitute,
    or when its substitute is present (sitting in place of the titular).
    """

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="quorum_rules", verbose_name="commission"
    )
    section_kind = models.CharField("section", max_length=20, choices=SectionKind.choices)
    minimum_present = models.PositiveSmallIntegerField("nombre minimal de sièges représentés")
    note = models.CharField("référence", max_length=200, blank=True, help_text="Article du règlement intérieur, …")

    class Meta:
        verbose_name = "règle de quorum"
        verbose_name_plural = "règles de quorum"
        ordering = ["commission", "-section_kind"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "section_kind"], name="quorum_rule_unique_section"),
            models.CheckConstraint(condition=Q(minimum_present__gte=1), name="quorum_rule_minimum_positive"),
        ]

    def __str__(self) -> str:
        return f"Quorum {SectionKind(self.section_kind).label.lower()} : {self.minimum_present} — {self.commission}"


class ConvocationDelivery(models.Model):
    """One convocation e-mail to one member, claimed before sending so that it goes out once per round."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="convocation_deliveries", verbose_name="réunion"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="personne")
    round = models.PositiveIntegerField("convocation n°")
    email = models.EmailField("adresse")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi de convocation"
        verbose_name_plural = "envois de convocation"
        ordering = ["meeting", "round", "email"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "person"], name="convocation_delivery_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — convocation {self.round} — {self.meeting}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A secret in the address of a user's iCal feeds; revoking it makes every such address answer 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens", verbose_name="compte"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False, verbose_name="jeton")
    created = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    revoked = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton de calendrier"
        verbose_name_plural = "jetons de calendrier"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked__isnull=True), name="calendar_token_one_active_per_user"
            ),
        ]

    def __str__(self) -> str:
        state = f"révoqué le {self.revoked:%d/%m/%Y}" if self.revoked else "actif"
        return f"Jeton de calendrier de {self.user} ({state})"
