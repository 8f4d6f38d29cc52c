"""Screens of the statistics app.

Every commission view reaches the commission through `access.commission_for`
(manage=True for any change) and the tables through that commission, so that
another commission's table answers 404. National extracts need the
`statistics.import_national_extract` permission.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from commissions.composition.access import can_manage, commission_for
from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.selectors import agendas_numbered

from . import services
from .aids import aid_eligibility, read_activity, rules_for_year
from .chart import table_chart_svg, table_charts
from .export import export_csv, export_xlsx
from .extract.derivation import montants_derive
from .extract.jobs import extract_create, extract_queue
from .forms import AidForm, AttachForm, ChartsForm, DeriveForm, ExtractUploadForm, TableUploadForm
from .models import NationalExtract, PendingUpload, StatTable
from .parsing import MAX_TABLE_BYTES, FileRejected
from .selectors import table_view, table_view_compared, tables_for

NATIONAL_PERMISSION = "statistics.import_national_extract"


def _table(commission, table_id: int) -> StatTable:
    return get_object_or_404(StatTable.objects.select_related("commission"), pk=table_id, commission=commission)


def _read_upload(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise FileRejected(f"Le fichier dépasse la taille autorisée ({limit // (1024 * 1024)} Mo).")
    return upload.read()


def _agenda_items(commission):
    return (
        AgendaItem.objects.filter(meeting__commission=commission)
        .select_related("meeting")
        .order_by("-meeting__date", "level", "position")
    )


# The meetings whose agenda a table may be attached to, on its page: the latest ones, not cancelled nor postponed.
ATTACH_MEETINGS = 8


def _attach_choices(commission, table) -> list:
    """The agenda items of the commission's latest meetings, grouped by meeting and numbered as their agenda (and
    the item the table is attached to, whatever its meeting)."""
    meetings = list(
        Meeting.objects.filter(commission=commission)
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
        .order_by("-date", "-start_time")[:ATTACH_MEETINGS]
    )
    if table.agenda_item_id and all(m.pk != table.agenda_item.meeting_id for m in meetings):
        meetings.append(table.agenda_item.meeting)
    agendas = agendas_numbered(meetings)
    return [
        (
            f"{'Séance' if meeting.is_session else 'Réunion'} du {meeting.date:%d/%m/%Y}",
            [(item.pk, f"{number} – {item.title}") for item, number in agendas[meeting.pk]],
        )
        for meeting in meetings
        if agendas[meeting.pk]
    ]


def _derive_form(commission, data=None) -> DeriveForm | None:
    extracts = list(NationalExtract.objects.filter(status=NationalExtract.Status.DONE).order_by("-created_at")[:20])
    territories = list(commission.stat_territories.all())
    if not extracts or not territories:
        return None
    form = DeriveForm(data)
    form.fields["extract"].choices = [(extract.pk, extract.title) for extract in extracts]
    form.fields["territory"].choices = [(t.code, str(t)) for t in territories]
    periods = sorted({tuple(period) for extract in extracts for period in extract.periods}, reverse=True)
    form.fields["period"].choices = [
        (
            f"{start}_{end}",
            f"du {datetime.date.fromisoformat(start):%d/%m/%Y} au {datetime.date.fromisoformat(end):%d/%m/%Y}",
        )
        for start, end in periods
    ]
    return form


@login_required
def table_list(request, slug):
    commission = commission_for(request.user, slug)
    manage = can_manage(request.user, commission)
    return render(
        request,
        "stats/table_list.html",
        {
            "commission": commission,
            "tables": tables_for(commission),
            "can_manage": manage,
            "derive_form": _derive_form(commission) if manage else None,
            "pending": (
                PendingUpload.objects.filter(commission=commission)
                .exclude(status=PendingUpload.Status.DONE)
                .order_by("-created_at")
                if manage
                else []
            ),
        },
    )


@login_required
def table_upload(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    problems = []
    if request.method == "POST":
        form = TableUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                content = _read_upload(upload, MAX_TABLE_BYTES)
                parsed = services.table_parse(
                    data=content, file_name=upload.name, kind=data["kind"], sheet=data["sheet"]
                )
                hints = services.preamble_hints(parsed.preamble)
                start = data["period_start"] or hints.get("period_start")
                end = data["period_end"] or hints.get("period_end")
                if not (start and end):
                    form.add_error("period_start", "Indiquez la période (elle ne figure pas dans le fichier).")
                else:
                    meta = services.TableMeta(
                        title=data["title"],
                        period_start=start,
                        period_end=end,
                        territory=data["territory"],
                        source=data["source"] or hints.get("source", ""),
                        extraction_date=data["extraction_date"] or hints.get("extraction_date"),
                    )
                    pending = services.pending_create(
                        commission=commission,
                        user=request.user,
                        data=content,
                        file_name=upload.name,
                        kind=parsed.kind,
                        meta=meta,
                        sheet=data["sheet"],
                    )
                    return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)
            except FileRejected as error:
                problems = error.problems
            except ValidationError as error:
                form.add_error(None, error)
    else:
        form = TableUploadForm()
    return render(request, "stats/table_upload.html", {"commission": commission, "form": form, "problems": problems})


def _pending(commission, pending_id: int) -> PendingUpload:
    return get_object_or_404(PendingUpload, pk=pending_id, commission=commission)


PREVIEW_ROWS = 300  # rows shown (and declarable as subtotals) in the preview of a large file


@login_required
def pending_preview(request, slug, pending_id):
    commission = commission_for(request.user, slug, manage=True)
    pending = _pending(commission, pending_id)
    if pending.status == PendingUpload.Status.DONE and pending.table_id:
        return redirect(pending.table.get_absolute_url())
    if pending.status != PendingUpload.Status.PREVIEW:
        # Queued, running or failed in the task: the progress page (it reloads itself while the task runs).
        return render(request, "stats/pending_progress.html", {"commission": commission, "pending": pending})
    parsed, problems = None, []
    try:
        parsed = services.table_parse(
            data=bytes(pending.content),
            file_name=pending.file_name,
            kind=pending.kind,
            sheet=pending.sheet,
            subtotals=pending.subtotal_lines,
        )
    except FileRejected as error:
        problems = error.problems
    if request.method == "POST" and parsed is not None:
        if request.POST.get("action") == "auto":
            services.pending_declare_subtotals(pending=pending, lines=None)
            messages.info(request, "Les sous-totaux sont de nouveau reconnus automatiquement.")
        else:
            shown = {row.line for row in parsed.rows[:PREVIEW_ROWS]}
            checked = {int(value) for value in request.POST.getlist("subtotal") if value.isdigit()} & shown
            # Rows beyond those shown keep their current status.
            kept = {row.line for row in parsed.rows[PREVIEW_ROWS:] if row.is_subtotal}
            services.pending_declare_subtotals(pending=pending, lines=sorted(checked | kept))
            messages.success(request, "Sous-totaux déclarés : les contrôles de cohérence en tiennent compte.")
        return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)
    duplicate = StatTable.objects.filter(commission=commission, file_hash=pending.file_hash).first()
    return render(
        request,
        "stats/preview.html",
        {
            "commission": commission,
            "pending": pending,
            "parsed": parsed,
            "rows": parsed.rows[:PREVIEW_ROWS] if parsed else [],
            "hidden_rows": max(len(parsed.rows) - PREVIEW_ROWS, 0) if parsed else 0,
            "problems": problems,
            "duplicate": duplicate,
            "large": parsed is not None and services.pending_is_large(pending),
            "kind_label": dict(services.StatTable._meta.get_field("kind").choices).get(pending.kind, pending.kind),
        },
    )


@require_POST
@login_required
def pending_confirm(request, slug, pending_id):
    commission = commission_for(request.user, slug, manage=True)
    pending = _pending(commission, pending_id)
    if pending.status != PendingUpload.Status.PREVIEW:
        return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)
    try:
        if services.pending_is_large(pending):
            services.pending_queue(pending=pending)
            messages.success(request, "L'import est lancé : son avancement s'affiche ci-dessous.")
            return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)
        table, created = services.pending_confirm(pending=pending, user=request.user)
    except (FileRejected, ValidationError) as error:
        messages.error(request, str(error) if isinstance(error, FileRejected) else " ".join(error.messages))
        return redirect("statistics:list", slug=commission.slug)
    if created:
        messages.success(request, "Le tableau a été importé.")
    else:
        messages.info(request, "Ce fichier avait déjà été importé : voici le tableau existant.")
    return redirect(table.get_absolute_url())


@require_POST
@login_required
def pending_retry(request, slug, pending_id):
    commission = commission_for(request.user, slug, manage=True)
    pending = _pending(commission, pending_id)
    if pending.status == PendingUpload.Status.DONE:
        messages.info(request, "Ce tableau est déjà importé.")
    elif services.pending_queue(pending=pending):
        messages.success(request, "L'import a été relancé.")
    else:
        messages.info(request, "L'import est en cours : il pourra être relancé s'il ne progresse plus.")
    return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)


@require_POST
@login_required
def pending_discard(request, slug, pending_id):
    commission = commission_for(request.user, slug, manage=True)
    pending = _pending(commission, pending_id)
    if pending.status in (PendingUpload.Status.QUEUED, PendingUpload.Status.RUNNING):
        messages.error(request, "L'import de ce dépôt est en cours : il ne peut pas être abandonné maintenant.")
        return redirect("statistics:preview", slug=commission.slug, pending_id=pending.pk)
    pending.delete()
    messages.info(request, "Le dépôt a été abandonné.")
    return redirect("statistics:list", slug=commission.slug)


@login_required
def table_detail(request, slug, table_id):
    commission = commission_for(request.user, slug)
    table = _table(commission, table_id)
    view = table_view_compared(table)
    manage = can_manage(request.user, commission)
    attach_form = None
    if manage:
        attach_form = AttachForm(initial={"agenda_item": table.agenda_item_id})
        attach_form.fields["agenda_item"].choices = [("", "— aucun —"), *_attach_choices(commission, table)]
    return render(
        request,
        "stats/table_detail.html",
        {
            "commission": commission,
            "table": table,
            "view": view,
            # The charts chosen for the table, each under its title (SVG built from escaped parts in stats.chart).
            "chart": mark_safe(
                "".join(f'<p class="fw-bold mb-1 mt-3">{escape(c.title)}</p>{c.svg}' for c in table_charts(view))
            ),
            "can_manage": manage,
            "attach_form": attach_form,
            "charts_form": ChartsForm(table=table) if manage else None,
        },
    )


@login_required
def table_chart(request, slug, table_id):
    commission = commission_for(request.user, slug)
    table = _table(commission, table_id)
    return HttpResponse(table_chart_svg(table_view(table)), content_type="image/svg+xml; charset=utf-8")


@login_required
def table_export(request, slug, table_id, file_format):
    commission = commission_for(request.user, slug)
    table = _table(commission, table_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu.")
    view = table_view(table)
    name = f"tableau-{table.pk}"
    if file_format == "xlsx":
        response = HttpResponse(
            export_xlsx(view), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse("\ufeff" + export_csv(view), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_POST
@login_required
def table_attach(request, slug, table_id):
    commission = commission_for(request.user, slug, manage=True)
    table = _table(commission, table_id)
    form = AttachForm(request.POST)
    form.fields["agenda_item"].choices = [("", "")] + [(item.pk, item.pk) for item in _agenda_items(commission)]
    if not form.is_valid():
        messages.error(request, "Point de l'ordre du jour introuvable pour cette commission.")
        return redirect(table.get_absolute_url())
    item_id = form.cleaned_data["agenda_item"]
    item = _agenda_items(commission).filter(pk=item_id).first() if item_id else None
    services.table_attach(table=table, agenda_item=item)
    messages.success(request, "Le tableau est rattaché au point." if item else "Le tableau n'est plus rattaché.")
    return redirect(table.get_absolute_url())


@require_POST
@login_required
def table_charts_choose(request, slug, table_id):
    commission = commission_for(request.user, slug, manage=True)
    table = _table(commission, table_id)
    form = ChartsForm(request.POST, table=table)
    if not form.is_valid():
        messages.error(request, "Graphiques : " + " ".join(form.errors.get("charts", ["choix invalide."])))
        return redirect(table.get_absolute_url())
    try:
        services.table_charts_set(table=table, keys=form.cleaned_data["charts"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(table.get_absolute_url())
    messages.success(request, "Les graphiques du tableau sont enregistrés ; les supports les montreront.")
    return redirect(table.get_absolute_url())


@require_POST
@login_required
def table_delete(request, slug, table_id):
    commission = commission_for(request.user, slug, manage=True)
    services.table_delete(table=_table(commission, table_id))
    messages.success(request, "Le tableau a été supprimé.")
    return redirect("statistics:list", slug=commission.slug)


@require_POST
@login_required
def table_derive(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = _derive_form(commission, request.POST)
    if form is None or not form.is_valid():
        messages.error(request, "Choisissez un extrait, un territoire et une période.")
        return redirect("statistics:list", slug=commission.slug)
    extract = get_object_or_404(NationalExtract, pk=form.cleaned_data["extract"])
    start, end = (datetime.date.fromisoformat(part) for part in form.cleaned_data["period"].split("_"))
    try:
        table, created = montants_derive(
            commission=commission,
            extract=extract,
            territory=form.cleaned_data["territory"],
            period_start=start,
            period_end=end,
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("statistics:list", slug=commission.slug)
    messages.success(request, "Le tableau a été calculé." if created else "Ce tableau existait déjà.")
    return redirect(table.get_absolute_url())


@login_required
def aids(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    results, problems = None, []
    form = AidForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rules = rules_for_year(form.cleaned_data["year"])
        if rules is None:
            form.add_error("year", "Aucun barème des aides n'est enregistré pour cette année.")
        else:
            upload = form.cleaned_data["file"]
            try:
                results = aid_eligibility(read_activity(_read_upload(upload, MAX_TABLE_BYTES), upload.name), rules)
            except FileRejected as error:
                problems = error.problems
    return render(
        request,
        "stats/aids.html",
        {"commission": commission, "form": form, "results": results, "problems": problems},
    )


# --- National extracts (national statistician) --------------------------------------------------------------


@login_required
@permission_required(NATIONAL_PERMISSION, raise_exception=True)
def extract_list(request):
    problems = []
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read()
            extract, created = extract_create(
                data=data,
                file_name=upload.name,
                title=form.cleaned_data["title"],
                source=form.cleaned_data["source"],
                extraction_date=form.cleaned_data["extraction_date"],
                user=request.user,
            )
        except FileRejected as error:
            problems = error.problems
        else:
            if created:
                extract_queue(extract)
                messages.success(request, "L'extrait est en cours de chargement.")
            else:
                messages.info(request, "Ce fichier a déjà été déposé : voici l'extrait existant.")
            return redirect(extract.get_absolute_url())
    return render(
        request,
        "stats/extract_list.html",
        {"form": form, "problems": problems, "extracts": NationalExtract.objects.all()[:50]},
    )


@login_required
@permission_required(NATIONAL_PERMISSION, raise_exception=True)
def extract_detail(request, extract_id):
    extract = get_object_or_404(NationalExtract, pk=extract_id)
    return render(request, "stats/extract_detail.html", {"extract": extract})


@require_POST
@login_required
@permission_required(NATIONAL_PERMISSION, raise_exception=True)
def extract_retry(request, extract_id):
    extract = get_object_or_404(NationalExtract, pk=extract_id)
    if extract.status == NationalExtract.Status.DONE:
        messages.info(request, "Cet extrait est déjà chargé.")
    elif extract_queue(extract):
        messages.success(request, "Le chargement a été relancé.")
    else:
        messages.info(request, "Le chargement est en cours : il pourra être relancé s'il ne progresse plus.")
    return redirect(extract.get_absolute_url())
