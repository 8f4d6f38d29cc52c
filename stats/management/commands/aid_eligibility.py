"""python manage.py aid_eligibility FILE --year YYYY: the tele-transmission aids as CSV on standard output."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stats.aids import aid_csv, aid_eligibility, read_activity, rules_for_year
from stats.parsing import FileRejected


class Command(BaseCommand):
    help = "Calcule les aides à la télétransmission par entité et par région."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        rules = rules_for_year(options["year"])
        if rules is None:
            raise CommandError(f"Aucun barème des aides n'est enregistré pour l'année {options['year']}.")
        try:
            sites = read_activity(path.read_bytes(), path.name)
        except FileRejected as error:
            self.stderr.write(error.report())
            sys.exit(1)
        self.stdout.write(aid_csv(aid_eligibility(sites, rules)), ending="")
