from django.core.management.base import BaseCommand

from portal import generations


class Command(BaseCommand):
    help = (
        "Oublie toutes les parties de pages gardées en cache (après une restauration de la base ou une "
        "modification faite hors du portail) : elles seront recalculées à la prochaine visite."
    )

    def handle(self, *args, **options):
        generations.bump_all()
        self.stdout.write("Cache des pages remis à zéro : chaque page sera recalculée à sa prochaine visite.")
