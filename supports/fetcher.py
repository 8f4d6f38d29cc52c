"""The only way WeasyPrint reads a resource: the project's static files and images from the media storage.

The support's HTML is given the base address BASE_URL, an origin that exists
nowhere ('.invalid' is reserved): relative addresses in the content resolve
to it and are then read from disk or storage, never over the network. Any
other address (file://, http(s) to another host, data:, a path outside
STATIC_URL and MEDIA_URL, a traversal) is refused and logged; WeasyPrint then
renders the document without that resource.
"""

import io
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import conf

logger = logging.getLogger(__name__)

BASE_URL = "https://portail.invalid/"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
STATIC_TYPES = IMAGE_TYPES | {"text/css", "font/woff", "font/woff2", "font/ttf", "font/otf"}


class ResourceRefused(ValueError):
    """A resource the support may not read."""


class PortalURLFetcher(URLFetcher):
    """Serves STATIC_URL from the static files finders and MEDIA_URL (images only, size-limited) from storage."""

    def __init__(self, *, media_prefixes: tuple[str, ...] = ()):
        super().__init__(allowed_protocols={"https"}, allow_redirects=False, fail_on_errors=False)
        self.media_prefixes = tuple(media_prefixes) + tuple(conf.get("SUPPORTS_MEDIA_PREFIXES"))
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            name, body, content_type = self._read(url)
        except ResourceRefused as refusal:
            self.refused.append(url)
            logger.error("Support PDF : ressource refusée %s (%s)", url[:200], refusal)
            raise
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _read(self, url: str) -> tuple[str, bytes, str]:
        base = urlsplit(BASE_URL)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ResourceRefused("adresse extérieure au portail")
        path = unquote(parts.path)
        segments = path.split("/")
        if ".." in segments or "\\" in path or "\x00" in path or posixpath.normpath(path) != path.rstrip("/"):
            raise ResourceRefused("chemin non canonique")
        if path.startswith(settings.STATIC_URL):
            return self._static(path.removeprefix(settings.STATIC_URL))
        if settings.MEDIA_URL and path.startswith(settings.MEDIA_URL):
            return self._media(path.removeprefix(settings.MEDIA_URL))
        raise ResourceRefused("ni fichier statique ni fichier déposé")

    def _static(self, name: str) -> tuple[str, bytes, str]:
        content_type = _type_of(name)
        if content_type not in STATIC_TYPES:
            raise ResourceRefused(f"type de fichier statique non admis ({content_type})")
        found = finders.find(name)
        if not found:
            raise ResourceRefused("fichier statique introuvable")
        with open(found, "rb") as handle:
            return name, handle.read(), content_type

    def _media(self, name: str) -> tuple[str, bytes, str]:
        content_type = _type_of(name)
        if content_type not in IMAGE_TYPES:
            raise ResourceRefused("seules les images déposées sont admises")
        if not name.startswith(self.media_prefixes):
            raise ResourceRefused("image hors des dossiers de la réunion")
        limit = conf.get("SUPPORTS_IMAGE_MAX_BYTES")
        try:
            size = default_storage.size(name)
        except (OSError, NotImplementedError, FileNotFoundError) as error:
            raise ResourceRefused("image introuvable") from error
        if size > limit:
            raise ResourceRefused(f"image trop lourde ({size} octets, maximum {limit})")
        with default_storage.open(name, "rb") as handle:
            body = handle.read(limit + 1)
        if len(body) > limit:
            raise ResourceRefused("image trop lourde")
        if content_type != "image/svg+xml":
            _check_pixels(body)
        return name, body, content_type


def _type_of(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _check_pixels(body: bytes) -> None:
    """Refuse images whose decoded size would be huge (a small file can decode to gigabytes)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(body)) as image:
            width, height = image.size
    except Exception as error:  # noqa: BLE001 - any decoding failure means "not an image we render"
        raise ResourceRefused("image illisible") from error
    limit = conf.get("SUPPORTS_IMAGE_MAX_PIXELS")
    if width * height > limit:
        raise ResourceRefused(f"image trop grande ({width}×{height} pixels)")
