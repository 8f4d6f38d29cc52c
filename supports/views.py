"""The supports of a meeting: state of the renderings, "Générer le support", download.

The commission is reached through `access.commission_for` and the meeting
through it: another commission's meeting answers 404. Members read; the
secretariat generates.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from commissions.composition.access import can_manage, commission_for
from commissions.composition.models import Commission
from commissions.meetings.models import Meeting
from portal.security import client_address, user_label

from . import links, services
from .forms import GenerateForm, VerifyForm
from .models import SupportRender


def _meeting(commission, meeting_id: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("commission"), pk=meeting_id, commission=commission)


@login_required
def meeting_supports(request, slug, meeting_id):
    commission = commission_for(request.user, slug)
    meeting = _meeting(commission, meeting_id)
    renders = list(SupportRender.objects.filter(meeting=meeting).order_by("-created_at", "-pk")[:30])
    current = {}
    for item in renders:
        current.setdefault((item.kind, item.version), item)
    latest = [
        current[key]
        for key in ((kind, version) for kind in SupportRender.Kind.values for version in SupportRender.Version.values)
        if key in current
    ]
    manage = can_manage(request.user, commission)
    # Each ready rendering against the meeting's data now: out of date, it is shown "à mettre à jour" to the
    # secretariat with what changed, and not offered to the members (they get the current versions only).
    for item in latest:
        item.freshness = services.freshness(item) if item.is_ready else None
    if not manage:
        offered = {item.pk for item in latest if item.freshness is None or item.freshness.current}
        renders = [item for item in renders if item.pk in offered]
    return render(
        request,
        "supports/meeting_supports.html",
        {
            "commission": commission,
            "meeting": meeting,
            "latest": latest,
            "history": renders,
            "in_progress": any(item.status in services.IN_PROGRESS for item in latest),
            "can_manage": manage,
            "form": GenerateForm(),
            "nav": "commissions",
        },
    )


@login_required
@require_POST
def support_generate(request, slug, meeting_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = _meeting(commission, meeting_id)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le document et la version à générer.")
        return redirect("supports:meeting_supports", commission.slug, meeting.pk)
    try:
        result, created = services.support_request(
            meeting=meeting, kind=form.cleaned_data["kind"], version=form.cleaned_data["version"], user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        outcome = getattr(result, "dispatch", None)
        if outcome is not None and outcome.sent is False:
            messages.warning(
                request,
                "La file des tâches ne répond pas : la demande est enregistrée et le rendu partira dès son retour "
                "(relance automatique chaque minute).",
            )
        elif not created and result.is_ready:
            messages.info(
                request, "Les données n'ont pas changé depuis le dernier rendu : le support existant est conservé."
            )
        elif result.status == SupportRender.Status.ERROR:
            messages.error(request, f"La génération a échoué : {result.error}")
        elif result.is_ready:
            messages.success(request, "Le support est prêt.")
        else:
            messages.success(request, "La génération du support est lancée : cette page se met à jour toute seule.")
    return redirect("supports:meeting_supports", commission.slug, meeting.pk)


@login_required
def support_download(request, slug, meeting_id, render_id):
    commission = commission_for(request.user, slug)
    meeting = _meeting(commission, meeting_id)
    stored = get_object_or_404(SupportRender, pk=render_id, meeting=meeting, status=SupportRender.Status.READY)
    if stored.kind == SupportRender.Kind.RDD and not can_manage(request.user, commission):
        # Members read an RDD once it is transmitted, like its page in the decisions app.
        if not services.is_transmitted_rdd_document(stored):
            raise Http404("Document introuvable.")
    if not can_manage(request.user, commission) and not services.freshness(stored).current:
        # Members are offered the current version only: an out-of-date support waits for its new rendering.
        raise Http404("Ce support n'est plus à jour : le secrétariat le met à jour.")
    check = services.rdd_document_check(stored)
    if check is not None and not check.intact:
        # The stored file is no longer the one whose SHA-256 the trail records: never served.
        services.log_document_refused(check, user_label=user_label(request), address=client_address(request))
        return render(
            request,
            "supports/document_refused.html",
            {"commission": commission, "meeting": meeting, "check": check, "nav": "commissions"},
            status=409,
        )
    prefix = "rdd" if stored.kind == SupportRender.Kind.RDD else "support"
    filename = f"{prefix}-{commission.slug}-{meeting.date:%Y-%m-%d}-{stored.version}.pdf"
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def rdd_verify(request):
    """ "Vérifier un relevé": an uploaded PDF recognised (or not) as a transmitted RDD of the user's commissions."""
    if not Commission.objects.visible_to(request.user).exists():
        raise PermissionDenied("Cette page est réservée aux membres et au secrétariat d'une commission.")
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        upload.seek(0)
        result = services.rdd_document_identify(data=upload.read(), user=request.user)
    return render(request, "supports/verify.html", {"form": form, "result": result, "nav": "verify"})


@require_http_methods(["GET"])
def rdd_document_link(request, token):
    """The transmitted RDD's document behind the link of its e-mail, without an account (supports.links): the link
    is signed and dated, and the document checked against its trail before it is served."""
    try:
        stored = links.linked_render(token)
    except links.LinkExpired:
        return render(
            request, "supports/link_invalid.html", {"expired": True, "days": settings.RDD_LINK_DAYS}, status=410
        )
    if stored is None:
        return render(request, "supports/link_invalid.html", {"expired": False}, status=404)
    check = services.rdd_document_check(stored)
    if check is None or not check.intact:
        if check is not None:
            services.log_document_refused(check, user_label=user_label(request), address=client_address(request))
        return render(request, "supports/link_invalid.html", {"expired": False, "altered": True}, status=409)
    meeting = stored.meeting
    filename = f"rdd-{meeting.commission.slug}-{meeting.date:%Y-%m-%d}-final.pdf"
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
