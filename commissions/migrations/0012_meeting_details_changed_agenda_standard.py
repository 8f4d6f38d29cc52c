from django.db import migrations, models
from django.db.models import Q

# The titles decisions.standard_items gives a new session's standard items (the first two end with a date or a
# year). Only the agendas still open are marked: a locked agenda (its RDD submitted) is refused any write by the
# PostgreSQL triggers, and the home page reads the flag of meetings to come only.
STANDARD_TITLES = Q(title__startswith="Validation du relevé de décisions de la séance du ") | Q(
    title__startswith="Désignation de la présidence "
)
STANDARD_TITLES |= Q(title__in=["Suivi des engagements", "Questions de la profession", "Questions diverses"])


def mark_standard_items(apps, schema_editor):
    AgendaItem = apps.get_model("commissions", "AgendaItem")
    AgendaItem.objects.filter(STANDARD_TITLES, level=1, meeting__kind="seance", meeting__record_lock="").update(
        standard=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commissions", "0011_commission_level_territory"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="standard",
            field=models.BooleanField(default=False, editable=False, verbose_name="point habituel"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="details_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="détails modifiés le"),
        ),
        migrations.RunPython(mark_standard_items, migrations.RunPython.noop),
    ]
