"""The only way WeasyPrint reads a resource: the project's static files and images from the media storage.

The support's HTML is given the base address BASE_URL, an origin that exists
nowhere ('.invalid' is reserved): relative addresses in the content resolve
to it and are then read from disk or storage, never over the network. Any
other address (file://, http(s) to another host, data:, a path outside
STATIC_URL and MEDIA_URL, a traversal) is refused and logged; WeasyPrint then
renders the document without that resource.

Static files are read where the portal serves them from: the staticfiles storage (in production the
collected files, whose names `{% static %}` writes with their hash: "supports/support.d85821e3a561.css"),
or the finders while the files are not collected (development, tests). A static file found in neither
stops the rendering (`StaticFileMissing`, WeasyPrint's fatal error): a support without its stylesheet or
its pictogram is not a support, and must not be stored as one.
"""

import io
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import conf

logger = logging.getLogger(__name__)

BASE_URL = "https://portail.invalid/"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
STATIC_TYPES = IMAGE_TYPES | {"text/css", "font/woff", "font/woff2", "font/ttf", "font/otf"}


class ResourceRefused(ValueError):
    """A resource the support may not read."""


class StaticFileMissing(FatalURLFetchingError):
    """A static file of the support (its stylesheet, its pictogram) that cannot be read: the rendering stops.

    WeasyPrint lets this one through instead of rendering without the resource; like every
    FatalURLFetchingError it is a BaseException, so `supports.pdf.render_pdf` turns it into an ordinary error.
    """

    def __init__(self, name: str):
        super().__init__(f"le fichier statique « {name} » est introuvable")
        self.name = name


class PortalURLFetcher(URLFetcher):
    """Serves STATIC_URL from the staticfiles storage or the finders, MEDIA_URL (images, size-limited) from storage."""

    def __init__(self, *, media_prefixes: tuple[str, ...] = ()):
        super().__init__(allowed_protocols={"https"}, allow_redirects=False, fail_on_errors=False)
        self.media_prefixes = tuple(media_prefixes) + tuple(conf.get("SUPPORTS_MEDIA_PREFIXES"))
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            name, body, content_type = self._read(url)
        except (ResourceRefused, StaticFileMissing) as refusal:
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
        readers = (_from_finders, _from_storage) if settings.DEBUG else (_from_storage, _from_finders)
        for read in readers:
            body = read(name)
            if body is not None:
                return name, body, content_type
        raise StaticFileMissing(name)

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


def _from_storage(name: str) -> bytes | None:
    """The collected file, under the name `{% static %}` wrote (hashed by a manifest storage)."""
    try:
        with staticfiles_storage.open(name, "rb") as handle:
            return handle.read()
    except (OSError, SuspiciousFileOperation):
        return None


def _from_finders(name: str) -> bytes | None:
    """The source file in the apps' and STATICFILES_DIRS' folders: in development the files are not collected."""
    found = finders.find(name)
    if not found:
        return None
    with open(found, "rb") as handle:
        return handle.read()


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
