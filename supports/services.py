"""Rendering of supports off the request: one function per rule, called by the views, the task and the command.

A request computes the hash of the support's data (`context.inputs_hash`):
when the last ready rendering of the same document and version has that
hash, it is served as is; otherwise a pending row is created and the task is
queued once the transaction commits. The task claims the row with a
conditional update whose row count it checks, so a task delivered twice
renders once.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commissions.meetings.models import Meeting
from decisions.models import Rdd, TrailEntry, WorkflowError
from portal.jobs import Jobs, dispatch

from . import conf, links, seal
from .context import inputs_hash, support_context
from .models import SupportRender
from .pdf import render_pdf

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("portal.security")

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


# The parts of a support's data, as the secretariat reads what changed since a rendering.
PART_LABELS = {
    "meta": "date, horaires, lieu ou titre de la réunion",
    "agenda": "ordre du jour, contenus et tableaux des points",
    "presidency": "présidence",
    "composition": "composition",
    "secretariat": "secrétariat",
    "rdd": "relevé de décisions",
    "cnil": "mention CNIL",
    "next_meeting": "prochaine séance",
}


def inputs_parts(context: dict) -> dict[str, str]:
    """A short digest of each part of a support's context (what `changes_since` compares)."""
    return {
        key: hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[
            :16
        ]
        for key, value in context.items()
    }


@dataclass(frozen=True)
class Freshness:
    """A ready rendering against the meeting's data now: current, or out of date with what changed."""

    render: SupportRender
    current: bool
    changes: tuple[str, ...] = ()

    @property
    def changes_label(self) -> str:
        return ", ".join(self.changes)


def freshness(render: SupportRender) -> Freshness:
    """Whether a ready rendering is still made from the meeting's data (a transmitted RDD's document always is:
    it is the record as transmitted)."""
    if is_transmitted_rdd_document(render):
        return Freshness(render, True)
    context, digest = support_build(render.meeting, kind=render.kind, version=render.version)
    if render.inputs_hash == digest:
        return Freshness(render, True)
    now = inputs_parts(context)
    before = render.inputs_parts or {}
    changed = tuple(PART_LABELS.get(key, key) for key in now if key in PART_LABELS and before.get(key) != now[key])
    return Freshness(render, False, changed or ("mise en page du portail",))


def current_render(meeting: Meeting, *, kind: str, version: str) -> SupportRender | None:
    """The last ready rendering if it is still current: made from the inputs the meeting has now (its inputs hash,
    see context.inputs_hash); None when there is none or the meeting changed since."""
    render = last_ready(meeting, kind=kind, version=version)
    if render is None:
        return None
    _, digest = support_build(meeting, kind=kind, version=version)
    return render if render.inputs_hash == digest else None


def convocation_support_file(sender, meeting: Meeting, **kwargs) -> tuple[str, bytes, str] | None:
    """The convocation support attached to the meeting's convocation (commissions.meetings.signals), if it is
    current and within the attachments' size limit; otherwise the members find the documents on the portal."""
    render = current_render(meeting, kind=SupportRender.Kind.SUPPORT, version=SupportRender.Version.CONVOCATION)
    if render is None or not render.file:
        return None
    with render.file.open("rb") as stored:
        data = stored.read()
    if len(data) > settings.RDD_EMAIL_ATTACHMENT_MAX_BYTES:
        return None
    return (f"support-{meeting.commission.slug}-{meeting.date:%Y-%m-%d}.pdf", data, "application/pdf")


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
        ready = _reusable(meeting, kind=kind, version=version, digest=digest)
        if ready is not None:
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


def _reusable(meeting: Meeting, *, kind: str, version: str, digest: str) -> SupportRender | None:
    """The ready rendering a request gets instead of a new one, if any.

    A transmitted RDD's document is its recorded one, whatever its data say now; until it is recorded (the
    transmission's job failed), a request renders and seals it anew. Any other document: the last ready
    rendering of unchanged data.
    """
    if kind == SupportRender.Kind.RDD and version == SupportRender.Version.FINAL:
        rdd = _transmitted_rdd(meeting)
        if rdd is not None:
            return None if _awaiting_document(meeting) is not None else rdd_document(rdd)
    ready = last_ready(meeting, kind=kind, version=version)
    return ready if ready is not None and ready.inputs_hash == digest else None


def rdd_document(rdd: Rdd) -> SupportRender | None:
    """The stored document of a transmitted RDD: the rendering whose SHA-256 its trail records."""
    entry = TrailEntry.objects.filter(rdd=rdd, action=TrailEntry.Action.DOCUMENT).first()
    if entry is None:
        return None
    return (
        SupportRender.objects.filter(
            meeting_id=rdd.meeting_id,
            kind=SupportRender.Kind.RDD,
            version=SupportRender.Version.FINAL,
            status=SupportRender.Status.READY,
            sha256=recorded_sha256(entry),
        )
        .order_by("-pk")
        .first()
    )


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
        # The transmitted RDD's document is rendered anew and sealed, never a copy of a working rendering.
        awaiting = _awaiting_document(render.meeting) if _is_rdd_final(render) else None
        previous = last_ready(render.meeting, kind=render.kind, version=render.version, exclude=render.pk)
        if awaiting is None and previous is not None and previous.inputs_hash == digest:
            fields = {
                "file": previous.file.name,
                "sha256": previous.sha256,
                "page_count": previous.page_count,
                "render_seconds": 0.0,
            }
        else:
            result = render_pdf(context)
            pdf = result.pdf if awaiting is None else seal.rdd_seal(result.pdf, rdd=awaiting)
            render.inputs_hash = digest
            render.file.save("support.pdf", ContentFile(pdf), save=False)
            fields = {
                "file": render.file.name,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "page_count": result.page_count,
                "render_seconds": round(result.seconds, 3),
            }
        with transaction.atomic():
            JOBS.finish(
                render.pk,
                inputs_hash=digest,
                inputs_parts=inputs_parts(context),
                finished_at=timezone.now(),
                **fields,
            )
            render.refresh_from_db()
            _record_rdd_document(render, awaiting)
            if awaiting is not None:
                # The members receive the document the trail now covers, once this commits.
                links.mail_on_commit(render)
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


def _transmitted_rdd(meeting: Meeting) -> Rdd | None:
    return (
        Rdd.objects.filter(meeting=meeting, status__in=(Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED))
        .order_by("-version")
        .first()
    )


# How rdd_record_document writes the SHA-256 in the DOCUMENT entry's note (an entry covered by the chain).
_RECORDED_SHA256 = re.compile(r"SHA-256 : ([0-9a-f]{64})")


def recorded_sha256(entry: TrailEntry) -> str:
    """The SHA-256 of the RDD's document as its trail's DOCUMENT entry records it ("" if unreadable)."""
    found = _RECORDED_SHA256.search(entry.note)
    return found.group(1) if found else ""


def recorded_documents(meeting: Meeting) -> dict[str, Rdd]:
    """The SHA-256 recorded in the trails of the meeting's RDDs, each with its RDD (one per transmitted version)."""
    entries = TrailEntry.objects.filter(rdd__meeting=meeting, action=TrailEntry.Action.DOCUMENT).select_related("rdd")
    return {recorded_sha256(entry): entry.rdd for entry in entries}


def _is_rdd_final(render: SupportRender) -> bool:
    return render.kind == SupportRender.Kind.RDD and render.version == SupportRender.Version.FINAL


def is_transmitted_rdd_document(render: SupportRender) -> bool:
    """The document of a transmitted RDD: rendered and sealed once, its SHA-256 recorded in the RDD's trail.

    A rendering of the RDD made before its transmission (a working copy) is not: its hash is in no trail.
    """
    return _is_rdd_final(render) and bool(render.sha256) and render.sha256 in recorded_documents(render.meeting)


def _awaiting_document(meeting: Meeting) -> Rdd | None:
    """The meeting's transmitted RDD whose document is not recorded yet (rendered and sealed by the next job)."""
    rdd = _transmitted_rdd(meeting)
    if rdd is None or TrailEntry.objects.filter(rdd=rdd, action=TrailEntry.Action.DOCUMENT).exists():
        return None
    return rdd


def _record_rdd_document(render: SupportRender, rdd: Rdd | None) -> None:
    """Write the SHA-256 of a transmitted RDD's document in the RDD's trail (once)."""
    if rdd is None:
        return
    from decisions.services import rdd_record_document

    rdd_record_document(rdd=rdd, sha256=render.sha256, page_count=render.page_count)


# The stored document checked against its trail


@dataclass(frozen=True)
class DocumentCheck:
    """A stored RDD document against the SHA-256 its RDD's trail records: `actual` is "" when the file is gone."""

    render: SupportRender
    rdd: Rdd
    expected: str
    actual: str

    @property
    def intact(self) -> bool:
        return self.actual == self.expected

    @property
    def reason(self) -> str:
        if self.intact:
            return ""
        if not self.actual:
            return "le fichier stocké est introuvable"
        return "le fichier stocké ne correspond plus à l'empreinte SHA-256 enregistrée au journal"


def _file_sha256(render: SupportRender) -> str:
    try:
        with render.file.open("rb") as stored:
            digest = hashlib.sha256()
            for chunk in stored.chunks():
                digest.update(chunk)
    except (FileNotFoundError, OSError, ValueError):
        return ""
    return digest.hexdigest()


def rdd_document_check(render: SupportRender) -> DocumentCheck | None:
    """The check of a transmitted RDD's document (its bytes read again); None for any other rendering."""
    if not _is_rdd_final(render) or not render.sha256:
        return None
    rdd = recorded_documents(render.meeting).get(render.sha256)
    if rdd is None:
        return None
    return DocumentCheck(render=render, rdd=rdd, expected=render.sha256, actual=_file_sha256(render))


@dataclass(frozen=True)
class MissingDocument:
    """An RDD whose trail records a document that no stored rendering carries any more."""

    rdd: Rdd
    expected: str
    reason: str = "aucun document stocké ne porte l'empreinte SHA-256 enregistrée au journal"


def rdd_documents_verify() -> list[DocumentCheck | MissingDocument]:
    """Every RDD document recorded in a trail, read again from storage: the ones missing or altered."""
    problems: list[DocumentCheck | MissingDocument] = []
    entries = (
        TrailEntry.objects.filter(action=TrailEntry.Action.DOCUMENT)
        .select_related("rdd__meeting__commission")
        .order_by("rdd_id")
    )
    for entry in entries.iterator(chunk_size=200):
        expected = recorded_sha256(entry)
        renders = SupportRender.objects.filter(
            meeting_id=entry.rdd.meeting_id,
            kind=SupportRender.Kind.RDD,
            version=SupportRender.Version.FINAL,
            status=SupportRender.Status.READY,
            sha256=expected,
        ).order_by("pk")
        found = False
        for render in renders:
            found = True
            check = DocumentCheck(render=render, rdd=entry.rdd, expected=expected, actual=_file_sha256(render))
            if not check.intact:
                problems.append(check)
        if not found:
            problems.append(MissingDocument(rdd=entry.rdd, expected=expected))
    return problems


def documents_problems_lines(sender=None, **kwargs) -> list[str]:
    """The problems of rdd_documents_verify in French, one line each (answers verify_trails' signal)."""
    lines = []
    for problem in rdd_documents_verify():
        rdd = problem.rdd
        where = f"{rdd.meeting.commission.name}, séance du {rdd.meeting.date:%d/%m/%Y}, version {rdd.version}"
        stored = f", rendu {problem.render.pk}" if isinstance(problem, DocumentCheck) else ""
        lines.append(f"{where} (relevé {rdd.pk}{stored}) : document PDF : {problem.reason}.")
    return lines


def log_document_refused(check: DocumentCheck, *, user_label: str, address: str) -> None:
    security_logger.error(
        "rdd document refused: render %s of RDD %s: %s (expected sha256 %s, found %s) user=%s ip=%s",
        check.render.pk,
        check.rdd.pk,
        check.reason,
        check.expected,
        check.actual or "-",
        user_label,
        address,
    )


def rdd_document_on_transmission(sender, rdd, **kwargs) -> None:
    """Render and seal the RDD's own PDF when it is transmitted (the task runs once the transmission commits).

    Called inside the transmission's transaction: without a usable seal certificate the transmission is refused
    and rolled back, e-mails included. A failure after the commit (rendering, time-stamping authority) leaves the
    RDD transmitted and its document job failed, in French, done again by "Générer le support".
    """
    try:
        seal.seal_ready()
    except seal.SealUnavailable as error:
        logger.error("Transmission du relevé %s refusée : %s", rdd.pk, error)
        raise WorkflowError(str(error)) from error
    transaction.on_commit(
        lambda: support_request(
            meeting=rdd.meeting, kind=SupportRender.Kind.RDD, version=SupportRender.Version.FINAL, user=None
        ),
        robust=True,  # a failed rendering shows on the supports page; it never undoes the transmission
    )


# "Vérifier un relevé": a PDF recognised by its SHA-256 against the trails


@dataclass(frozen=True)
class Identification:
    """What the portal says of an uploaded PDF: the transmitted RDD it is (if any), its stored copy, its seal."""

    sha256: str
    rdd: Rdd | None
    transmitted_at: object = None
    stored: DocumentCheck | None = None
    seal: "seal.SealCheck | None" = None


def rdd_document_identify(*, data: bytes, user) -> Identification:
    """The transmitted RDD whose trail records this document's SHA-256, among the commissions the user sees.

    Another commission's RDD is answered as unknown, like any file: the page reveals nothing beyond the user's
    commissions.
    """
    from commissions.composition.models import Commission

    digest = hashlib.sha256(data).hexdigest()
    entry = (
        TrailEntry.objects.filter(
            action=TrailEntry.Action.DOCUMENT,
            note__endswith=f"SHA-256 : {digest}",
            rdd__status__in=(Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED),
            rdd__meeting__commission__in=Commission.objects.visible_to(user),
        )
        .select_related("rdd__meeting__commission")
        .first()
    )
    check = seal.seal_validate(data)
    if entry is None:
        return Identification(sha256=digest, rdd=None, seal=check)
    rdd = entry.rdd
    stored = rdd_document(rdd)
    stored_check = (
        DocumentCheck(render=stored, rdd=rdd, expected=digest, actual=_file_sha256(stored)) if stored else None
    )
    return Identification(sha256=digest, rdd=rdd, transmitted_at=rdd.transmitted_at, stored=stored_check, seal=check)
