"""Images of the rich text (agenda items, library blocks): uploaded by the secretariat, read by the commission.

Where they are stored is their address: an image of a meeting is saved as
"agenda/<meeting id>/images/<random>.png" in the default storage and written into the
content as MEDIA_URL + that name ("/media/agenda/12/images/…png"), so that

- the PDF supports read it straight from the storage (supports.fetcher accepts
  MEDIA_URL + "agenda/<the support's meeting>/" and "contenus/"), and
- browsers get it from `agenda_image` below, mounted on MEDIA_URL (portal/urls.py), which
  checks that the reader belongs to the meeting's commission (404 otherwise: the
  commission's existence is not revealed). Nothing else serves MEDIA_URL.

A library block's images go to "contenus/<commission id>/images/" and are read by the
commission's members the same way. Images are served inline, since the editor and the
pages show them, but only PNG and JPEG recognised again by their first bytes, with
"X-Content-Type-Options: nosniff" and a "Content-Security-Policy: default-src 'none'" of
their own: a file that a browser would take for HTML or SVG could run nothing.

Uploaded images are not tracked in the database: an image removed from the content stays
in the storage (it is small, and an earlier version of the text may still show it).
"""

import re
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from commissions.composition.access import commission_for
from commissions.composition.models import Commission
from commissions.meetings.forms import RichTextImageForm
from commissions.meetings.models import Meeting
from portal.uploads import Kind, detect_kind

EXTENSIONS = {Kind.PNG: "png", Kind.JPEG: "jpg"}
NAME = re.compile(r"^[0-9a-f]{32}\.(?:png|jpg)$")
SERVED_TYPES = {Kind.PNG: "image/png", Kind.JPEG: "image/jpeg"}


def agenda_image_folder(meeting_id: int) -> str:
    return f"agenda/{meeting_id}/images/"


def content_image_folder(commission_id: int) -> str:
    return f"contenus/{commission_id}/images/"


# Uploads (the secretariat of the commission)


@login_required
@require_POST
def agenda_image_upload(request, slug, meeting_id):
    commission = commission_for(request.user, slug, manage=True)
    meeting = get_object_or_404(Meeting, pk=meeting_id, commission=commission)
    return _upload(request, agenda_image_folder(meeting.pk))


@login_required
@require_POST
def content_image_upload(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    return _upload(request, content_image_folder(commission.pk))


def _upload(request, folder: str) -> JsonResponse:
    """201 with {"url": …} for the editor; 400 with {"error": …} in French otherwise."""
    form = RichTextImageForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = form.errors.get("image") or ["Choisissez une image PNG ou JPEG."]
        return JsonResponse({"error": " ".join(str(error) for error in errors)}, status=400)
    kind, data = form.cleaned_data["image"]
    name = default_storage.save(f"{folder}{secrets.token_hex(16)}.{EXTENSIONS[kind]}", ContentFile(data))
    # Not default_storage.url(name): an object store answers a signed address of its own, which
    # must not go into the content. The address is MEDIA_URL + name, served below.
    return JsonResponse({"url": f"{settings.MEDIA_URL}{name}"}, status=201)


# Reading (the commission's members and secretariat), mounted on MEDIA_URL


@login_required
@require_GET
def agenda_image(request, meeting_id, name):
    meeting = get_object_or_404(Meeting.objects.select_related("commission"), pk=meeting_id)
    commission_for(request.user, meeting.commission.slug)
    return _serve(agenda_image_folder(meeting.pk), name)


@login_required
@require_GET
def content_image(request, commission_id, name):
    commission = get_object_or_404(Commission, pk=commission_id)
    commission_for(request.user, commission.slug)
    return _serve(content_image_folder(commission.pk), name)


def _serve(folder: str, name: str) -> FileResponse:
    if not NAME.match(name):
        raise Http404("Image introuvable.")
    try:
        handle = default_storage.open(folder + name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("Image introuvable.") from error
    kind = detect_kind(handle)
    if kind not in SERVED_TYPES:
        handle.close()
        raise Http404("Image introuvable.")
    response = FileResponse(handle, content_type=SERVED_TYPES[kind], as_attachment=False, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
