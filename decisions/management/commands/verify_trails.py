import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.dispatch import Signal
from django.utils import timezone

from decisions.trail import VERIFY_BATCH, trails_check

# Sent by the command after the trails' check: the app that stores the RDD documents (supports, which decisions
# must not import) answers with one French line per stored document that no longer matches its trail's SHA-256.
documents_verify = Signal()


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal de chaque relevé de décisions, depuis la base de données, "
        "et chaque document PDF transmis contre l'empreinte SHA-256 de son journal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-days",
            type=int,
            metavar="JOURS",
            help="Vérification incrémentale : seulement les relevés dont le journal a reçu une entrée depuis JOURS "
            "jours (une vérification complète, sans cette option, reste à faire chaque semaine).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=VERIFY_BATCH,
            metavar="N",
            help=f"Relevés lus à la fois (par défaut {VERIFY_BATCH}).",
        )

    def handle(self, *args, **options):
        days, batch_size = options["since_days"], options["batch_size"]
        if days is not None and days < 1:
            raise CommandError("--since-days : indiquez un nombre de jours d'au moins 1.")
        if batch_size < 1:
            raise CommandError("--batch-size : indiquez un nombre de relevés d'au moins 1.")
        since = timezone.now() - datetime.timedelta(days=days) if days is not None else None
        started = time.monotonic()
        checked, broken = 0, []
        for rdd, check in trails_check(since=since, batch_size=batch_size):
            checked += 1
            if not check:
                broken.append((rdd, check))
        for rdd, check in broken:
            self.stderr.write(
                f"{rdd.meeting.commission.name}, séance du {rdd.meeting.date:%d/%m/%Y}, version {rdd.version} "
                f"(relevé {rdd.pk}) : chaîne rompue {check.where} : {check.reason}."
            )
        trails_seconds = time.monotonic() - started
        documents = [line for _, lines in documents_verify.send(sender=self.__class__) for line in lines]
        for line in documents:
            self.stderr.write(line)
        scope = f"depuis {days} jour(s)" if days is not None else "vérification complète"
        self.stdout.write(
            f"{checked} relevé(s) vérifié(s) ({scope}) en {trails_seconds:.1f} s ; documents PDF en "
            f"{time.monotonic() - started - trails_seconds:.1f} s."
        )
        if broken or documents:
            parts = [f"{len(broken)} relevé(s) au journal rompu"] if broken else []
            parts += [f"{len(documents)} document(s) PDF altéré(s) ou manquant(s)"] if documents else []
            raise CommandError(" ; ".join(parts) + ".", returncode=1)
        self.stdout.write("Chaînes d'empreintes intactes pour tous les relevés, et leurs documents PDF aussi.")
