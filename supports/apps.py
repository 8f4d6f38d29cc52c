from django.apps import AppConfig


class SupportsConfig(AppConfig):
    name = "supports"
    verbose_name = "Supports de séance"
