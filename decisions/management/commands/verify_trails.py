from django.core.management.base import BaseCommand, CommandError
from django.dispatch import Signal

from decisions.trail import trails_verify

# Sent by the command after the trails' check: the app that stores the RDD documents (supports, which decisions
# must not import) answers with one French line per stored document that no longer matches its trail's SHA-256.
documents_verify = Signal()


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal de chaque relevé de décisions, depuis la base de données, "
        "et chaque document PDF transmis contre l'empreinte SHA-256 de son journal."
    )

    def handle(self, *args, **options):
        broken = trails_verify()
        for rdd, check in broken:
            self.stderr.write(
                f"{rdd.meeting.commission.name}, séance du {rdd.meeting.date:%d/%m/%Y}, version {rdd.version} "
                f"(relevé {rdd.pk}) : chaîne rompue {check.where} : {check.reason}."
            )
        documents = [line for _, lines in documents_verify.send(sender=self.__class__) for line in lines]
        for line in documents:
            self.stderr.write(line)
        if broken or documents:
            parts = [f"{len(broken)} relevé(s) au journal rompu"] if broken else []
            parts += [f"{len(documents)} document(s) PDF altéré(s) ou manquant(s)"] if documents else []
            raise CommandError(" ; ".join(parts) + ".", returncode=1)
        self.stdout.write("Chaînes d'empreintes intactes pour tous les relevés, et leurs documents PDF aussi.")
