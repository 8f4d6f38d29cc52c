from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    # The package is `stats` so as not to shadow the standard library's
    # `statistics` module (Django's SQLite backend imports it); the label
    # stays `statistics`.
    name = "stats"
    label = "statistics"
    verbose_name = "Statistiques"
