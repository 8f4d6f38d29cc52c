"""python manage.py import_table FILE --commission SLUG --kind KIND --title T --period-start D --period-end D"""

import datetime
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commissions.composition.models import Commission
from stats.extract.jobs import extract_create, extract_process
from stats.parsing import FileRejected
from stats.services import TableMeta, table_import

KINDS = ["montants", "sesam_vitale", "indicateurs", "extrait"]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Date invalide « {text} » (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Importe un tableau statistique et affiche l'identifiant du nouveau tableau."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commission", required=True)
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--title", required=True)
        parser.add_argument("--period-start", required=True)
        parser.add_argument("--period-end", required=True)
        parser.add_argument("--source", default="")
        parser.add_argument("--sheet", default="")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        commission = Commission.objects.filter(slug=options["commission"]).first()
        if commission is None:
            raise CommandError(f"Commission introuvable : {options['commission']}")
        meta = TableMeta(
            title=options["title"],
            period_start=_date(options["period_start"]),
            period_end=_date(options["period_end"]),
            source=options["source"],
        )
        data = path.read_bytes()
        try:
            if options["kind"] == "extrait":
                extract, _ = extract_create(data=data, file_name=path.name, title=meta.title, source=meta.source)
                extract = extract_process(extract_id=extract.pk) or extract
                if extract.status != extract.Status.DONE:
                    report = extract.error_report
                    extract.delete()
                    self._fail(report)
                self.stdout.write(str(extract.pk))
                return
            table, _ = table_import(
                commission=commission,
                data=data,
                file_name=path.name,
                kind=options["kind"],
                meta=meta,
                sheet=options["sheet"],
            )
        except FileRejected as error:
            self._fail(error.report())
        except ValidationError as error:
            self._fail("Le fichier n'a pas pu être importé :\n- " + "\n- ".join(error.messages))
        self.stdout.write(str(table.pk))

    def _fail(self, report: str) -> None:
        self.stderr.write(report)
        sys.exit(1)
