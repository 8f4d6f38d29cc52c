"""Rendered PDF supports of a meeting, kept as versions (the one sent with the convocation, the final one)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from commissions.meetings.models import Meeting


def _render_path(instance: "SupportRender", filename: str) -> str:
    return f"supports/{instance.meeting_id}/{instance.kind}-{instance.version}-{instance.inputs_hash[:16]}.pdf"


class SupportRender(models.Model):
    """One rendering of a meeting's support (or of its RDD alone) into a stored PDF."""

    class Kind(models.TextChoices):
        SUPPORT = "support", "Support de présentation"
        RDD = "rdd", "Relevé de décisions seul"

    class Version(models.TextChoices):
        CONVOCATION = "convocation", "Version de la convocation"
        FINAL = "final", "Version finale (après la séance)"

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        READY = "pret", "Prêt"
        ERROR = "erreur", "Erreur"

    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="renders")
    kind = models.CharField("document", max_length=10, choices=Kind.choices, default=Kind.SUPPORT)
    version = models.CharField("version", max_length=12, choices=Version.choices, default=Version.CONVOCATION)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    inputs_hash = models.CharField("empreinte des données", max_length=64)
    # A digest of each part of the data (meta, agenda, rdd…): what changed since, when the hash no longer matches.
    inputs_parts = models.JSONField("empreintes des parties", default=dict, blank=True, editable=False)
    file = models.FileField("fichier", upload_to=_render_path, max_length=200, blank=True)
    sha256 = models.CharField("SHA-256 du fichier", max_length=64, blank=True)
    page_count = models.PositiveIntegerField("pages", null=True, blank=True)
    render_seconds = models.FloatField("durée du rendu (s)", null=True, blank=True)
    error = models.TextField("erreur", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    updated_at = models.DateTimeField("dernière nouvelle", auto_now=True)  # the job's heartbeat (portal.jobs)

    class Meta:
        verbose_name = "rendu de support"
        verbose_name_plural = "rendus de supports"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["meeting", "kind", "version", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["support", "rdd"]), name="support_render_kind_valid"),
            models.CheckConstraint(
                condition=Q(version__in=["convocation", "final"]), name="support_render_version_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["en_attente", "en_cours", "pret", "erreur"]),
                name="support_render_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="pret") | (~Q(sha256="") & ~Q(file="") & Q(page_count__isnull=False)),
                name="support_render_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_version_display().lower()} — {self.meeting}"

    @property
    def state_label(self) -> str:
        """What the meeting page shows: en cours, prêt or erreur."""
        if self.status in (self.Status.PENDING, self.Status.RUNNING):
            return "en cours"
        return "prêt" if self.status == self.Status.READY else "erreur"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
