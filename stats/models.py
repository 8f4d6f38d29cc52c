"""Imported statistical tables, stored normalised (table × row × column → value, flag), and national extracts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from commissions.composition.models import Commission
from commissions.meetings.models import AgendaItem


class TableKind(models.TextChoices):
    MONTANTS = "montants", "Montants remboursés"
    SESAM_VITALE = "sesam_vitale", "SESAM-Vitale et SCOR"
    INDICATEURS = "indicateurs", "Indicateurs départementaux"


class StatTable(models.Model):
    """A table of a commission (imported from a file or derived from a national extract)."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="stat_tables", verbose_name="commission"
    )
    kind = models.CharField("type", max_length=20, choices=TableKind.choices)
    title = models.CharField("titre", max_length=300)
    territory = models.CharField(
        "territoire", max_length=40, blank=True, help_text="Code du territoire : 13, 2A, 974, R93 (région)…"
    )
    period_start = models.DateField("début de période")
    period_end = models.DateField("fin de période")
    source = models.CharField("source", max_length=300, blank=True)
    extraction_date = models.DateField("date d'extraction", null=True, blank=True)
    file_name = models.CharField("fichier", max_length=255, blank=True)
    file_hash = models.CharField("empreinte du fichier", max_length=64, blank=True)
    label_header = models.CharField("en-tête des intitulés", max_length=200, blank=True)
    warnings = models.JSONField("avertissements", default=list, blank=True)
    charts = models.JSONField(
        "graphiques",
        default=list,
        blank=True,
        help_text="Les graphiques montrés avec le tableau (stats.chart.CHARTS) ; vide : tous ceux de son type.",
    )
    derived_from = models.ForeignKey(
        "NationalExtract",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="derived_tables",
        verbose_name="dérivé de",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="point de l'ordre du jour",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stat_tables",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="importé par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")

    class Meta:
        verbose_name = "tableau statistique"
        verbose_name_plural = "tableaux statistiques"
        ordering = ["-period_end", "kind", "title"]
        indexes = [models.Index(fields=["commission", "kind", "territory", "period_end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "file_hash"], condition=~Q(file_hash=""), name="stattable_same_file_once"
            ),
            models.UniqueConstraint(
                fields=["commission", "derived_from", "territory", "period_start", "period_end"],
                condition=Q(derived_from__isnull=False),
                name="stattable_derived_once",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="stattable_period"),
            models.CheckConstraint(
                condition=Q(kind__in=["montants", "sesam_vitale", "indicateurs"]), name="stattable_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("statistics:detail", args=[self.commission.slug, self.pk])


class StatColumn(models.Model):
    """A data column of a table: its header path as in the file ("RG / Montants") and what it holds."""

    table = models.ForeignKey(StatTable, on_delete=models.CASCADE, related_name="columns", verbose_name="tableau")
    position = models.PositiveSmallIntegerField("ordre")
    header = models.CharField("en-tête", max_length=300)
    group = models.CharField("groupe", max_length=20, blank=True)
    measure = models.CharField("mesure", max_length=20, blank=True)
    percent = models.BooleanField("pourcentage", default=False)

    class Meta:
        verbose_name = "colonne"
        ordering = ["table", "position"]
        constraints = [models.UniqueConstraint(fields=["table", "position"], name="statcolumn_unique_position")]

    def __str__(self) -> str:
        return self.header


class StatRow(models.Model):
    """A row of a table: an expense item, a department or an organism."""

    table = models.ForeignKey(StatTable, on_delete=models.CASCADE, related_name="rows", verbose_name="tableau")
    position = models.PositiveIntegerField("ordre")
    label = models.CharField("intitulé", max_length=300)
    group_label = models.CharField("groupe", max_length=300, blank=True)
    code = models.CharField("code du territoire", max_length=20, blank=True)
    is_subtotal = models.BooleanField("sous-total", default=False)
    line = models.PositiveIntegerField("ligne du fichier", null=True, blank=True)

    class Meta:
        verbose_name = "ligne"
        ordering = ["table", "position"]
        constraints = [models.UniqueConstraint(fields=["table", "position"], name="statrow_unique_position")]

    def __str__(self) -> str:
        return self.label


class StatValue(models.Model):
    """One cell: a value (none when the cell is empty) or the NS flag, never a zero in their place."""

    class Flag(models.TextChoices):
        NONE = "", "—"
        NS = "NS", "Non significatif"

    row = models.ForeignKey(StatRow, on_delete=models.CASCADE, related_name="values", verbose_name="ligne")
    column = models.ForeignKey(StatColumn, on_delete=models.CASCADE, related_name="values", verbose_name="colonne")
    value = models.DecimalField("valeur", max_digits=20, decimal_places=6, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField("décimales affichées", default=0)
    flag = models.CharField("indicateur", max_length=2, choices=Flag.choices, blank=True, default="")

    class Meta:
        verbose_name = "valeur"
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="statvalue_unique_cell"),
            models.CheckConstraint(condition=Q(flag="") | Q(value__isnull=True), name="statvalue_ns_has_no_value"),
        ]

    def __str__(self) -> str:
        return self.flag or ("" if self.value is None else str(self.value))


class PendingUpload(models.Model):
    """A file uploaded and previewed, waiting for the secretariat to confirm the import.

    A large file (more than `stats.services.LARGE_TABLE_ROWS` rows) is stored by a Celery task once
    confirmed: `status`, `progress` and `stage` show its progress on the preview page, `table` its result.
    """

    class Status(models.TextChoices):
        PREVIEW = "apercu", "À confirmer"
        QUEUED = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        DONE = "termine", "Terminé"
        FAILED = "echec", "Échec"

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="pending_stat_uploads", verbose_name="commission"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="déposé par"
    )
    file_name = models.CharField(max_length=255, verbose_name="nom du fichier")
    content = models.BinaryField(verbose_name="contenu")
    file_hash = models.CharField(max_length=64, verbose_name="empreinte du fichier")
    kind = models.CharField(max_length=20, verbose_name="type")
    sheet = models.CharField(max_length=100, blank=True, verbose_name="feuille")
    title = models.CharField(max_length=300, verbose_name="titre")
    territory = models.CharField(max_length=40, blank=True, verbose_name="territoire")
    period_start = models.DateField(verbose_name="début de la période")
    period_end = models.DateField(verbose_name="fin de la période")
    source = models.CharField(max_length=300, blank=True, verbose_name="source")
    extraction_date = models.DateField(null=True, blank=True, verbose_name="date d'extraction")
    # Lines of the file declared as subtotals in the preview; null: recognised automatically.
    subtotal_lines = models.JSONField("lignes de sous-total déclarées", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PREVIEW)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    stage = models.CharField("étape", max_length=100, blank=True)
    error_report = models.TextField("erreurs", blank=True)
    table = models.ForeignKey(
        StatTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="tableau"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "dépôt en attente de confirmation"
        verbose_name_plural = "dépôts en attente de confirmation"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.commission})"


class CommissionTerritory(models.Model):
    """A territory (department or region code) covered by a commission, for tables derived from extracts."""

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="stat_territories", verbose_name="commission"
    )
    code = models.CharField("code", max_length=10, help_text="Département (13, 2A, 974) ou région (R93).")
    label = models.CharField("libellé", max_length=120, blank=True)

    class Meta:
        verbose_name = "territoire d'une commission"
        verbose_name_plural = "territoires des commissions"
        ordering = ["commission", "code"]
        constraints = [models.UniqueConstraint(fields=["commission", "code"], name="commissionterritory_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}".strip()

    def save(self, *args, **kwargs):
        from .territories import normalise_territory

        # The canonical form is what extracts are matched on ('021' and '21' are one department).
        self.code = normalise_territory(self.code)
        super().save(*args, **kwargs)


class NationalExtract(models.Model):
    """A national extract in long format (one line per period × territory × item × regime)."""

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        DONE = "termine", "Terminé"
        FAILED = "echec", "Échec"

    title = models.CharField("titre", max_length=300)
    source = models.CharField("source", max_length=300, blank=True)
    extraction_date = models.DateField("date d'extraction", null=True, blank=True)
    file = models.FileField("fichier", upload_to="extraits/", blank=True)
    file_name = models.CharField("nom du fichier", max_length=255, blank=True)
    file_hash = models.CharField("empreinte du fichier", max_length=64, unique=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    stage = models.CharField("étape", max_length=100, blank=True)
    rows_total = models.PositiveIntegerField("lignes", default=0)
    periods = models.JSONField("périodes", default=list, blank=True)
    error_report = models.TextField("erreurs", blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="importé par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "extrait national"
        verbose_name_plural = "extraits nationaux"
        ordering = ["-created_at"]
        permissions = [("import_national_extract", "Peut importer un extrait national (statisticien national)")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("statistics_national:extract_detail", args=[self.pk])


class ExtractLine(models.Model):
    """One line of a national extract: an amount and the amount of the same period a year before."""

    # No database constraint nor separate index on the key: a deferred foreign-key check per row would
    # triple the COPY time of a million-row extract. On PostgreSQL the table is partitioned by extract
    # (migration 0007): each import loads its extract into a table of its own, builds its BRIN index on
    # (period_start, period_end) after the load (0008) and attaches it (stats.extract.storage); the COPY
    # writes the lines sorted by period and territory, so a few block ranges hold each territory. Deleting an
    # extract drops its partition (stats.apps). Elsewhere a plain table with a B-tree on (extract_id,
    # period_start, period_end, territory) (migration 0003). Not declared in Meta.indexes: SQLite has no BRIN.
    # DO_NOTHING: the lines go with their extract through stats.apps's pre_delete (the partition dropped, or one
    # DELETE elsewhere); a cascade made Django's collector load each line, and the admin's confirmation page list
    # them all (47 s and 4 GB for a million lines).
    extract = models.ForeignKey(
        NationalExtract,
        on_delete=models.DO_NOTHING,
        related_name="lines",
        db_constraint=False,
        db_index=False,
        verbose_name="extrait",
    )
    line = models.PositiveIntegerField("ligne du fichier")
    period_start = models.DateField(verbose_name="début de la période")
    period_end = models.DateField(verbose_name="fin de la période")
    territory = models.CharField(max_length=10, verbose_name="territoire")
    poste = models.CharField(max_length=200, verbose_name="poste")
    regime = models.CharField(max_length=20, verbose_name="régime")
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, verbose_name="montant")
    amount_n_1 = models.DecimalField(max_digits=18, decimal_places=2, null=True, verbose_name="montant n-1")

    class Meta:
        verbose_name = "ligne d'extrait"
        verbose_name_plural = "lignes d'extrait"

    def __str__(self) -> str:
        return f"{self.territory} {self.poste} {self.regime}"


class AidScheme(models.Model):
    """The tele-transmission aids of a year: amounts, threshold and eligible specialties (data, not code)."""

    year = models.PositiveSmallIntegerField("année d'activité", unique=True)
    sesam_vitale_amount = models.PositiveIntegerField("aide SESAM-Vitale (€)")
    scor_amount = models.PositiveIntegerField("aide SCOR (€)")
    threshold_percent = models.PositiveSmallIntegerField("seuil (%)")
    specialties = models.CharField("spécialités éligibles", max_length=200, help_text="Codes séparés par des virgules.")

    class Meta:
        verbose_name = "barème des aides à la télétransmission"
        verbose_name_plural = "barèmes des aides à la télétransmission"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=1, threshold_percent__lte=100), name="aidscheme_threshold_range"
            )
        ]

    def __str__(self) -> str:
        return f"Aides à la télétransmission {self.year}"
