"""HTML of a support from its context, then the PDF with WeasyPrint (tagged PDF/UA-1, resources through the fetcher)."""

import logging
import time
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from .fetcher import BASE_URL, PortalURLFetcher, StaticFileMissing
from .pdfua import Annex, pdfua_finish

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "supports/pdf_support.html"


class SupportTemplateError(RuntimeError):
    """The support's own files (stylesheet, pictogram) cannot be read: no PDF, a French reason instead."""


@dataclass
class RenderResult:
    pdf: bytes
    page_count: int
    seconds: float
    refused: list[str] = field(default_factory=list)


def support_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def fetcher_for(context: dict) -> PortalURLFetcher:
    """Images of the meeting's own uploads (and the shared content folders) only."""
    return PortalURLFetcher(media_prefixes=(f"agenda/{context['meta']['meeting_id']}/",))


def annexes(context: dict) -> list:
    """The full tables cut in the support, as XLSX files embedded in the PDF."""
    from weasyprint import Attachment

    from stats.export import export_xlsx
    from stats.models import StatTable
    from stats.selectors import table_view

    wanted = {
        table["id"]: table["annex"] for item in context["agenda"] for table in item["tables"] if table["truncated"]
    }
    result = []
    for table in StatTable.objects.filter(pk__in=wanted):
        result.append(
            Attachment(
                string=export_xlsx(table_view(table)),
                name=wanted[table.pk],
                description=f"Tableau complet : {table.title}",
            )
        )
    return result


def render_pdf(context: dict) -> RenderResult:
    """The PDF bytes of a support context, its page count and the time taken."""
    from weasyprint import HTML

    started = time.perf_counter()
    fetcher = fetcher_for(context)
    try:
        document = HTML(string=support_html(context), base_url=BASE_URL, url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT
        )
    except StaticFileMissing as missing:
        # A BaseException for WeasyPrint's sake: raised again as an error the job records (portal.jobs).
        raise SupportTemplateError(
            f"{missing} ; un support n'est pas produit sans sa feuille de style ni ses images. "
            "Vérifiez que les fichiers statiques du portail sont déployés (manage.py collectstatic)."
        ) from None
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=annexes(context) or None)
    pdf, unreadable, page_count = pdfua_finish(pdf, annexes=pdf_annexes(context))
    seconds = time.perf_counter() - started
    refused = fetcher.refused + [f"annexe illisible : {title}" for title in unreadable]
    return RenderResult(pdf=pdf, page_count=page_count, seconds=seconds, refused=refused)


def pdf_annexes(context: dict) -> list[Annex]:
    """The PDF files attached to the support's agenda items, in agenda order, numbered as the items cite them."""
    if context.get("kind") != "support":
        return []
    from django.core.files.storage import default_storage

    result = []
    for item in context["agenda"]:
        for file in item.get("files", []):
            if file["kind"] != "pdf":
                continue
            try:
                with default_storage.open(file["path"], "rb") as stored:
                    data = stored.read()
            except OSError:
                logger.warning("Annexe introuvable : %s", file["path"])
                data = b""
            result.append(Annex(number=file["annex_number"], title=f"{item['number']} {file['name']}", data=data))
    return result
