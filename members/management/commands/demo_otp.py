from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.otp import totp_code, totp_device_ensure, totp_instructions


class Command(BaseCommand):
    help = (
        "Donne un second facteur (TOTP) à l'administrateur de démonstration et explique comment "
        "obtenir ses codes ; --code n'affiche que le code du moment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Compte administrateur (défaut : admin).")
        parser.add_argument("--code", action="store_true", help="Afficher seulement le code actuel.")

    def handle(self, *args, username: str, code: bool, **options):
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"Aucun compte d'administration « {username} » (lancer d'abord load_demo).")
        device, _ = totp_device_ensure(user=user)
        self.stdout.write(totp_code(device) if code else totp_instructions(device))
