from django.apps import AppConfig


class DemoConfig(AppConfig):
    # The demo data read every app and nothing imports them, like the PDF support.
    name = "demo"
    verbose_name = "Données de démonstration"
