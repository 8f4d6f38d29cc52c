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

        # An extract's lines go with it, however it is deleted (admin, queryset, command): their partition is
        # dropped (stats.extract.storage.extract_lines_drop; the foreign key itself does nothing).
        pre_delete.connect(_extract_deleted, sender=NationalExtract, dispatch_uid="stats:extract-lines-drop")


def _extract_deleted(sender, instance, **kwargs) -> None:
    from .extract.storage import extract_lines_drop

    extract_lines_drop(instance.pk)
