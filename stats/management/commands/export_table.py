"""python manage.py export_table ID --format csv|json"""

from django.core.management.base import BaseCommand, CommandError

from stats.export import export_csv, export_json
from stats.models import StatTable
from stats.selectors import table_view


class Command(BaseCommand):
    help = "Exporte un tableau statistique en CSV ou en JSON sur la sortie standard."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options):
        table = StatTable.objects.filter(pk=options["id"]).first()
        if table is None:
            raise CommandError(f"Tableau introuvable : {options['id']}")
        view = table_view(table)
        output = export_json(view) if options["format"] == "json" else export_csv(view)
        self.stdout.write(output, ending="" if output.endswith("\n") else "\n")
