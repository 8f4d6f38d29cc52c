"""Rendering of supports off the request: one function per rule, called by the views, the task and the command.

A request computes the hash of the support's data (`context.inputs_hash`):
when the last ready rendering of the same document and version has that
hash, it is served as is; otherwise a pending row is created and the task is
queued once the transaction commits. The task claims the row with a
conditional update whose row count it checks, so a task delivered twice
renders once.
"""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commissions.meetings.models import Meeting
from portal.jobs import Jobs, dispatch

from . import conf
from .context import inputs_hash, support_context
from .models import SupportRender
from .pdf import render_pdf

logger = logging.getLogger(__name__)

IN_PROGRESS = (SupportRender.Status.PENDING, SupportRender.Status.RUNNING)


def support_build(meeting: Meeting, *, kind: str, version: str) -> tuple[dict, str]:
    """The context of a support and its inputs hash."""
    context = support_context(meeting, kind=kind, version=version)
    return context, inputs_hash(context)


def last_ready(meeting: Meeting, *, kind: str, version: str, exclude: int | None = None) -> SupportRender | None:
    renders = SupportRender.objects.filter(
        meeting=meeting, kind=kind, version=version, status=SupportRender.Status.READY
    )
    if exclude is not None:
        renders = renders.exclude(pk=exclude)
    return renders.order_by("-finished_at", "-pk").first()


def _check_request(meeting: Meeting, kind: str, version: str) -> None:
    if kind not in SupportRender.Kind.values:
        raise ValidationError({"kind": "Document inconnu."})
    if version not in SupportRender.Version.values:
        raise ValidationError({"version": "Version inconnue."})
    if kind == SupportRender.Kind.RDD:
        from decisions.models import Rdd

        if not meeting.is_session:
            raise ValidationError({"kind": "Une réunion d'information n'a pas de relevé de décisions."})
        if not Rdd.objects.filter(meeting=meeting).exists():
            raise ValidationError({"kind": "Le relevé de décisions de cette séance n'est pas encore rédigé."})


def support_request(
    *, meeting: Meeting, kind: str = "support", version: str = "convocation", user=None, queue: bool = True
) -> tuple[SupportRender, bool]:
    """The rendering of a support: the last ready one when its data are unchanged, a running one, or a new one.

    Returns the rendering and whether it was created by this request. When this request sent a task, the
    rendering's `dispatch` (portal.jobs.Dispatch) says whether the broker took it.
    """
    from .tasks import render_support  # here: the task module imports this one

    _check_request(meeting, kind, version)
    _, digest = support_build(meeting, kind=kind, version=version)
    with transaction.atomic():
        # Requests for one meeting are serialised on its row: two clicks make one rendering.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        ready = last_ready(meeting, kind=kind, version=version)
        if ready is not None and (ready.inputs_hash == digest or is_transmitted_rdd_document(ready)):
            return ready, False
        running = SupportRender.objects.filter(
            meeting=meeting, kind=kind, version=version, inputs_hash=digest, status__in=IN_PROGRESS
        ).first()
        if running is not None:
            if queue and JOBS.stale().filter(pk=running.pk).exists() and JOBS.requeue(running.pk):
                # Its worker was killed or its message lost: asking again sends it again at once.
                running.dispatch = dispatch(render_support, running.pk)
            return running, False
        render = SupportRender(meeting=meeting, kind=kind, version=version, inputs_hash=digest, requested_by=user)
        render.full_clean(exclude=["file"])
        render.save()
        outcome = dispatch(render_support, render.pk) if queue else None
    render.refresh_from_db()  # an eager task has already run
    render.dispatch = outcome
    return render, True


# The rendering is one WeasyPrint call with no heartbeat inside: a running rendering is stale once the task's
# time limit has killed it.
JOBS = Jobs(
    model=SupportRender,
    waiting=(SupportRender.Status.PENDING,),
    running=SupportRender.Status.RUNNING,
    done=SupportRender.Status.READY,
    failed=SupportRender.Status.ERROR,
    error_field="error",
    progress_fields=None,
    running_stale_seconds=lambda: conf.get("SUPPORTS_RENDER_TIME_LIMIT") + 60,
)


def support_render(*, render_id: int) -> SupportRender | None:
    """Render and store a claimed support; does nothing for a rendering already claimed or finished."""
    if not JOBS.claim(render_id, started_at=timezone.now(), error=""):
        logger.info("Rendu de support %s déjà pris ou terminé : rien à faire.", render_id)
        return None
    render = SupportRender.objects.select_related("meeting__commission").get(pk=render_id)
    try:
        context, digest = support_build(render.meeting, kind=render.kind, version=render.version)
        previous = last_ready(render.meeting, kind=render.kind, version=render.version, exclude=render.pk)
        if previous is not None and previous.inputs_hash == digest:
            fields = {
                "file": previous.file.name,
                "sha256": previous.sha256,
                "page_count": previous.page_count,
                "render_seconds": 0.0,
            }
        else:
            result = render_pdf(context)
            render.inputs_hash = digest
            render.file.save("support.pdf", ContentFile(result.pdf), save=False)
            fields = {
                "file": render.file.name,
                "sha256": hashlib.sha256(result.pdf).hexdigest(),
                "page_count": result.page_count,
                "render_seconds": round(result.seconds, 3),
            }
        with transaction.atomic():
            JOBS.finish(render.pk, inputs_hash=digest, finished_at=timezone.now(), **fields)
            render.refresh_from_db()
            _record_rdd_document(render)
    except SoftTimeLimitExceeded:
        JOBS.fail(
            render.pk,
            f"Le rendu a dépassé le délai de {conf.get('SUPPORTS_RENDER_TIME_LIMIT')} secondes.",
            finished_at=timezone.now(),
        )
    except Exception as error:  # noqa: BLE001 - any failure is shown on the page, with the details in the log
        logger.exception("Échec du rendu du support %s", render.pk)
        JOBS.fail(render.pk, f"Le rendu a échoué : {error}", finished_at=timezone.now())
    render.refresh_from_db()
    return render


def _transmitted_rdd(meeting: Meeting):
    from decisions.models import Rdd

    return (
        Rdd.objects.filter(meeting=meeting, status__in=(Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED))
        .order_by("-version")
        .first()
    )


def is_transmitted_rdd_document(render: SupportRender) -> bool:
    """The RDD document of a transmitted RDD is rendered once and stored unchanged: never rendered again."""
    return (
        render.kind == SupportRender.Kind.RDD
        and render.version == SupportRender.Version.FINAL
        and _transmitted_rdd(render.meeting) is not None
    )


def _record_rdd_document(render: SupportRender) -> None:
    """Write the SHA-256 of a transmitted RDD's document in the RDD's trail (once)."""
    if not is_transmitted_rdd_document(render):
        return
    from decisions.models import TrailEntry
    from decisions.services import rdd_record_document

    rdd = _transmitted_rdd(render.meeting)
    if not TrailEntry.objects.filter(rdd=rdd, action=TrailEntry.Action.DOCUMENT).exists():
        rdd_record_document(rdd=rdd, sha256=render.sha256, page_count=render.page_count)


def rdd_document_on_transmission(sender, rdd, **kwargs) -> None:
    """Render the RDD's own PDF when it is transmitted (the task runs once the transmission commits)."""
    transaction.on_commit(
        lambda: support_request(
            meeting=rdd.meeting, kind=SupportRender.Kind.RDD, version=SupportRender.Version.FINAL, user=None
        ),
        robust=True,  # a failed rendering shows on the supports page; it never undoes the transmission
    )
