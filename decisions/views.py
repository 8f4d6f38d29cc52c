"""Screens of the RDD: editor (secretariat), RDD page, presidents' inbox, members' list, workflow actions.

Every view reaches the commission through `commissions.composition.access.commission_for`
(for pages keyed by an RDD id: the RDD first, then its commission), so that
another commission's RDD answers 404. The writes go through decisions.services (the workflow) and
decisions.content (a draft's content).
"""

import datetime
import ipaddress
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from commissions.composition.access import Role, can_manage, commission_for, roles_in
from commissions.meetings.models import Meeting
from portal import generations
from portal.forms import bootstrap

from . import content, selectors, services
from .facts import facts_display, rdd_facts
from .forms import (
    ApproveForm,
    CommitmentForm,
    FollowUpForm,
    ItemRecordForm,
    PreambleForm,
    QuestionForm,
    SendBackForm,
    ValidateForm,
)
from .models import CarriedBy, Commitment, CommitmentUpdate, ItemRecord, Question, Rdd, RddFrozen
from .presidents import president_sections
from .standard_items import session_add_standard_items
from .trail import CONTENT_FORMAT, approval_hash, trail_addresses, trail_verify

READABLE_BY_MEMBERS = {Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED}


def client_ip(request) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _rdd(request, rdd_id: int, *, manage: bool = False, header: bool = False) -> Rdd:
    """The RDD if the user may see its commission (404 otherwise; 403 for a secretariat action by a member).

    `header`: with what the RDD page's header shows (the previous version, and `has_next_version`: whether a
    newer version replaces it).
    """
    queryset = Rdd.objects.select_related("meeting__commission")
    if header:
        queryset = queryset.select_related("previous", "next_version").annotate(
            has_next_version=Exists(Rdd.objects.filter(previous=OuterRef("pk")))
        )
    rdd = get_object_or_404(queryset, pk=rdd_id)
    commission = commission_for(request.user, rdd.meeting.commission.slug, manage=manage)
    rdd.meeting.commission = commission
    return rdd


def _check_readable(user, rdd: Rdd) -> None:
    """Secretariat and admins read every state; presidents from submission; members once transmitted."""
    roles = roles_in(user, rdd.meeting.commission)
    if roles & {Role.ADMIN, Role.SECRETARIAT}:
        return
    if Role.PRESIDENT in roles and rdd.status != Rdd.Status.DRAFT:
        return
    if rdd.status in READABLE_BY_MEMBERS:
        return
    raise PermissionDenied("Ce relevé de décisions n'a pas encore été transmis aux membres.")


def _check_president(user, rdd: Rdd) -> list[str]:
    sections = president_sections(rdd.meeting.commission, user)
    if not sections:
        raise PermissionDenied("Seuls les présidents de section en exercice de cette commission approuvent le relevé.")
    return sections


def _editor_url(rdd: Rdd, anchor: str = "") -> str:
    return reverse("decisions:edit", args=[rdd.pk]) + (f"#{anchor}" if anchor else "")


def _content_context(rdd: Rdd) -> dict:
    """The blocks of the RDD's page, read with everything they show (selectors.rdd_with_content)."""
    rdd = selectors.rdd_with_content(Rdd.objects.filter(pk=rdd.pk)).get()
    here = selectors.here_by_commitment(rdd)
    return {
        "rdd": rdd,
        "meeting": rdd.meeting,
        "commission": rdd.meeting.commission,
        "records": rdd.item_records.all(),
        "commitments": [
            selectors.FollowUp(commitment=commitment, here=here.get(commitment.pk, []))
            for commitment in rdd.commitments.all()
        ],
        "questions": rdd.questions.all(),
        "follow_ups": selectors.follow_ups(rdd),
        "approval_lines": selectors.approval_lines(rdd),
        "votes": selectors.validation_votes(rdd),
    }


# Pages


@login_required
def meeting_rdd(request, slug, meeting_id):
    """The RDD of a session: its current version, or (secretariat) the page to start writing it."""
    commission = commission_for(request.user, slug)
    meeting = get_object_or_404(Meeting, pk=meeting_id, commission=commission)
    rdd = selectors.latest_rdd(meeting)
    manage = can_manage(request.user, commission)
    if rdd is not None:
        if manage and rdd.status == Rdd.Status.DRAFT:
            return redirect(_editor_url(rdd))
        _check_readable(request.user, rdd)
        return redirect(rdd.get_absolute_url())
    if not manage:
        raise PermissionDenied("Le relevé de décisions de cette séance n'a pas encore été rédigé.")
    return render(
        request, "decisions/meeting_none.html", {"commission": commission, "meeting": meeting, "nav": "commissions"}
    )


@login_required
@require_POST
def standard_items(request, slug, meeting_id):
    """Add the standard items of a session to an empty agenda (approval of the previous RDD, presidency, …)."""
    commission = commission_for(request.user, slug, manage=True)
    meeting = get_object_or_404(Meeting, pk=meeting_id, commission=commission)
    try:
        created = session_add_standard_items(meeting=meeting)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        if created:
            messages.success(request, f"{len(created)} points habituels ajoutés à l'ordre du jour.")
        else:
            messages.info(
                request, "L'ordre du jour n'est pas vide, ou la réunion n'est pas une séance : rien n'a été ajouté."
            )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def rdd_create(request, slug, meeting_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = get_object_or_404(Meeting, pk=meeting_id, commission=commission)
    try:
        rdd = services.rdd_create(meeting=meeting, user=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect(meeting.get_absolute_url())
    messages.success(request, "Relevé de décisions créé : un bloc par point de l'ordre du jour.")
    return redirect(_editor_url(rdd))


@login_required
def rdd_detail(request, rdd_id):
    rdd = _rdd(request, rdd_id, header=True)
    _check_readable(request.user, rdd)
    commission = rdd.meeting.commission
    manage = can_manage(request.user, commission)

    def body() -> dict:
        context = _content_context(rdd)
        loaded = context["rdd"]
        # Read once: listed on the page and checked (the RDD's content and status are those just read with it).
        trail = list(loaded.trail.order_by("sequence"))
        if manage:
            # The addresses, to the secretariat only (personal data, kept for RETENTION_TRAIL_IPS_DAYS).
            addresses = trail_addresses(trail)
            for entry in trail:
                entry.address = addresses.get(entry.pk)
        context.update(
            {
                "can_manage": manage,
                "trail": trail,
                "trail_check": trail_verify(loaded, entries=trail, loaded=True),
                # What the RDD states about its session: its snapshot once submitted (decisions.facts).
                "facts": facts_display(rdd_facts(loaded)),
                "validate_form": (
                    bootstrap(ValidateForm(rdd=loaded)) if manage and rdd.status == Rdd.Status.TRANSMITTED else None
                ),
            }
        )
        return context

    pending_sections = []
    # Only a submitted RDD awaits approvals, and only a current section president gives them (the roles are known).
    if rdd.status == Rdd.Status.SUBMITTED and Role.PRESIDENT in roles_in(request.user, commission):
        approved = set(rdd.approvals.values_list("section", flat=True))
        pending_sections = [kind for kind in president_sections(commission, request.user) if kind not in approved]
    context = {
        "rdd": rdd,
        "meeting": rdd.meeting,
        "commission": commission,
        "can_manage": manage,
        "pending_sections": pending_sections,
        "has_next_version": rdd.has_next_version,
        "nav": "commissions",
        # The approvals, the content and the trail with its check: rendered once per RDD and kind of reader,
        # until the commission's RDDs or compositions change (portal.generations).
        "body": generations.fragment(
            request,
            "decisions/_detail_body.html",
            scopes=generations.rdd_scopes(commission.pk),
            what=rdd.pk,
            vary_on={"manage": manage},
            context=body,
        ),
    }
    return render(request, "decisions/detail.html", context)


# The editor's blocks (preamble, items, commitments, questions) are saved one by one, by a plain form or by the
# autosave of static/js/rdd_editor.js (a fetch asking for JSON): see `editor_save` and `_block_save`.

SESSION_EXPIRED = "Session expirée : votre texte est conservé sur cet appareil ; reconnectez-vous."


def _wants_json(request) -> bool:
    """The editor's autosave (static/js/rdd_editor.js) asks for JSON; a plain form gets pages and redirects."""
    return "application/json" in request.headers.get("Accept", "")


def editor_save(view):
    """`login_required` for the editor's saves, none of which strands a text behind the login.

    An anonymous autosave gets a 401 with the French reason (the browser keeps the text); an anonymous plain form
    (or link) goes to the login with `next` on the editor's page, never on this POST-only address, which would
    end, once logged in again, on a 405.
    """

    @wraps(view)
    def wrapper(request, rdd_id, *args, **kwargs):
        if not request.user.is_authenticated:
            if _wants_json(request):
                return JsonResponse({"reason": "session", "error": SESSION_EXPIRED}, status=401)
            return redirect_to_login(reverse("decisions:edit", args=[rdd_id]))
        return view(request, rdd_id, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class _Conflict:
    """A block's save refused because another agent changed it: the page shows both texts."""

    key: str  # the block's form prefix: "preamble", "record-12", "commitment-3", "question-5"
    error: content.EditConflict
    typed: dict  # what this agent typed (their form's cleaned data)


def _block_saved(request, rdd: Rdd, block, success: str, anchor: str) -> HttpResponse:
    if _wants_json(request):
        at = timezone.localtime()
        return JsonResponse(
            {"version": content.block_version(block), "message": f"Enregistré à {at:%H} h {at:%M}"}, status=200
        )
    messages.success(request, success)
    return redirect(_editor_url(rdd, anchor))


def _block_save(request, rdd: Rdd, *, key: str, form, save, success: str, anchor: str) -> HttpResponse:
    """One block saved on its own: the autosave's JSON answer, or the plain form's redirect with its message.

    A concurrent change is never overwritten: the autosave gets a 409 with the other text and its version (to
    re-post one's own text over it); a plain form gets the editor again with both texts. A save on an RDD no
    longer a draft gets the services' French reason.
    """
    try:
        block = save()
    except content.EditConflict as conflict:
        if _wants_json(request):
            return JsonResponse(
                {
                    "reason": "conflict",
                    "error": _message(conflict),
                    "version": conflict.version,
                    "current": conflict.current,
                },
                status=409,
            )
        return _editor_page(request, rdd, conflict=_Conflict(key=key, error=conflict, typed=form.cleaned_data))
    except ValidationError as error:
        if _wants_json(request):
            reason = "frozen" if isinstance(error, RddFrozen) else "invalid"
            return JsonResponse({"reason": reason, "error": _message(error)}, status=409 if reason == "frozen" else 400)
        messages.error(request, _message(error))
        return redirect(_editor_url(rdd, anchor))
    return _block_saved(request, rdd, block, success, anchor)


def _invalid_block(request, rdd: Rdd, form, anchor: str) -> HttpResponse:
    if _wants_json(request):
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return JsonResponse({"reason": "invalid", "error": " ".join(errors)}, status=400)
    return _form_errors(request, rdd, form, anchor)


def _editor_values(block, key: str, conflict: _Conflict | None) -> tuple[dict, str, _Conflict | None]:
    """What a block's form shows: its saved values and version, or, after a conflict on it, the agent's own text
    with the other agent's version (saving again keeps the agent's text) and the conflict to show."""
    if conflict is not None and conflict.key == key:
        return {**conflict.typed, "version": conflict.error.version}, conflict.error.version, conflict
    version = content.block_version(block)
    return {**content.block_values(block), "version": version}, version, None


def _editor_blocks(context: dict, conflict: _Conflict | None) -> dict:
    """The forms of the editor's blocks, each with its version (and the conflict of the block it concerns)."""
    values, _, preamble_conflict = _editor_values(context["rdd"], "preamble", conflict)
    record_forms = []
    for record in context["records"]:
        key = f"record-{record.pk}"
        record_values, _, record_conflict = _editor_values(record, key, conflict)
        record_forms.append((record, ItemRecordForm(initial=record_values, prefix=key), record_conflict))
    # The commitments and questions are laid out by hand in the template: their values are set on the rows.
    for block, key in [(row.commitment, f"commitment-{row.commitment.pk}") for row in context["commitments"]] + [
        (question, f"question-{question.pk}") for question in context["questions"]
    ]:
        block_values, block.editor_version, block.editor_conflict = _editor_values(block, key, conflict)
        for name, value in block_values.items():
            if name != "version":
                setattr(block, name, value)
    return {
        "preamble_form": PreambleForm(initial=values),
        "preamble_conflict": preamble_conflict,
        "record_forms": record_forms,
    }


def _editor_page(request, rdd: Rdd, conflict: _Conflict | None = None) -> HttpResponse:
    context = _content_context(rdd)
    context.update(_editor_blocks(context, conflict))
    context.update(
        {
            "commitment_form": CommitmentForm(prefix="commitment"),
            "question_form": QuestionForm(prefix="question"),
            "follow_up_form": FollowUpForm(prefix="follow", initial={"date": rdd.meeting.date}),
            "carried_by_choices": CarriedBy.choices,
            "last_send_back": rdd.trail.filter(action="renvoi").order_by("-sequence").first(),
            "session_expired": SESSION_EXPIRED,
            "nav": "commissions",
        }
    )
    return render(request, "decisions/editor.html", context, status=409 if conflict else 200)


@editor_save
@require_POST
def _preamble_save(request, rdd_id):
    """Save the preamble (a plain form or the autosave)."""
    rdd = _rdd(request, rdd_id, manage=True)
    form = PreambleForm(request.POST)
    if not form.is_valid():
        return _invalid_block(request, rdd, form, "")
    return _block_save(
        request,
        rdd,
        key="preamble",
        form=form,
        save=lambda: content.rdd_update_preamble(
            rdd=rdd, preamble=form.cleaned_data["preamble"], expected_version=form.cleaned_data["version"]
        ),
        success="Préambule enregistré.",
        anchor="",
    )


@require_http_methods(["GET", "POST"])
def rdd_edit(request, rdd_id):
    """The secretariat's editor: preamble, one block per agenda item, commitments, follow-up, questions."""
    if request.method == "POST":
        return _preamble_save(request, rdd_id)
    return _editor_get(request, rdd_id)


@login_required
def _editor_get(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    if rdd.status != Rdd.Status.DRAFT:
        messages.info(request, "Ce relevé n'est plus un brouillon : il se lit sur sa page.")
        return redirect(rdd.get_absolute_url())
    try:
        content.rdd_sync_items(rdd=rdd)
    except ValidationError as error:
        messages.error(request, _message(error))
    return _editor_page(request, rdd)


@login_required
def inbox(request):
    """ "RDD à approuver": the submitted RDDs the user must approve as a current section president."""
    # Kept until an RDD, an approval or a composition changes anywhere; a quarter of an hour at most, because a
    # presidency starts and ends with the day of its commission's time zone.
    now = timezone.now()
    pending = generations.cached(
        f"inbox:{request.user.pk}:{now:%Y-%m-%dT%H}:{now.minute // 15}",
        scopes=[generations.COMPOSITION, generations.RDD_LISTS, generations.APPROVALS],
        compute=lambda: selectors.awaiting_approval(request.user),
    )
    # By pages: a president of many commissions (or an administrator) never renders every row at once.
    page = Paginator(pending, INBOX_PER_PAGE).get_page(request.GET.get("page", "")[:10])
    return render(request, "decisions/inbox.html", {"pending": list(page), "page": page, "nav": "inbox"})


INBOX_PER_PAGE = 25


TRANSMITTED_PER_PAGE = 25


@login_required
def transmitted(request):
    """The transmitted RDDs of the user's commissions, by pages, with a search on the commission's name."""
    query = request.GET.get("q", "").strip()[:100]
    page_number = request.GET.get("page", "")[:10]

    def page_context() -> dict:
        rdds = selectors.transmitted_for(request.user)
        if query:
            rdds = rdds.filter(meeting__commission__name__icontains=query)
        return {"rdds": Paginator(rdds, TRANSMITTED_PER_PAGE).get_page(page_number), "query": query}

    # Kept until an RDD's or a meeting's row, a composition or an account changes (portal.generations), for the day.
    html = generations.fragment(
        request,
        "decisions/_transmitted_content.html",
        scopes=[generations.COMPOSITION, generations.ACCOUNTS, generations.RDD_LISTS],
        what="transmitted",
        vary_on={"user": request.user.pk, "day": datetime.date.today(), "query": query, "page": page_number},
        context=page_context,
    )
    return render(request, "decisions/transmitted.html", {"content": html, "nav": "transmitted"})


# Content actions (secretariat, drafts only)


def _content_action(request, rdd: Rdd, action, success: str, anchor: str) -> HttpResponseRedirect:
    try:
        action()
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, success)
    return redirect(_editor_url(rdd, anchor))


def _form_errors(request, rdd: Rdd, form, anchor: str) -> HttpResponseRedirect:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_editor_url(rdd, anchor))


@editor_save
@require_POST
def item_record_save(request, rdd_id, record_id):
    rdd = _rdd(request, rdd_id, manage=True)
    record = get_object_or_404(ItemRecord, pk=record_id, rdd=rdd)
    form = ItemRecordForm(request.POST, prefix=f"record-{record.pk}")
    anchor = f"point-{record.pk}"
    if not form.is_valid():
        return _invalid_block(request, rdd, form, anchor)
    return _block_save(
        request,
        rdd,
        key=f"record-{record.pk}",
        form=form,
        save=lambda: content.item_record_save(
            record=record,
            summary=form.cleaned_data["summary"],
            decisions=form.decision_list(),
            expected_version=form.cleaned_data["version"],
        ),
        success=f"Point {record.number} enregistré.",
        anchor=anchor,
    )


@editor_save
@require_POST
def commitment_add(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    form = CommitmentForm(request.POST, prefix="commitment")
    if not form.is_valid():
        return _form_errors(request, rdd, form, "engagements")
    data = form.cleaned_data
    return _content_action(
        request,
        rdd,
        lambda: content.commitment_save(rdd=rdd, text=data["text"], carried_by=data["carried_by"]),
        "Engagement ajouté.",
        "engagements",
    )


@editor_save
@require_POST
def commitment_edit(request, rdd_id, commitment_id):
    rdd = _rdd(request, rdd_id, manage=True)
    commitment = get_object_or_404(Commitment, pk=commitment_id, rdd=rdd)
    form = CommitmentForm(request.POST, prefix=f"commitment-{commitment.pk}")
    if not form.is_valid():
        return _invalid_block(request, rdd, form, f"engagement-{commitment.pk}")
    data = form.cleaned_data
    return _block_save(
        request,
        rdd,
        key=f"commitment-{commitment.pk}",
        form=form,
        save=lambda: content.commitment_save(
            rdd=rdd,
            text=data["text"],
            carried_by=data["carried_by"],
            commitment=commitment,
            expected_version=data["version"],
        ),
        success="Engagement enregistré.",
        anchor=f"engagement-{commitment.pk}",
    )


@editor_save
@require_POST
def commitment_delete(request, rdd_id, commitment_id):
    rdd = _rdd(request, rdd_id, manage=True)
    commitment = get_object_or_404(Commitment, pk=commitment_id, rdd=rdd)
    return _content_action(
        request, rdd, lambda: content.commitment_delete(commitment=commitment), "Engagement supprimé.", "engagements"
    )


@editor_save
@require_POST
def commitment_follow(request, rdd_id, commitment_id):
    """Record a state of a commitment (of this session, or an open one of an earlier session of the commission)."""
    rdd = _rdd(request, rdd_id, manage=True)
    commitment = get_object_or_404(Commitment, pk=commitment_id, rdd__meeting__commission=rdd.meeting.commission)
    form = FollowUpForm(request.POST, prefix="follow")
    if not form.is_valid():
        return _form_errors(request, rdd, form, "suivi")
    return _content_action(
        request,
        rdd,
        lambda: content.commitment_follow(rdd=rdd, commitment=commitment, **form.cleaned_data),
        "Suivi de l'engagement enregistré.",
        "suivi",
    )


@editor_save
@require_POST
def follow_up_delete(request, rdd_id, update_id):
    rdd = _rdd(request, rdd_id, manage=True)
    update = get_object_or_404(CommitmentUpdate, pk=update_id, rdd=rdd)
    return _content_action(
        request, rdd, lambda: content.commitment_update_delete(update=update), "Suivi supprimé.", "suivi"
    )


@editor_save
@require_POST
def question_add(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    form = QuestionForm(request.POST, prefix="question")
    if not form.is_valid():
        return _form_errors(request, rdd, form, "questions")
    data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    return _content_action(
        request, rdd, lambda: content.question_save(rdd=rdd, **data), "Question ajoutée.", "questions"
    )


@editor_save
@require_POST
def question_edit(request, rdd_id, question_id):
    rdd = _rdd(request, rdd_id, manage=True)
    question = get_object_or_404(Question, pk=question_id, rdd=rdd)
    form = QuestionForm(request.POST, prefix=f"question-{question.pk}")
    if not form.is_valid():
        return _invalid_block(request, rdd, form, f"question-{question.pk}")
    data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    return _block_save(
        request,
        rdd,
        key=f"question-{question.pk}",
        form=form,
        save=lambda: content.question_save(
            rdd=rdd, question=question, expected_version=form.cleaned_data["version"], **data
        ),
        success="Question enregistrée.",
        anchor=f"question-{question.pk}",
    )


@editor_save
@require_POST
def question_delete(request, rdd_id, question_id):
    rdd = _rdd(request, rdd_id, manage=True)
    question = get_object_or_404(Question, pk=question_id, rdd=rdd)
    return _content_action(
        request, rdd, lambda: content.question_delete(question=question), "Question supprimée.", "questions"
    )


# Workflow actions


def _transition(request, rdd: Rdd, action, success: str, target: str | None = None) -> HttpResponseRedirect:
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect(target or rdd.get_absolute_url())
    messages.success(request, success)
    if isinstance(result, Rdd) and target is None:
        return redirect(result.get_absolute_url())
    return redirect(target or rdd.get_absolute_url())


@login_required
@require_POST
def submit(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    return _transition(
        request,
        rdd,
        lambda: services.rdd_submit(rdd=rdd, user=request.user, ip=client_ip(request)),
        "Relevé soumis à l'approbation des présidents de section : son contenu est désormais figé.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, rdd_id):
    """A current section president approves, after typing their password again."""
    rdd = _rdd(request, rdd_id)
    sections = _check_president(request.user, rdd)
    form = ApproveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["content_hash"] or None
        return _transition(
            request,
            rdd,
            lambda: services.rdd_approve(rdd=rdd, user=request.user, ip=client_ip(request), content_hash=seen),
            "Relevé de décisions approuvé. Merci.",
            target=reverse("decisions:inbox"),
        )
    context = _content_context(rdd)
    # What the president approves, by its hash: shown before the password and sent back with it.
    approved_hash = approval_hash(context["rdd"], loaded=True)
    form.initial.setdefault("content_hash", approved_hash)
    context.update(
        {
            "form": form,
            "sections": sections,
            "facts": facts_display(rdd_facts(context["rdd"])),
            "approved_hash": approved_hash,
            "content_format": CONTENT_FORMAT,
            "nav": "inbox",
        }
    )
    return render(request, "decisions/approve.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def send_back(request, rdd_id):
    """A current section president sends the RDD back to the secretariat with a remark."""
    rdd = _rdd(request, rdd_id)
    _check_president(request.user, rdd)
    form = SendBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _transition(
            request,
            rdd,
            lambda: services.rdd_send_back(
                rdd=rdd, user=request.user, remark=form.cleaned_data["remark"], ip=client_ip(request)
            ),
            "Relevé renvoyé au secrétariat avec votre remarque.",
            target=reverse("decisions:inbox"),
        )
    return render(request, "decisions/send_back.html", {"rdd": rdd, "form": form, "commission": rdd.meeting.commission})


@login_required
@require_POST
def transmit(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    return _transition(
        request,
        rdd,
        lambda: services.rdd_transmit(rdd=rdd, user=request.user, ip=client_ip(request)),
        "Relevé transmis aux membres de la commission.",
    )


@login_required
@require_POST
def validate(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    form = ValidateForm(request.POST, rdd=rdd)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(rdd.get_absolute_url())
    return _transition(
        request,
        rdd,
        lambda: services.rdd_validate(
            rdd=rdd, meeting=form.cleaned_data["meeting"], votes=form.votes(), user=request.user, ip=client_ip(request)
        ),
        "Validation du relevé enregistrée.",
    )


@login_required
@require_POST
def new_version(request, rdd_id):
    rdd = _rdd(request, rdd_id, manage=True)
    try:
        new = services.rdd_new_version(rdd=rdd, user=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect(rdd.get_absolute_url())
    messages.success(request, f"Version {new.version} créée : corrigez-la puis soumettez-la à nouveau.")
    return redirect(_editor_url(new))
