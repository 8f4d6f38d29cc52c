from django.core.management.base import BaseCommand, CommandError

from decisions.content import rdd_locked
from decisions.models import Rdd
from decisions.trail import trail_anchor


class Command(BaseCommand):
    help = (
        "Ancre sous la clé du journal (TRAIL_KEY_ID) les entrées écrites avant elle : vérifie la chaîne de chaque "
        "relevé dont la dernière entrée n'est pas scellée par la clé, puis y ajoute une entrée d'ancrage. Un journal "
        "rompu n'est pas ancré : il est signalé."
    )

    def handle(self, *args, **options):
        # The RDDs with no entry sealed by the key (a keyed entry anchors everything before it).
        pending = Rdd.objects.exclude(trail__key_id__isnull=False).order_by("pk")
        anchored, broken = 0, []
        for rdd in pending:
            with rdd_locked(rdd) as locked:
                check = trail_anchor(rdd=locked)
            if check:
                anchored += 1
            else:
                broken.append(rdd)
                self.stderr.write(f"Relevé {rdd.pk} : chaîne rompue {check.where} : {check.reason} ; non ancré.")
        self.stdout.write(f"{anchored} journal(aux) ancré(s) par la clé du journal.")
        if broken:
            raise CommandError(f"{len(broken)} journal(aux) rompu(s), non ancré(s).", returncode=1)
