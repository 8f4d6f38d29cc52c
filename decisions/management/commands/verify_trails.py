from django.core.management.base import BaseCommand, CommandError

from decisions.trail import trails_verify


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal de chaque relevé de décisions, depuis la base de données."

    def handle(self, *args, **options):
        broken = trails_verify()
        for rdd, check in broken:
            self.stderr.write(
                f"{rdd.meeting.commission.name}, séance du {rdd.meeting.date:%d/%m/%Y}, version {rdd.version} "
                f"(relevé {rdd.pk}) : chaîne rompue {check.where} : {check.reason}."
            )
        if broken:
            raise CommandError(f"{len(broken)} relevé(s) au journal rompu.", returncode=1)
        self.stdout.write("Chaînes d'empreintes intactes pour tous les relevés.")
