"""Benchmark of the PDF support (not a test): a 40-page meeting, our pipeline against WeasyPrint alone.

    .venv/bin/python bench/pdf_support.py [--pages 40] [--repeat 3]

Builds, in a throw-away SQLite database (or DATABASE_URL), a session with one
agenda item per page, each holding a 15×10 table, then measures:
- the whole pipeline (data queries, templating, WeasyPrint with our URL fetcher, PDF/UA, the pikepdf pass of
  supports.pdfua that makes the margins artifacts and scopes the table headers),
- WeasyPrint alone on the very same HTML (same fetcher and options),
- the pikepdf pass alone, and with three 10-page PDF annexes appended (timed separately: appending annexes is
  not part of the 1.15× goal, which is about the support itself),
each measure interleaved with the others, one of each per round (the machine's load changes from minute to minute),
- serving the unchanged support again (hash of the inputs, then the stored file through the download view),
and prints the process's peak resident memory (ru_maxrss: Pango and HarfBuzz memory included).
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def table_html(rank: int) -> str:
    head = "".join(f"<th>Colonne {column}</th>" for column in range(1, 11))
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{(rank * 7919 + row * 104729 + column * 31) % 9_000_000:,}</td>" for column in range(10))
        + "</tr>"
        for row in range(15)
    )
    return f"<p>Tableau {rank}</p><table><thead><tr>{head}</tr></thead><tbody>{rows.replace(',', ' ')}</tbody></table>"


def build(pages: int):
    from commissions.composition.models import Commission
    from commissions.meetings.models import AgendaItem
    from commissions.meetings.services import meeting_create
    from demo.compositions import load_demo

    load_demo()
    commission = Commission.objects.get(slug="cpr-paca-corse-lpp")
    meeting = meeting_create(
        commission=commission, date=datetime.date(2025, 2, 26), start_time=datetime.time(14, 0), place="Marseille"
    )
    # The fixed pages (cover, agenda, presidency, two compositions, secretariat, CNIL, next date, closing,
    # follow-up and questions) make 11; one item per remaining page.
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, level=1, position=rank, title=f"Point {rank}", speaker="sociale", content=table_html(rank)
        )
        for rank in range(1, max(pages - 11, 1) + 1)
    )
    return meeting


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-pdf-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from weasyprint import HTML

    from supports.context import support_context
    from supports.fetcher import BASE_URL
    from supports.pdf import PDF_VARIANT, fetcher_for, render_pdf, support_html
    from supports.pdfua import Annex, pdfua_finish
    from supports.services import support_render, support_request

    call_command("migrate", verbosity=0)
    meeting = build(args.pages)

    render_pdf(support_context(meeting))  # warm-up: fonts, templates, imports

    def pipeline():
        return render_pdf(support_context(meeting))

    context = support_context(meeting)
    html = support_html(context)

    def weasyprint_alone():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher_for(context)).write_pdf(pdf_variant=PDF_VARIANT)

    def weasyprint_untagged():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher_for(context)).write_pdf()

    # Interleaved (pipeline, WeasyPrint alone, untagged, pikepdf pass, …): on a shared machine the load changes
    # from one minute to the next, and a reference measured in another minute says little.
    annex = HTML(string="<html lang='fr'>" + "<p style='break-after: page'>Annexe</p>" * 10 + "</html>").write_pdf()
    annexes = [Annex(number=rank, title=f"annexe-{rank}.pdf", data=annex) for rank in range(1, 4)]
    runs: dict[str, list[float]] = {"full": [], "alone": [], "untagged": [], "finish": [], "annexed": []}
    result = raw = None
    for _ in range(args.repeat):
        seconds, result = timed(pipeline, 1)
        runs["full"].append(seconds)
        seconds, raw = timed(weasyprint_alone, 1)
        runs["alone"].append(seconds)
        runs["untagged"].append(timed(weasyprint_untagged, 1)[0])
        runs["finish"].append(timed(partial(pdfua_finish, raw), 1)[0])
        runs["annexed"].append(timed(partial(pdfua_finish, raw, annexes=annexes), 1)[0])
    full, alone, untagged, finish, annexed = (statistics.median(values) for values in runs.values())
    ratios = sorted(f / a for f, a in zip(runs["full"], runs["alone"], strict=True))

    print(f"pages                         {result.page_count}")
    print(f"support pipeline (median)     {full:.2f} s  ({result.page_count / full:.1f} pages/s)")
    print(f"WeasyPrint alone, same HTML   {alone:.2f} s  ({result.page_count / alone:.1f} pages/s)")
    print(f"WeasyPrint, untagged PDF      {untagged:.2f} s  (cost of PDF/UA tagging: {alone / untagged:.2f}×)")
    pairs = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    print(f"ratio pipeline / WeasyPrint   {full / alone:.3f}  (goal ≤ 1.15; each pair: {pairs})")
    print(f"PDF/UA pass (pikepdf) alone   {finish:.2f} s")
    print(f"pikepdf pass + 3 annexes × 10 {annexed:.2f} s  (annexes alone: +{annexed - finish:.2f} s)")
    sys.stdout.flush()

    render, _ = support_request(meeting=meeting, queue=False)
    support_render(render_id=render.pk)
    unchanged, (again, created) = timed(lambda: support_request(meeting=meeting, queue=False), 5)
    assert not created and again.pk == render.pk

    setup_test_environment()
    client = Client()
    client.force_login(meeting.commission.agents.first())
    url = f"/supports/{meeting.commission.slug}/seances/{meeting.pk}/{render.pk}/telecharger/"

    def download():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content)

    download()
    served, _ = timed(download, 10)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"unchanged: inputs hash check  {unchanged * 1000:.1f} ms")
    print(f"unchanged: download view      {served * 1000:.1f} ms  (goal < 50 ms)")
    print(f"peak resident memory          {peak:.0f} MiB  (goal < 400 MiB)")


if __name__ == "__main__":
    main()
