"""The rich-text editor of agenda items and library blocks, and the images uploaded for it.

The editor is django-prose-editor's Tiptap bundle, loaded from the static files by our module
(static/js/editor.js) under the Content-Security-Policy. Images are uploaded by the secretariat,
stored under agenda/<meeting>/images/ (or contenus/<commission>/images/ for the library), written
into the content as MEDIA_URL + that name, read by browsers through an access-checked view and by
the PDF supports straight from the storage.
"""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import ContentBlock
from commissions.meetings.services import content_block_save
from portal.sanitize import sanitize_html
from supports.fetcher import BASE_URL, PortalURLFetcher, ResourceRefused

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def png(width=40, height=20, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (30, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x8825] = {2: (43.0, 17.0, 0.0)}  # GPSInfo: a latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload_url(meeting):
    return reverse("commissions:agenda_image_upload", args=[meeting.commission.slug, meeting.pk])


def upload(client, meeting, data, name="schema.png", content_type="image/png"):
    return client.post(upload_url(meeting), {"image": SimpleUploadedFile(name, data, content_type=content_type)})


def stored_name(url: str) -> str:
    from django.conf import settings

    assert url.startswith(settings.MEDIA_URL)
    return url.removeprefix(settings.MEDIA_URL)


def stored_images(meeting) -> set[str]:
    folder = f"agenda/{meeting.pk}/images/"
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# The editor on the forms


def test_the_item_form_loads_the_editor_from_static_files_without_inline_script(client, alice, meeting):
    client.force_login(alice)

    response = client.get(reverse("commissions:agenda_item_add", args=[meeting.commission.slug, meeting.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/js/editor.js" type="module"></script>' in html
    assert 'href="/static/django_prose_editor/editor.css"' in html
    assert 'href="/static/django_prose_editor/material-icons.css"' in html
    assert 'href="/static/css/editor.css"' in html
    assert re.search(r"<textarea[^>]*data-rich-text[^>]*>", html)
    assert f'data-image-upload-url="{upload_url(meeting)}"' in html
    assert not INLINE_SCRIPT.search(html), "no inline script (nor the package's inline import map)"
    assert not INLINE_STYLE.search(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_editor_files_are_in_the_static_files():
    module = finders.find("js/editor.js")
    assert module and finders.find("css/editor.css")
    for name in ["editor.js", "editor.css", "material-icons.css", "material-icons.woff2"]:
        assert finders.find(f"django_prose_editor/{name}"), name
    source = open(module, encoding="utf-8").read()
    # The bundle by its address (no import map), and no <style> element injected by Tiptap.
    assert 'import("../django_prose_editor/editor.js")' in source
    assert "injectCSS: false" in source


def test_the_library_forms_use_the_editor_with_their_own_upload_address(client, alice, commission):
    client.force_login(alice)
    block = content_block_save(commission=commission, title="Mention CNIL", content="<p>Texte</p>")
    upload_address = reverse("commissions:content_image_upload", args=[commission.slug])

    for url in [
        reverse("commissions:agenda_block_edit", args=[commission.slug, block.pk]),
        reverse("commissions:agenda_block_list", args=[commission.slug]),
    ]:
        html = client.get(url).content.decode()
        assert '<script src="/static/js/editor.js" type="module"></script>' in html, url
        assert re.search(r"<textarea[^>]*data-rich-text[^>]*>", html), url
        assert f'data-image-upload-url="{upload_address}"' in html, url
        assert not INLINE_SCRIPT.search(html), url


def test_saving_the_editor_html_keeps_its_structure_and_the_uploaded_image(client, alice, agenda):
    client.force_login(alice)
    image_url = upload(client, agenda, png()).json()["url"]
    target = agenda.agenda_items.get(title="Ordonnance numérique")
    editor_html = (
        "<h2>Campagne 2026</h2><p>Texte <strong>gras</strong> et <em>italique</em>, "
        '<a href="https://www.ameli.fr">ameli.fr</a>.</p>'
        "<ul><li><p>premier</p></li><li><p>second</p></li></ul><ol><li><p>un</p></li></ol>"
        '<table><tbody><tr><th colspan="2" rowspan="1"><p>Poste</p></th></tr>'
        '<tr><td colspan="1" rowspan="1"><p>9,9 %</p></td><td colspan="1" rowspan="1"><p>12</p></td></tr>'
        "</tbody></table>"
        f'<img src="{image_url}" alt="Schéma du circuit">'
        '<img src="https://pisteur.example/p.gif" alt="pixel"><img src="data:image/png;base64,AAAA">'
        '<img src="/\\pisteur.example/p.gif"><script>alert("x")</script>'
        '<p><a href="javascript:alert(1)">piège</a></p>'
    )

    response = client.post(
        reverse("commissions:agenda_item_edit", args=[agenda.commission.slug, agenda.pk, target.pk]),
        {"title": target.title, "speaker": target.speaker, "content": editor_html},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    content = target.content
    assert "<h2>Campagne 2026</h2>" in content
    assert "<strong>gras</strong>" in content and "<em>italique</em>" in content
    assert '<a href="https://www.ameli.fr" rel="noopener noreferrer">ameli.fr</a>' in content
    assert "<ul><li><p>premier</p></li><li><p>second</p></li></ul>" in content
    assert '<th colspan="2" rowspan="1"><p>Poste</p></th>' in content
    assert f'<img src="{image_url}" alt="Schéma du circuit">' in content
    assert "pisteur" not in content and "data:" not in content
    assert "script" not in content and "alert" not in content
    page = client.get(agenda.get_absolute_url()).content.decode()
    assert f'<img src="{image_url}" alt="Schéma du circuit">' in page


def test_library_block_content_is_sanitised_the_same_way(client, alice, commission):
    client.force_login(alice)
    image_url = client.post(
        reverse("commissions:content_image_upload", args=[commission.slug]),
        {"image": SimpleUploadedFile("logo.png", png(), content_type="image/png")},
    ).json()["url"]

    client.post(
        reverse("commissions:agenda_block_list", args=[commission.slug]),
        {
            "title": "Informations nationales",
            "content": f'<h3>National</h3><img src="{image_url}" alt="Logo"><img src="https://cdn.example/x.png">'
            "<script>alert(1)</script>",
        },
    )

    block = ContentBlock.objects.get(commission=commission, title="Informations nationales")
    assert block.content == f'<h3>National</h3><img src="{image_url}" alt="Logo"><img>'


def test_the_sanitiser_keeps_portal_images_only():
    kept = ["/media/agenda/12/images/0123456789abcdef0123456789abcdef.png", "/media/contenus/3/images/a.jpg"]
    dropped = [
        "https://pisteur.example/p.gif",
        "//pisteur.example/p.gif",
        "/\\pisteur.example/p.gif",
        "/&#9;/pisteur.example/p.gif",
        "&#10;//pisteur.example/p.gif",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "java&#9;script:alert(1)",
        "/media/../admin/",
    ]
    for src in kept:
        assert sanitize_html(f'<img src="{src}" alt="x">') == f'<img src="{src}" alt="x">', src
    for src in dropped:
        assert sanitize_html(f'<img src="{src}" alt="x">') == '<img alt="x">', src


# The upload


def test_the_secretariat_uploads_a_png_stored_under_the_meetings_images(client, alice, meeting):
    client.force_login(alice)

    response = upload(client, meeting, png(64, 32))

    assert response.status_code == 201
    url = response.json()["url"]
    assert re.fullmatch(rf"/media/agenda/{meeting.pk}/images/[0-9a-f]{{32}}\.png", url)
    with default_storage.open(stored_name(url), "rb") as handle, Image.open(handle) as image:
        assert (image.format, image.size) == ("PNG", (64, 32))


def test_a_jpeg_is_re_encoded_without_its_exif_data(client, alice, meeting):
    client.force_login(alice)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()

    response = upload(client, meeting, original, name="photo.jpeg", content_type="image/jpeg")

    assert response.status_code == 201
    url = response.json()["url"]
    assert url.endswith(".jpg")
    with default_storage.open(stored_name(url), "rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"<html><script>alert(1)</script></html>", "pas d'un type accepté"),
        (b"GIF89a\x01\x00\x01\x00", "pas d'un type accepté"),
        (b"%PDF-1.4 faux", "pas d'un type accepté"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "illisible"),
    ],
    ids=["html-renamed-png", "gif", "pdf", "truncated-png"],
)
def test_the_upload_refuses_what_is_not_a_png_or_jpeg_whatever_its_name(client, alice, meeting, data, message):
    client.force_login(alice)
    before = stored_images(meeting)

    response = upload(client, meeting, data, name="image.png")

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert stored_images(meeting) == before


def test_the_upload_refuses_an_oversize_file(client, alice, meeting, settings):
    settings.RICH_TEXT_IMAGE_MAX_BYTES = 1024
    client.force_login(alice)

    response = upload(client, meeting, png(600, 600, color=(1, 2, 3)) + b"\x00" * 2048)

    assert response.status_code == 400
    assert "Mo au plus" in response.json()["error"]


def test_the_upload_refuses_an_image_with_too_many_pixels(client, alice, meeting, settings):
    settings.RICH_TEXT_IMAGE_MAX_PIXELS = 10_000
    client.force_login(alice)

    response = upload(client, meeting, png(200, 100))

    assert response.status_code == 400
    assert "200 × 100 pixels" in response.json()["error"]


def test_the_upload_without_a_file_is_refused(client, alice, meeting):
    client.force_login(alice)

    response = client.post(upload_url(meeting), {})

    assert response.status_code == 400
    assert response.json()["error"] == "Ce champ est obligatoire."


def test_the_upload_is_404_for_another_commissions_meeting(client, alice, bob, meeting, other_meeting):
    client.force_login(alice)
    across = reverse("commissions:agenda_image_upload", args=[meeting.commission.slug, other_meeting.pk])
    assert client.post(across, {"image": SimpleUploadedFile("a.png", png())}).status_code == 404
    assert upload(client, other_meeting, png()).status_code == 404
    client.force_login(bob)
    assert upload(client, meeting, png()).status_code == 404


def test_the_upload_is_403_for_a_member_and_404_for_a_stranger(client, member_user, charlie, meeting):
    client.force_login(member_user)
    assert upload(client, meeting, png()).status_code == 403
    library = reverse("commissions:content_image_upload", args=[meeting.commission.slug])
    assert client.post(library, {"image": SimpleUploadedFile("a.png", png())}).status_code == 403
    client.force_login(charlie)
    assert upload(client, meeting, png()).status_code == 404


def test_the_upload_needs_a_post_with_the_csrf_token(alice, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(upload_url(meeting)).status_code == 405
    assert upload(client, meeting, png()).status_code == 403


# Reading the images


def test_the_image_is_served_inline_to_the_commission_with_a_locked_down_policy(
    client, alice, member_user, meeting, settings
):
    client.force_login(alice)
    url = upload(client, meeting, png()).json()["url"]
    name = url.rsplit("/", 1)[1]
    assert url == reverse("media:agenda_image", args=[meeting.pk, name])

    client.force_login(member_user)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Content-Disposition"].startswith("inline")
    assert body(response).startswith(b"\x89PNG")


def test_the_image_is_404_for_a_stranger_and_another_commission(client, alice, bob, charlie, meeting):
    client.force_login(alice)
    url = upload(client, meeting, png()).json()["url"]
    for user in (bob, charlie):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_unknown_names_and_files_that_are_not_images_are_404(client, alice, meeting):
    client.force_login(alice)
    folder = f"agenda/{meeting.pk}/images/"
    disguised = default_storage.save(folder + "0" * 32 + ".png", io.BytesIO(b"<svg onload=alert(1)>"))
    assert client.get(f"/media/{disguised}").status_code == 404
    assert client.get(f"/media/{folder}{'1' * 32}.png").status_code == 404
    assert client.get(f"/media/{folder}page.html").status_code == 404
    assert client.get("/media/agenda/999999/images/" + "0" * 32 + ".png").status_code == 404


def test_a_library_image_is_read_by_the_commission_only(client, alice, bob, member_user, commission):
    client.force_login(alice)
    url = client.post(
        reverse("commissions:content_image_upload", args=[commission.slug]),
        {"image": SimpleUploadedFile("logo.png", png(), content_type="image/png")},
    ).json()["url"]
    assert re.fullmatch(rf"/media/contenus/{commission.pk}/images/[0-9a-f]{{32}}\.png", url)

    client.force_login(member_user)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404


# The PDF supports


def test_the_pdf_fetcher_reads_the_uploaded_image_of_its_meeting_only(client, alice, meeting, other_meeting):
    client.force_login(alice)
    url = upload(client, meeting, png()).json()["url"]
    agenda_item_add(meeting=meeting, title="Schéma", content=f'<img src="{url}" alt="Schéma">')

    fetched = PortalURLFetcher(media_prefixes=(f"agenda/{meeting.pk}/",)).fetch(BASE_URL + url.lstrip("/"))

    assert fetched.headers["Content-Type"] == "image/png"
    with pytest.raises(ResourceRefused):
        PortalURLFetcher(media_prefixes=(f"agenda/{other_meeting.pk}/",)).fetch(BASE_URL + url.lstrip("/"))
