"""python manage.py render_support <meeting-id> --output FILE.pdf [--rdd] [--final]

The same path as the "Générer le support" button, run in this process: the
rendering is stored (or the unchanged one reused) and copied to FILE.pdf.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commissions.meetings.models import Meeting
from supports.models import SupportRender
from supports.services import support_render, support_request


class Command(BaseCommand):
    help = "Génère le support PDF d'une réunion (ou son relevé de décisions avec --rdd)."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--output", "-o", help="Fichier PDF à écrire.")
        parser.add_argument("--rdd", action="store_true", help="Le relevé de décisions seul.")
        parser.add_argument("--final", action="store_true", help="La version finale, après la séance.")

    def handle(self, *args, meeting_id, output=None, rdd=False, final=False, **options):
        meeting = Meeting.objects.select_related("commission").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"Réunion {meeting_id} introuvable.")
        kind = SupportRender.Kind.RDD if rdd else SupportRender.Kind.SUPPORT
        version = SupportRender.Version.FINAL if final else SupportRender.Version.CONVOCATION
        try:
            render, created = support_request(meeting=meeting, kind=kind, version=version, queue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if created:
            render = support_render(render_id=render.pk) or render
        render.refresh_from_db()
        if render.status == SupportRender.Status.ERROR:
            raise CommandError(f"Échec du rendu : {render.error}")
        if not render.is_ready:
            raise CommandError(f"Rendu {render.pk} en cours dans un autre processus ; relancez la commande plus tard.")
        if output:
            with render.file.open("rb") as source, open(output, "wb") as target:
                target.write(source.read())
        state = "rendu" if created else "inchangé, fichier existant"
        self.stdout.write(
            f"{render.page_count} pages, {render.render_seconds or 0:.2f} s ({state}), SHA-256 {render.sha256}"
            + (f" → {output}" if output else "")
        )
