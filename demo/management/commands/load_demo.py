from django.core.management.base import BaseCommand
from django.db import transaction

from commissions.demo import DEMO_PASSWORD
from commissions.demo import load_demo as load_compositions


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : deux chargements donnent le même état)."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = load_compositions()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, description in accounts:
            self.stdout.write(f"  {username:<14} {description}")
