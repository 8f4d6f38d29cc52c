from django.apps import AppConfig
from django.db.backends.signals import connection_created


class HomeConfig(AppConfig):
    """The pages that read every app: the home page by role and the search."""

    name = "home"
    verbose_name = "Accueil et recherche"

    def ready(self):
        from .search import register_sqlite_fold

        # The search's folding function on SQLite (PostgreSQL has it from migration 0001).
        connection_created.connect(register_sqlite_fold, dispatch_uid="home:sqlite_fold")
