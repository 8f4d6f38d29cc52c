from django.core.management.base import BaseCommand, CommandError

from commissions.composition.models import Commission
from commissions.composition.presidency import PresidencyUnknown, presidency_for


class Command(BaseCommand):
    help = "Affiche le président et le vice-président d'une commission pour une année."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant de la commission, par exemple cpr-paca-corse-lpp")
        parser.add_argument("year", type=int, help="année, par exemple 2026")

    def handle(self, *args, slug: str, year: int, **options):
        commission = Commission.objects.filter(slug=slug).first()
        if commission is None:
            raise CommandError(f"Commission inconnue : « {slug} ».", returncode=1)
        try:
            presidency = presidency_for(commission, year)
        except PresidencyUnknown as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(f"{commission.name} — présidence {year}")
        self.stdout.write(f"Président(e) : {presidency.president.display_name} ({presidency.president_section.label})")
        self.stdout.write(
            f"Vice-président(e) : {presidency.vice_president.display_name} ({presidency.vice_president_section.label})"
        )
        self.stdout.write(f"Source : {presidency.source_label}")
