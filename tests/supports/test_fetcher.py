import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from supports.fetcher import BASE_URL, PortalURLFetcher, ResourceRefused


def png(width: int = 4, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def fetcher():
    return PortalURLFetcher(media_prefixes=("agenda/7/",))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/image.png",
        "https://example.org/static/supports/support.css",
        "data:image/png;base64,iVBORw0KGgo=",
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "etc/passwd",
    ],
)
def test_it_refuses_anything_but_the_portal_files_and_logs_it(fetcher, url, caplog):
    with caplog.at_level(logging.ERROR, logger="supports.fetcher"), pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert "ressource refusée" in caplog.text
    assert fetcher.refused == [url]


def test_it_serves_the_support_stylesheet(fetcher):
    response = fetcher.fetch(BASE_URL + "static/supports/support.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_it_serves_an_image_of_the_meeting_from_storage(fetcher, settings):
    name = default_storage.save("agenda/7/abc/carte.png", ContentFile(png()))
    response = fetcher.fetch(BASE_URL + "media/" + name)
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")


def test_it_refuses_an_image_of_another_meeting(fetcher):
    name = default_storage.save("agenda/8/abc/carte.png", ContentFile(png()))
    with pytest.raises(ResourceRefused, match="hors des dossiers"):
        fetcher.fetch(BASE_URL + "media/" + name)


def test_it_refuses_an_uploaded_file_that_is_not_an_image(fetcher):
    name = default_storage.save("agenda/7/abc/notes.txt", ContentFile(b"secret"))
    with pytest.raises(ResourceRefused, match="images"):
        fetcher.fetch(BASE_URL + "media/" + name)


def test_it_refuses_images_too_heavy_or_too_large(fetcher, settings):
    settings.SUPPORTS_IMAGE_MAX_BYTES = 100
    heavy = default_storage.save("agenda/7/abc/lourde.png", ContentFile(png() + b"\0" * 200))
    with pytest.raises(ResourceRefused, match="trop lourde"):
        fetcher.fetch(BASE_URL + "media/" + heavy)
    settings.SUPPORTS_IMAGE_MAX_BYTES = 10_000_000
    settings.SUPPORTS_IMAGE_MAX_PIXELS = 100
    large = default_storage.save("agenda/7/abc/grande.png", ContentFile(png(20, 20)))
    with pytest.raises(ResourceRefused, match="trop grande"):
        fetcher.fetch(BASE_URL + "media/" + large)
