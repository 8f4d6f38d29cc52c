from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages that read every app: the home page by role and the search."""

    name = "home"
    verbose_name = "Accueil et recherche"
