"""Screens of meetings: list, form, page with the agenda editor, attendance, convocation, iCal feed.

Every view reaches the commission through `access.commission_for` (manage=True
for any change) and the meeting through the commission, so that another
commission's meeting answers 404.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from commissions.composition.access import can_manage, commission_for
from commissions.composition.models import Mandate, SectionKind
from commissions.meetings import agenda, calendar, convocation, lifecycle, selectors, services
from commissions.meetings.forms import (
    AgendaItemForm,
    AttachmentForm,
    AttendanceForm,
    CallOffForm,
    ContentBlockForm,
    InsertBlockForm,
    MeetingForm,
    QuorumRulesForm,
)
from commissions.meetings.models import (
    AgendaAttachment,
    AgendaItem,
    Attendance,
    CalendarToken,
    ContentBlock,
    Meeting,
    QuorumRule,
)
from commissions.meetings.signals import attachments_for
from portal import generations
from portal.forms import add_service_errors, bootstrap
from portal.spreadsheets import table_csv, table_xlsx


def _meeting(commission, meeting_id: int) -> Meeting:
    """The commission's meeting (404 otherwise), on the commission already read (with the user's roles in it)."""
    meeting = get_object_or_404(Meeting.objects.select_related("presided_by"), pk=meeting_id, commission=commission)
    meeting.commission = commission
    return meeting


# A placeholder id, replaced by each object's: the URLs of a list's rows are reversed once, not once per row.
_ROW_ID = 2147483647


def _row_url(name: str, *args) -> Callable[[int], str]:
    """The URL `name` whose last argument is a row's id, reversed once: call it with each row's id."""
    head, tail = reverse(name, args=[*args, _ROW_ID]).rsplit(f"/{_ROW_ID}/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


@dataclass(frozen=True)
class ItemUrls:
    """The secretariat's actions on one agenda item of the meeting page."""

    move: str
    edit: str
    delete: str
    place: str


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    item.meeting = meeting
    return item


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


PAST_MEETINGS_PER_PAGE = 20


@login_required
def meeting_list(request, slug):
    """Upcoming meetings, then past ones by pages of 20, with a search on titles, places and agenda items."""
    commission = commission_for(request.user, slug)
    query = request.GET.get("q", "").strip()[:100]
    meetings = (
        Meeting.objects.filter(commission=commission)
        .select_related("presided_by")
        .annotate(item_count=Count("agenda_items"))
        .order_by("-date", "-start_time")
    )
    if query:
        matching = Meeting.objects.filter(commission=commission).filter(
            Q(title__icontains=query) | Q(place__icontains=query) | Q(agenda_items__title__icontains=query)
        )
        meetings = meetings.filter(pk__in=matching.values("pk"))
    today = commission.today()
    past = Paginator(meetings.filter(date__lt=today), PAST_MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/meeting_list.html",
        {
            "commission": commission,
            "upcoming": list(meetings.filter(date__gte=today).order_by("date", "start_time")),
            "past": past,
            "query": query,
            "can_manage": can_manage(request.user, commission),
            "nav": "commissions",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = MeetingForm(request.POST or None, commission=commission)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                commission=commission,
                standard_items=True,
                **{name: form.cleaned_data[name] for name in services.MEETING_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Réunion du {meeting.date:%d/%m/%Y} créée.")
            return redirect(meeting.get_absolute_url())
    return render(request, "commissions/meeting_form.html", {"commission": commission, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, meeting_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    form = MeetingForm(request.POST or None, instance=meeting, commission=commission)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.meeting_update(
                meeting=meeting,
                status=form.cleaned_data.get("status") or None,
                **{name: form.cleaned_data[name] for name in services.MEETING_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Réunion enregistrée.")
            if updated.convocation_outdated:
                messages.warning(
                    request,
                    "La date, l'horaire ou le lieu ont changé depuis la convocation : renvoyez-la pour que "
                    "l'invitation se mette à jour dans l'agenda des membres.",
                )
            return redirect(meeting.get_absolute_url())
    return render(
        request, "commissions/meeting_form.html", {"commission": commission, "form": form, "meeting": meeting}
    )


@login_required
def meeting_detail(request, slug, meeting_id):
    commission = commission_for(request.user, slug)
    meeting = _meeting(commission, meeting_id)
    manage = can_manage(request.user, commission)

    def content() -> dict:
        context = _agenda_context(commission, meeting, manage)
        if meeting.is_session:
            context["quorum"] = selectors.quorum_by_section(meeting)
        context["next_meeting"] = selectors.next_meeting_label(meeting)
        return context

    # Rendered once per meeting and kind of reader until the commission's meetings or compositions change.
    html = generations.fragment(
        request,
        "commissions/_meeting_content.html",
        scopes=[
            generations.COMPOSITION,
            generations.MEETINGS,
            generations.part_of(generations.MEETINGS, commission.pk),
        ],
        what=meeting.pk,
        vary_on={"manage": manage},
        context=content,
    )
    return render(
        request,
        "commissions/meeting_detail.html",
        {"commission": commission, "meeting": meeting, "content": html, "nav": "commissions"},
    )


CONVOCATION_NOTE_MAX = 2000


@login_required
@require_http_methods(["GET", "POST"])
def meeting_convene(request, slug, meeting_id):
    """GET: the confirmation page with the recipients; POST: convene and send."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    if request.method == "POST":
        seen = request.POST.get("round", "")
        note = request.POST.get("message", "")
        if len(note) > CONVOCATION_NOTE_MAX:
            messages.error(
                request, f"Le message du secrétariat dépasse {CONVOCATION_NOTE_MAX} caractères : raccourcissez-le."
            )
            return redirect("commissions:meeting_convene", commission.slug, meeting.pk)
        try:
            meeting = convocation.meeting_convene(
                meeting=meeting, seen_round=int(seen) if seen.isdigit() else None, note=note
            )
        except convocation.AlreadyConvened:
            messages.info(
                request, "Cette convocation vient d'être envoyée (un autre envoi l'a précédé) : rien n'est renvoyé."
            )
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            _say_how_it_went(request, meeting, "Convocation envoyée aux membres de la commission.")
        return redirect(meeting.get_absolute_url())
    recipients = convocation.convocation_recipients(meeting)
    members = selectors.meeting_members(meeting)
    return render(
        request,
        "commissions/meeting_convene.html",
        {
            "commission": commission,
            "meeting": meeting,
            "recipients": recipients,
            "without_email": [row.person for row in members if not row.person.email],
            "agenda": selectors.agenda_flat(meeting),
            # What the e-mail will carry besides the invitation: the convocation support, when it is current.
            "attachments": [name for name, _, _ in attachments_for(meeting)],
            "note_max": CONVOCATION_NOTE_MAX,
        },
    )


def _say_how_it_went(request, meeting: Meeting, sent: str) -> None:
    """The e-mails' round is sent when the transaction commits: say whether it left, or will leave later."""
    dispatch = getattr(meeting, "convocation_dispatch", None)
    if dispatch is not None and dispatch.sent is False:
        messages.warning(
            request,
            "La file d'envoi est momentanément indisponible : les e-mails partiront automatiquement dès son "
            "retour (nouvel essai toutes les 5 minutes). Rien n'est à refaire.",
        )
    else:
        messages.success(request, sent)


CALL_OFF = {
    # action: (service, page title, confirmation button, success message)
    "cancel": (lifecycle.meeting_cancel, "Annuler la réunion", "Confirmer l'annulation", "Réunion annulée."),
    "postpone": (lifecycle.meeting_postpone, "Reporter la réunion", "Confirmer le report", "Réunion reportée."),
}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_call_off(request, slug, meeting_id, action):
    """GET: the confirmation page with the reason to give; POST: cancel or postpone, and tell the convened members."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    service, title, button, done = CALL_OFF[action]
    form = CallOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = service(meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            if meeting.convocation_round:
                _say_how_it_went(request, meeting, "Les membres convoqués sont prévenus par e-mail.")
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "commissions/meeting_call_off.html",
        {
            "commission": commission,
            "meeting": meeting,
            "form": form,
            "title": title,
            "button": button,
            "recipients": convocation.convocation_recipients(meeting) if meeting.convocation_round else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, slug, meeting_id):
    """The attendance sheet, saved as a whole: a contradiction (a titular represented by an absent substitute)
    is shown with its seat and nothing is saved."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    rows = selectors.meeting_members(meeting)
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_save(meeting=meeting, statuses=form.statuses())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Présences enregistrées.")
            return redirect(reverse("commissions:meeting_attendance", args=[commission.slug, meeting.pk]))
    return render(
        request,
        "commissions/meeting_attendance.html",
        {
            "commission": commission,
            "meeting": meeting,
            "form": form,
            "quorum": selectors.quorum_by_section(meeting) if meeting.is_session else None,
        },
    )


ATTENDANCE_HEADERS = ["Section", "Organisation", "Civilité", "Nom", "Prénom", "Mandat", "Présence"]


@login_required
def meeting_attendance_export(request, slug, meeting_id, extension):
    """The attendance list (organisation, civility, name, titulaire/suppléant(e), status) as CSV or XLSX."""
    if extension not in ("csv", "xlsx"):
        raise Http404("Format inconnu.")
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    statuses = dict(Attendance.Status.choices)
    table = [ATTENDANCE_HEADERS] + [
        [
            SectionKind(row.section_kind).label,
            row.organisation,
            row.person.civility,
            row.person.last_name,
            row.person.first_name,
            "Titulaire" if row.role == Mandate.Role.TITULAR else "Suppléant(e)",
            statuses.get(row.status, "non renseignée"),
        ]
        for row in selectors.meeting_members(meeting)
    ]
    name = f"presences-{commission.slug}-{meeting.date:%Y-%m-%d}.{extension}"
    if extension == "csv":
        data, content_type = table_csv(table), "text/csv; charset=utf-8"
    else:
        data = table_xlsx(table, title="Présences", widths=(24, 18, 10, 22, 18, 14, 34))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def quorum_rules(request, slug):
    """The secretariat sets each section's quorum (seats represented at least)."""
    commission = commission_for(request.user, slug, manage=True)
    current = dict(QuorumRule.objects.filter(commission=commission).values_list("section_kind", "minimum_present"))
    initial = {f"minimum_{kind}": minimum for kind, minimum in current.items()}
    form = QuorumRulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.quorum_rules_set(commission=commission, minimums=form.minimums())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Règles de quorum enregistrées.")
            back = request.GET.get("retour", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("commissions:meeting_list", args=[commission.slug])
            return redirect(back)
    return render(request, "commissions/quorum_rules.html", {"commission": commission, "form": form})


# Agenda
#
# Every action on the agenda works as a plain form (a POST, then the meeting page again) and, sent by htmx from
# the meeting page (static/js/agenda.js), answers the agenda's part of the page, renumbered, with what was done
# said in it: the page is not reloaded.


def _agenda_context(commission, meeting: Meeting, manage: bool) -> dict:
    """The meeting page's agenda: the numbered items and, for the secretariat, the URLs of its actions."""
    nodes = selectors.agenda_flat(meeting)
    context = {"commission": commission, "meeting": meeting, "agenda": nodes, "can_manage": manage}
    # A meeting whose RDD holds the agenda shows no handle nor action (its services refuse them all the same).
    context["editable"] = manage and not meeting.is_locked
    if manage:
        context["item_form"] = bootstrap(AgendaItemForm())
        context["item_add_url"] = reverse("commissions:agenda_item_add", args=[commission.slug, meeting.pk])
        move, edit, delete, place = (
            _row_url(name, commission.slug, meeting.pk)
            for name in (
                "commissions:agenda_item_move",
                "commissions:agenda_item_edit",
                "commissions:agenda_item_delete",
                "commissions:agenda_item_place",
            )
        )
        for node in nodes:
            pk = node.item.pk
            node.urls = ItemUrls(move=move(pk), edit=edit(pk), delete=delete(pk), place=place(pk))
    return context


def _agenda_answer(request, commission, meeting: Meeting, notice: str, **more) -> HttpResponse:
    """The agenda's part of the meeting page, as it now stands, with `notice` said at its top.

    `more`: error=True for a refusal, announce= what a screen reader hears (the notice otherwise), focus= the
    item whose row keeps the focus, item_form= the add form with its errors.
    """
    context = _agenda_context(commission, meeting, manage=True)
    if more.get("item_form") is None:
        more.pop("item_form", None)
    context.update({"notice": notice, "announce": more.pop("announce", "") or notice, **more})
    return render(request, "commissions/_agenda.html", context)


def _agenda_done(request, commission, meeting: Meeting, notice: str, *, anchor: str = "", **more) -> HttpResponse:
    """What an agenda action answers: the agenda's part for htmx, the meeting page with `notice` otherwise."""
    if request.htmx:
        return _agenda_answer(request, commission, meeting, notice, **more)
    if more.get("error"):
        messages.error(request, notice)
    else:
        messages.success(request, notice)
    return redirect(meeting.get_absolute_url() + anchor)


def _named_items(request, meeting: Meeting, *names: str) -> list[AgendaItem | None]:
    """The meeting's items whose ids the request gives in `names` (POST, else GET), in one query: None for a name
    not given, 404 for an id that is not one of the meeting's items."""
    values = [str(request.POST.get(name) or request.GET.get(name) or "") for name in names]
    if not all(value.isdigit() for value in values if value):
        raise Http404("Point introuvable.")
    found = AgendaItem.objects.filter(meeting=meeting, pk__in=[int(value) for value in values if value]).in_bulk()
    if any(value and int(value) not in found for value in values):
        raise Http404("Point introuvable.")
    for item in found.values():
        item.meeting = meeting
    return [found[int(value)] if value else None for value in values]


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request, slug, meeting_id):
    """A new item: at the end, under `parent` or, with `before`, at that item's place (the rest renumbered)."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    parent, before = _named_items(request, meeting, "parent", "before")
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = agenda.agenda_item_add(meeting=meeting, parent=parent, before=before, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _agenda_done(
                request, commission, meeting, f"Point {item.number} ajouté.", anchor=f"#point-{item.pk}", focus=item.pk
            )
    if request.htmx and request.method == "POST":
        return _agenda_answer(
            request,
            commission,
            meeting,
            " ".join(form.non_field_errors()) or "Le point n'a pas été ajouté : voyez le formulaire.",
            error=True,
            item_form=bootstrap(form),
            before=before,
        )
    return render(
        request,
        "commissions/agenda_item_form.html",
        {"commission": commission, "meeting": meeting, "form": form, "parent": parent, "before": before},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, slug, meeting_id, item_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            agenda.agenda_item_update(item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Point {item.number} enregistré.")
            return redirect(meeting.get_absolute_url() + f"#point-{item.pk}")
    return render(
        request,
        "commissions/agenda_item_form.html",
        {
            "commission": commission,
            "meeting": meeting,
            "form": form,
            "item": item,
            "attachment_form": AttachmentForm(),
            "block_form": InsertBlockForm(blocks=selectors.content_blocks_for(commission)),
            "attachments": item.attachments.all(),
        },
    )


@login_required
@require_POST
def agenda_item_move(request, slug, meeting_id, item_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    was = item.number
    try:
        item = agenda.agenda_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        return _agenda_done(request, commission, meeting, _message(error), error=True, focus=item.pk)
    return _agenda_moved(request, commission, meeting, item, was)


def _agenda_moved(request, commission, meeting: Meeting, item: AgendaItem, was: str) -> HttpResponse:
    now = item.number
    return _agenda_done(
        request,
        commission,
        meeting,
        f"Point déplacé : désormais {now}.",
        anchor=f"#point-{item.pk}",
        announce=f"Point {was} déplacé en position {now}." if now != was else f"Le point {now} n'a pas bougé.",
        focus=item.pk,
    )


@login_required
@require_POST
def agenda_item_place(request, slug, meeting_id, item_id):
    """Move an item (a drag and drop): before the item `before`, or at the end of `parent`'s sub-items (of the
    top level without `parent`)."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    parent, before = _named_items(request, meeting, "parent", "before")
    was = item.number
    try:
        item = agenda.agenda_item_place(item=item, parent=parent, before=before)
    except ValidationError as error:
        return _agenda_done(request, commission, meeting, _message(error), error=True, focus=item.pk)
    return _agenda_moved(request, commission, meeting, item, was)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_delete(request, slug, meeting_id, item_id):
    """GET: confirmation; POST: delete with its sub-items and attachments."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    if request.method == "POST":
        number = item.number
        try:
            agenda.agenda_item_delete(item=item)
        except ValidationError as error:
            return _agenda_done(request, commission, meeting, _message(error), error=True)
        return _agenda_done(
            request, commission, meeting, f"Point {number} supprimé ; les points suivants ont été renumérotés."
        )
    return render(
        request,
        "commissions/agenda_item_delete.html",
        {
            "commission": commission,
            "meeting": meeting,
            "item": item,
            "children": AgendaItem.objects.filter(parent=item).count(),
        },
    )


@login_required
@require_POST
def agenda_item_insert_block(request, slug, meeting_id, item_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    form = InsertBlockForm(request.POST, blocks=selectors.content_blocks_for(commission))
    if form.is_valid():
        try:
            agenda.agenda_item_insert_block(item=item, block=form.cleaned_data["block"])
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, f"Bloc « {form.cleaned_data['block'].title} » inséré dans le point.")
    else:
        messages.error(request, "Choisissez un bloc de la bibliothèque.")
    return redirect(reverse("commissions:agenda_item_edit", args=[commission.slug, meeting.pk, item.pk]))


@login_required
@require_POST
def agenda_attachment_add(request, slug, meeting_id, item_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    item = _item(meeting, item_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = agenda.agenda_attachment_add(item=item, upload=form.cleaned_data["file"], user=request.user)
        messages.success(request, f"Pièce jointe « {attachment.original_name} » ajoutée.")
    else:
        for error in form.errors.get("file", ["Choisissez un fichier à joindre."]):
            messages.error(request, error)
    return redirect(reverse("commissions:agenda_item_edit", args=[commission.slug, meeting.pk, item.pk]))


def _attachment(meeting: Meeting, attachment_id: int) -> AgendaAttachment:
    return get_object_or_404(AgendaAttachment.objects.select_related("item"), pk=attachment_id, item__meeting=meeting)


@login_required
def agenda_attachment_download(request, slug, meeting_id, attachment_id):
    commission = commission_for(request.user, slug)
    attachment = _attachment(_meeting(commission, meeting_id), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("Fichier introuvable.") from error
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
@require_POST
def agenda_attachment_delete(request, slug, meeting_id, attachment_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    attachment = _attachment(meeting, attachment_id)
    item_id = attachment.item_id
    agenda.agenda_attachment_delete(attachment=attachment)
    messages.success(request, f"Pièce jointe « {attachment.original_name} » supprimée.")
    return redirect(reverse("commissions:agenda_item_edit", args=[commission.slug, meeting.pk, item_id]))


# Library of reusable content


@login_required
@require_http_methods(["GET", "POST"])
def agenda_block_list(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = ContentBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            block = services.content_block_save(commission=commission, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Bloc « {block.title} » ajouté à la bibliothèque.")
            return redirect(reverse("commissions:agenda_block_list", args=[commission.slug]))
    return render(
        request,
        "commissions/agenda_blocks.html",
        {"commission": commission, "blocks": selectors.content_blocks_for(commission), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_block_edit(request, slug, block_id):
    """Only the commission's own blocks are edited here; the common ones are kept in the admin."""
    commission = commission_for(request.user, slug, manage=True)
    block = get_object_or_404(ContentBlock, pk=block_id, commission=commission)
    form = ContentBlockForm(request.POST or None, instance=block)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_block_save(commission=commission, block=block, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Bloc « {block.title} » enregistré.")
            return redirect(reverse("commissions:agenda_block_list", args=[commission.slug]))
    return render(
        request, "commissions/agenda_block_form.html", {"commission": commission, "form": form, "block": block}
    )


# iCal feed


@login_required
def calendar_token(request, slug):
    commission = commission_for(request.user, slug)
    token = calendar.calendar_token_active(request.user)
    feed_url = None
    if token is not None:
        feed_url = request.build_absolute_uri(reverse("commissions:calendar_feed", args=[commission.slug, token.token]))
    return render(
        request, "commissions/meeting_calendar.html", {"commission": commission, "token": token, "feed_url": feed_url}
    )


@login_required
@require_POST
def calendar_token_create(request, slug):
    commission = commission_for(request.user, slug)
    calendar.calendar_token_create(user=request.user)
    messages.success(request, "Nouvelle adresse de calendrier créée ; les adresses précédentes ne fonctionnent plus.")
    return redirect(reverse("commissions:calendar_token", args=[commission.slug]))


@login_required
@require_POST
def calendar_token_revoke(request, slug):
    commission = commission_for(request.user, slug)
    if calendar.calendar_token_revoke(user=request.user):
        messages.success(request, "Adresse de calendrier révoquée.")
    else:
        messages.info(request, "Vous n'aviez pas d'adresse de calendrier active.")
    return redirect(reverse("commissions:calendar_token", args=[commission.slug]))


def calendar_feed(request, slug, token):
    """The commission's meetings as iCalendar; the token in the address authenticates (no session)."""
    calendar_token = (
        CalendarToken.objects.filter(token=token, revoked__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if calendar_token is None:
        raise Http404("Calendrier introuvable.")
    commission = commission_for(calendar_token.user, slug)
    meetings = Meeting.objects.filter(commission=commission).select_related("commission").order_by("date")
    body = calendar.meetings_calendar(meetings, name=commission.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{commission.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
