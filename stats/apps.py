from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    # The package is `stats` so as not to shadow the standard library's
    # `statistics` module (Django's SQLite backend imports it); the label
    # stays `statistics`.
    name = "stats"
    label = "statistics"
    verbose_name = "Statistiques"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from .models import NationalExtract

        # Before the row goes (and its lines' cascade, then a no-op): an extract's lines are dropped with their
        # partition, however the extract is deleted (admin, queryset, command).
        pre_delete.connect(_extract_deleted, sender=NationalExtract, dispatch_uid="stats:extract-lines-drop")


def _extract_deleted(sender, instance, **kwargs) -> None:
    from .extract.storage import extract_lines_drop

    extract_lines_drop(instance.pk)
