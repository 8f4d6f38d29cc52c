"""The record of decisions (RDD) of a session: its content, approvals, follow-up and trail.

The content of an RDD (item records, decisions, commitments and their
follow-up, questions) may change only while the RDD is a draft. The models
refuse it in save()/delete(); on PostgreSQL a trigger refuses it too, so that
a queryset update or raw SQL cannot bypass the rule (migration 0002).
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from commissions.composition.models import SectionKind
from commissions.meetings.models import AgendaItem, Meeting
from members.models import Person

FROZEN_MESSAGE = (
    "Ce relevé de décisions n'est plus un brouillon : son contenu ne peut plus être modifié. "
    "Pour le corriger, créez une nouvelle version."
)


class WorkflowError(ValidationError):
    """A transition or an edit that the RDD's state does not allow; its message is shown to the user."""


class RddFrozen(WorkflowError):
    """A write to the content of an RDD that is no longer a draft."""

    def __init__(self, message: str = FROZEN_MESSAGE):
        super().__init__(message)


class CarriedBy(models.TextChoices):
    """Who carries a commitment."""

    SOCIAL = "sociale", "Section sociale"
    PROFESSIONAL = "professionnelle", "Section professionnelle"
    SECRETARIAT = "secretariat", "Secrétariat"


class Rdd(models.Model):
    """The record of decisions of one session, in one version."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SUBMITTED = "soumis", "Soumis aux présidents de section"
        APPROVED = "approuve", "Approuvé par les deux présidents"
        TRANSMITTED = "transmis", "Transmis aux membres"
        VALIDATED = "valide", "Validé en séance"

    meeting = models.ForeignKey(Meeting, verbose_name="séance", on_delete=models.PROTECT, related_name="rdds")
    version = models.PositiveSmallIntegerField("version", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="version précédente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    preamble = models.TextField(
        "préambule",
        blank=True,
        help_text="Par exemple « Lors de cette commission, la Présidence a été donnée au Président de la section "
        "professionnelle. »",
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("approuvé le", null=True, blank=True, editable=False)
    transmitted_at = models.DateTimeField("transmis le", null=True, blank=True, editable=False)
    validated_at = models.DateTimeField("validation enregistrée le", null=True, blank=True, editable=False)
    validated_on = models.DateField("validé en séance le", null=True, blank=True, editable=False)
    validated_in = models.ForeignKey(
        Meeting,
        verbose_name="validé lors de la séance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="validated_rdds",
        editable=False,
    )
    # What the RDD states about its session (decisions.facts), kept from its submission on: written with the status
    # by the submission, frozen with the rest of the row (migration 0002's trigger).
    facts = models.JSONField("faits consignés", default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "relevé de décisions"
        verbose_name_plural = "relevés de décisions"
        ordering = ["-meeting__date", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="rdd_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rdd_version_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["brouillon", "soumis", "approuve", "transmis", "valide"]),
                name="rdd_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(version=1, previous__isnull=True) | Q(version__gt=1, previous__isnull=False),
                name="rdd_version_has_previous",
            ),
            models.CheckConstraint(
                condition=Q(status="brouillon") | Q(submitted_at__isnull=False), name="rdd_submitted_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approuve", "transmis", "valide"]) | Q(approved_at__isnull=False),
                name="rdd_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["transmis", "valide"]) | Q(transmitted_at__isnull=False),
                name="rdd_transmitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="valide") | Q(validated_on__isnull=False, validated_in__isnull=False),
                name="rdd_validated_has_vote",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" (version {self.version})" if self.version > 1 else ""
        commission = self.facts.get("commission") or self.meeting.commission
        return f"Relevé de décisions de la séance du {self.stated_date:%d/%m/%Y}{suffix} — {commission}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.pk])

    @property
    def commission(self):
        return self.meeting.commission

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def stated_date(self) -> datetime.date:
        """The session's date as the RDD states it: its snapshot's once submitted, the meeting's otherwise."""
        if self.is_frozen and self.facts.get("date"):
            return datetime.date.fromisoformat(self.facts["date"])
        return self.meeting.date

    def status_in_db(self) -> str | None:
        return Rdd.objects.filter(pk=self.pk).values_list("status", flat=True).first()


class RddContent(models.Model):
    """Rows of an RDD's content: written only while the RDD is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def owning_rdd_id(self) -> int | None:
        return self.rdd_id

    def _check_draft(self) -> None:
        rdd_id = self.owning_rdd_id()
        if rdd_id is None:
            return
        status = Rdd.objects.filter(pk=rdd_id).values_list("status", flat=True).first()
        if status is not None and status != Rdd.Status.DRAFT:
            raise RddFrozen()


class ItemRecord(RddContent):
    """What the RDD says about one agenda item: the exchanges and the decisions taken."""

    rdd = models.ForeignKey(
        Rdd, on_delete=models.CASCADE, related_name="item_records", verbose_name="relevé de décisions"
    )
    # The link to the agenda may be lost (item deleted later): number and title are kept as recorded.
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="point de l'ordre du jour",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rdd_records",
    )
    position = models.PositiveSmallIntegerField("ordre")
    number = models.CharField("numéro", max_length=20)
    title = models.CharField("titre", max_length=300)
    speaker = models.CharField("intervenant", max_length=60, blank=True)
    summary = models.TextField("synthèse des échanges", blank=True)

    class Meta:
        verbose_name = "relevé d'un point"
        verbose_name_plural = "relevés des points"
        ordering = ["rdd", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rdd", "agenda_item"], condition=Q(agenda_item__isnull=False), name="item_record_unique_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class Decision(RddContent):
    """A decision taken ("décision actée") on an agenda item."""

    item_record = models.ForeignKey(
        ItemRecord, on_delete=models.CASCADE, related_name="decisions", verbose_name="compte rendu du point"
    )
    position = models.PositiveSmallIntegerField("ordre", default=1)
    text = models.TextField("décision actée")

    class Meta:
        verbose_name = "décision actée"
        verbose_name_plural = "décisions actées"
        ordering = ["item_record", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def owning_rdd_id(self) -> int | None:
        if self.item_record_id is None:
            return None
        return ItemRecord.objects.filter(pk=self.item_record_id).values_list("rdd_id", flat=True).first()


class Commitment(RddContent):
    """A commitment taken in a session, followed from session to session until closed."""

    rdd = models.ForeignKey(
        Rdd, on_delete=models.CASCADE, related_name="commitments", verbose_name="relevé de décisions"
    )
    # The same commitment across the versions of an RDD (a new version copies its rows).
    key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True, verbose_name="clé de suivi")
    position = models.PositiveSmallIntegerField("ordre", default=1)
    text = models.TextField("engagement")
    carried_by = models.CharField("porté par", max_length=20, choices=CarriedBy.choices)

    class Meta:
        verbose_name = "engagement"
        ordering = ["rdd", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rdd", "key"], name="commitment_unique_key_per_rdd"),
            models.CheckConstraint(
                condition=Q(carried_by__in=["sociale", "professionnelle", "secretariat"]),
                name="commitment_carried_by_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class CommitmentUpdate(RddContent):
    """A dated status of a commitment, recorded in the RDD of the session that followed it up."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="updates", verbose_name="engagement"
    )
    rdd = models.ForeignKey(
        Rdd, verbose_name="relevé où le suivi est consigné", on_delete=models.CASCADE, related_name="commitment_updates"
    )
    date = models.DateField("date")
    status = models.CharField("état", max_length=300)
    note = models.TextField("commentaire", blank=True)
    closes = models.BooleanField("clôt l'engagement", default=False)

    class Meta:
        verbose_name = "suivi d'engagement"
        verbose_name_plural = "suivis d'engagements"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.status}"


class Question(RddContent):
    """A question of the professional section, with the answer given in session."""

    rdd = models.ForeignKey(Rdd, on_delete=models.CASCADE, related_name="questions", verbose_name="relevé de décisions")
    position = models.PositiveSmallIntegerField("ordre", default=1)
    text = models.TextField("question")
    answer = models.TextField("réponse", blank=True)
    out_of_scope = models.BooleanField("hors compétence de la commission", default=False)
    post_commission = models.BooleanField("information post-commission", default=False)

    class Meta:
        verbose_name = "question de la profession"
        verbose_name_plural = "questions de la profession"
        ordering = ["rdd", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Approval(models.Model):
    """A section president's approval of a submitted RDD (one per section)."""

    rdd = models.ForeignKey(Rdd, on_delete=models.CASCADE, related_name="approvals", verbose_name="relevé de décisions")
    section = models.CharField("section", max_length=20, choices=SectionKind.choices)
    person = models.ForeignKey(Person, verbose_name="président(e)", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="compte"
    )
    approved_on = models.DateField("approuvé le")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    # The hash of the content the president saw and approved (decisions.trail.approval_hash), in its format.
    content_hash = models.CharField("empreinte du contenu approuvé", max_length=64, blank=True, editable=False)
    format_version = models.PositiveSmallIntegerField("format du contenu", null=True, blank=True, editable=False)
    # The president in office on the session's date, when they left office before approving and their successor,
    # the section's current president, approved instead.
    successor_of = models.ForeignKey(
        Person,
        verbose_name="en qualité de successeur de",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The approver as the approval states them (decisions.facts.approval_facts): civility, name, role, successor.
    facts = models.JSONField("faits consignés", default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "approbation"
        ordering = ["rdd", "approved_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rdd", "section"], name="approval_unique_section"),
            models.CheckConstraint(condition=Q(section__in=["sociale", "professionnelle"]), name="approval_section"),
        ]

    def __str__(self) -> str:
        return f"Approuvé le {self.approved_on:%d/%m/%Y} par {self.person} ({self.get_section_display().lower()})"


class ValidationVote(models.Model):
    """The vote of one section validating a transmitted RDD in a later session."""

    rdd = models.ForeignKey(Rdd, on_delete=models.CASCADE, related_name="votes", verbose_name="relevé de décisions")
    section = models.CharField("section", max_length=20, choices=SectionKind.choices)
    votes_for = models.PositiveSmallIntegerField("pour")
    votes_against = models.PositiveSmallIntegerField("contre")
    abstentions = models.PositiveSmallIntegerField("abstention")

    class Meta:
        verbose_name = "vote de validation"
        verbose_name_plural = "votes de validation"
        ordering = ["rdd", "-section"]
        constraints = [models.UniqueConstraint(fields=["rdd", "section"], name="validation_vote_unique_section")]

    def __str__(self) -> str:
        return (
            f"{self.get_section_display()} : {self.votes_for} pour, {self.votes_against} contre, "
            f"{self.abstentions} abstention(s)"
        )


class TrailEntry(models.Model):
    """One transition of an RDD, chained to the previous entry by its hash (append-only)."""

    class Action(models.TextChoices):
        CREATE = "creation", "Création"
        SUBMIT = "soumission", "Soumission aux présidents"
        APPROVE = "approbation", "Approbation"
        SEND_BACK = "renvoi", "Renvoi au secrétariat"
        APPROVED = "approbation_complete", "Approbation complète"
        TRANSMIT = "transmission", "Transmission aux membres"
        VALIDATE = "validation", "Validation en séance"
        NEW_VERSION = "nouvelle_version", "Nouvelle version"
        DOCUMENT = "document", "Document PDF enregistré"
        # Appended by `manage.py trail_rekey`: an entry sealed by the trail's key after entries written before it.
        ANCHOR = "ancrage", "Ancrage par la clé du journal"

    rdd = models.ForeignKey(Rdd, on_delete=models.PROTECT, related_name="trail", verbose_name="relevé de décisions")
    sequence = models.PositiveIntegerField("n°")
    action = models.CharField("action", max_length=30, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="compte",
    )
    user_label = models.CharField("par", max_length=200, blank=True)
    at = models.DateTimeField("le")
    # The address of entries written before the access table (TrailAccess): the chain covers it, so it stays.
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    # Since the access table: a keyed digest of the address (trail.ip_digest), "" without an address; the chain
    # covers the digest, the address itself lives in TrailAccess until its retention ends. None: an earlier entry.
    ip_digest = models.CharField("empreinte de l'adresse IP", max_length=64, null=True, blank=True, editable=False)
    note = models.TextField("remarque", blank=True)
    content_hash = models.CharField("empreinte du contenu", max_length=64)
    # The shape of the canonical content that `content_hash` covers (decisions.trail.CONTENT_FORMATS); an entry is
    # verified with its own format's function.
    format_version = models.PositiveSmallIntegerField("format du contenu", default=1)
    previous_hash = models.CharField("empreinte précédente", max_length=64)
    entry_hash = models.CharField("empreinte", max_length=64, unique=True)
    # The key (settings.TRAIL_KEYS) whose HMAC-SHA-256 chains this entry; none for the entries written before the
    # trail had a key, chained by plain SHA-256 ("antérieure à la clé").
    key_id = models.CharField("clé", max_length=32, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des relevés"
        ordering = ["rdd", "sequence"]
        constraints = [models.UniqueConstraint(fields=["rdd", "sequence"], name="trail_unique_sequence")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M} — {self.user_label}"


class TrailAccess(models.Model):
    """The IP address of a trail entry, kept apart from the append-only trail so that it can be purged after its
    retention period (ops.retention, RETENTION_TRAIL_IPS_DAYS): the chain covers only its keyed digest, which
    proves the address while it is kept and reveals nothing once it is gone. Shown to the secretariat and admins."""

    entry = models.OneToOneField(
        TrailEntry, on_delete=models.CASCADE, related_name="access", primary_key=True, verbose_name="entrée du journal"
    )
    ip = models.GenericIPAddressField("adresse IP")

    class Meta:
        verbose_name = "adresse IP du journal"
        verbose_name_plural = "adresses IP du journal"

    def __str__(self) -> str:
        return f"{self.entry} — {self.ip}"


class Notification(models.Model):
    """One e-mail about an RDD to one address, claimed before sending so that it goes out once."""

    rdd = models.ForeignKey(
        Rdd, on_delete=models.CASCADE, related_name="notifications", verbose_name="relevé de décisions"
    )
    event = models.CharField("événement", max_length=120)
    email = models.EmailField("adresse")
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi d'e-mail"
        verbose_name_plural = "envois d'e-mails"
        ordering = ["rdd", "event", "email"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="notification_unique_event_email")]

    def __str__(self) -> str:
        return f"{self.event} → {self.email}"


class PasswordFailureQuerySet(models.QuerySet):
    def locked_until(self, user, *, now: datetime.datetime) -> datetime.datetime | None:
        """Until when the user's approval password is refused, or None: AXES_FAILURE_LIMIT wrong passwords
        within AXES_COOLOFF_TIME (the login's own limits) lock it until the oldest of them leaves the window."""
        limit, window = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME
        recent = list(self.filter(user=user, at__gt=now - window).order_by("-at").values_list("at", flat=True)[:limit])
        return recent[-1] + window if len(recent) >= limit else None

    def record(self, user, *, now: datetime.datetime) -> None:
        """A wrong password typed; the user's failures that left the window are dropped on the way."""
        self.filter(user=user, at__lte=now - settings.AXES_COOLOFF_TIME).delete()
        self.create(user=user, at=now)


class ApprovalPasswordFailure(models.Model):
    """A wrong password typed to approve an RDD: the approval throttle counts them (decisions.forms.ApproveForm)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_password_failures",
        verbose_name="compte",
    )
    at = models.DateTimeField("le")

    objects = PasswordFailureQuerySet.as_manager()

    class Meta:
        verbose_name = "mot de passe d'approbation erroné"
        verbose_name_plural = "mots de passe d'approbation erronés"
        indexes = [models.Index(fields=["user", "at"], name="approval_failure_user_at")]

    def __str__(self) -> str:
        return f"{self.user} — {self.at:%d/%m/%Y %H:%M:%S}"
