import time

from django.core.management.base import BaseCommand

from demo.compositions import DEMO_PASSWORD
from demo.loader import load_all


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : deux chargements donnent le même état)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        summary = load_all()
        accounts, meetings, tables = summary.accounts, summary.meetings, summary.tables
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration chargées en {elapsed:.1f} s."))
        self.stdout.write("Réunions :")
        for line in meetings:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Tableaux statistiques : {len(tables)}")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, description in accounts:
            self.stdout.write(f"  {username:<14} {description}")
