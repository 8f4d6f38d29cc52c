"""The demo's API tokens: one known token per demo account, so that the README's curl examples run as written."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import ApiToken
from api.tokens import api_token_create, token_hash
from demo.compositions import ACCOUNTS

DAYS = 366


def demo_token(username: str) -> str:
    return f"cpt_demo_{username}"


class Command(BaseCommand):
    help = "Crée (ou renouvelle) un jeton d'API connu pour chaque compte de démonstration (DEBUG seulement)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            # A token anyone can read in the README must never open a production portal.
            raise CommandError("Jetons de démonstration refusés hors démonstration (DJANGO_DEBUG=1 requis).")
        users = get_user_model().objects.in_bulk([username for username, *_ in ACCOUNTS], field_name="username")
        self.stdout.write("Jetons d'API de démonstration (en-tête « Authorization: Bearer <jeton> ») :")
        for username, *_ in ACCOUNTS:
            user = users.get(username)
            if user is None:
                raise CommandError(f"Aucun compte « {username} » : lancez d'abord load_demo.")
            token = demo_token(username)
            ApiToken.objects.filter(key_hash=token_hash(token)).delete()
            api_token_create(user=user, name="Démonstration", days=DAYS, token=token)
            self.stdout.write(f"  {username:<14} {token}")
