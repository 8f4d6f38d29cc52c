from django.core.management.base import BaseCommand

from ops.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Supprime les données techniques dont la durée de conservation est écoulée (sessions, tentatives "
        "et journaux de connexion, jetons de calendrier révoqués). Durées : RETENTION_*_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien supprimer.")

    def handle(self, *args, dry_run: bool = False, **options):
        verb = "à supprimer" if dry_run else "supprimé(s)"
        for purged in purge_expired(dry_run=dry_run):
            self.stdout.write(f"{purged.label} : {purged.count} {verb}")
