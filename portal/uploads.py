"""Uploaded files: limited in size and recognised by their content (magic bytes), not their name.

    from portal.uploads import ATTACHMENT_KINDS, FileContentValidator, Kind
    file = forms.FileField(validators=[FileContentValidator(kinds=ATTACHMENT_KINDS)])

or `kind = check_upload(upload, kinds=…)` in a form's clean method or a service. Files are then
only ever served as attachments (Content-Disposition: attachment, X-Content-Type-Options: nosniff).

The attachments of an agenda item are an allow-list (Zulip's approach): PDF, Office Open XML (recognised
by its [Content_Types].xml and main part), OpenDocument (its "mimetype" entry) and PNG, JPEG, GIF, WebP
images. A PDF must open in pypdf and not be encrypted: the supports append PDF attachments as annexes.
Web pages, SVG, programs, other archives and macro-enabled Office files are refused, in French, naming
the file and, when it is recognised, what it is.
"""

import io
import re
import zipfile
from collections.abc import Iterable
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from pypdf import PdfReader


class Kind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    XLSX = "xlsx"
    DOCX = "docx"
    PPTX = "pptx"
    ODT = "odt"
    ODS = "ods"
    ODP = "odp"
    GIF = "gif"
    WEBP = "webp"
    CSV = "csv"


LABELS = {
    Kind.PDF: "PDF",
    Kind.PNG: "PNG",
    Kind.JPEG: "JPEG",
    Kind.XLSX: "Excel (XLSX)",
    Kind.DOCX: "Word (DOCX)",
    Kind.PPTX: "PowerPoint (PPTX)",
    Kind.ODT: "texte OpenDocument (ODT)",
    Kind.ODS: "classeur OpenDocument (ODS)",
    Kind.ODP: "présentation OpenDocument (ODP)",
    Kind.GIF: "GIF",
    Kind.WEBP: "WebP",
    Kind.CSV: "CSV",
}
CONTENT_TYPES = {
    Kind.PDF: "application/pdf",
    Kind.PNG: "image/png",
    Kind.JPEG: "image/jpeg",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Kind.ODT: "application/vnd.oasis.opendocument.text",
    Kind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    Kind.ODP: "application/vnd.oasis.opendocument.presentation",
    Kind.GIF: "image/gif",
    Kind.WEBP: "image/webp",
    Kind.CSV: "text/csv",
}
# What an agenda item may carry.
ATTACHMENT_KINDS = frozenset(
    {Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.PPTX, Kind.ODT, Kind.ODS, Kind.ODP, Kind.PNG, Kind.JPEG, Kind.GIF, Kind.WEBP}
)
# The part that tells an Office Open XML package's kind, beside [Content_Types].xml.
OOXML_MAIN_PARTS = {Kind.XLSX: "xl/workbook.xml", Kind.DOCX: "word/document.xml", Kind.PPTX: "ppt/presentation.xml"}
# An OpenDocument file names its type in its first entry, "mimetype".
ODF_MIMETYPES = {CONTENT_TYPES[kind].encode(): kind for kind in (Kind.ODT, Kind.ODS, Kind.ODP)}
SNIFF_BYTES = 64 * 1024
# What a refused file is, when it can be told, for the message.
_RECOGNISED = (
    (re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg", re.I | re.S), "une image SVG"),
    (re.compile(rb"^\s*<(!doctype html|html|head|body|script|iframe)", re.I), "une page web (HTML)"),
    (re.compile(rb"^(MZ|\x7fELF|\xca\xfe\xba\xbe|\xcf\xfa\xed\xfe|\xce\xfa\xed\xfe|#!)"), "un programme exécutable"),
    (re.compile(rb"^PK\x03\x04"), "une archive ZIP, ou un document Office avec des macros"),
    (re.compile(rb"^(Rar!|7z\xbc\xaf|\x1f\x8b|BZh|\xfd7zXZ)"), "une archive"),
)


def detect_kind(upload) -> Kind | None:
    """The kind of a file from its first bytes (and, for a ZIP, its parts); None when unknown."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Kind.GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind.WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    if _looks_like_csv(head):
        return Kind.CSV
    return None


def check_upload(upload, *, kinds: Iterable[str], max_size: int | None = None) -> Kind:
    """The upload's kind if it is one of `kinds` and not too large; ValidationError (in French) otherwise."""
    accepted = {Kind(kind) for kind in kinds}
    max_size = settings.UPLOAD_MAX_SIZE if max_size is None else max_size
    if upload.size > max_size:
        raise ValidationError(
            "Le fichier « %(name)s » pèse %(size)s Mo : %(max)s Mo au plus sont acceptés.",
            code="file_too_large",
            params={"name": _name(upload), "size": _megabytes(upload.size), "max": _megabytes(max_size)},
        )
    kind = detect_kind(upload)
    if kind not in accepted:
        expected = ", ".join(LABELS[each] for each in Kind if each in accepted)
        what = _recognised(upload)
        raise ValidationError(
            "Le fichier « %(name)s » n'est pas d'un type accepté (%(expected)s)"
            + (" : c'est %(what)s." if what else "."),
            code="file_type",
            params={"name": _name(upload), "expected": expected, "what": what},
        )
    if kind == Kind.PDF:
        _check_pdf(upload)
    return kind


def check_attachment(upload, *, max_size: int | None = None) -> Kind:
    """`check_upload` for the attachments of an agenda item (ATTACHMENT_KINDS)."""
    return check_upload(upload, kinds=ATTACHMENT_KINDS, max_size=max_size)


@deconstructible
class FileContentValidator:
    """A field validator calling `check_upload`."""

    def __init__(self, kinds: Iterable[str], max_size: int | None = None):
        self.kinds = sorted(Kind(kind) for kind in kinds)
        self.max_size = max_size

    def __call__(self, upload) -> None:
        check_upload(upload, kinds=self.kinds, max_size=self.max_size)

    def __eq__(self, other) -> bool:
        return isinstance(other, FileContentValidator) and (self.kinds, self.max_size) == (
            other.kinds,
            other.max_size,
        )


def _read_head(upload) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def _office_kind(upload) -> Kind | None:
    """The kind of an Office Open XML or OpenDocument file; None for any other ZIP, or a file with macros."""
    position = upload.tell()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:  # reads the central directory, and the ODF "mimetype" entry
            names = set(archive.namelist())
            mimetype = _odf_mimetype(archive) if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(position)
    if any(name.lower().endswith("vbaproject.bin") or name.lower().startswith("basic/") for name in names):
        return None  # macros (docm, xlsm, pptm; OpenDocument Basic scripts)
    if "[Content_Types].xml" in names:
        return next((kind for kind, part in OOXML_MAIN_PARTS.items() if part in names), None)
    return ODF_MIMETYPES.get(mimetype)


def _odf_mimetype(archive: zipfile.ZipFile) -> bytes:
    if archive.getinfo("mimetype").file_size > 100:
        return b""
    return archive.read("mimetype").strip()


def _check_pdf(upload) -> None:
    """A PDF that pypdf opens, with its pages, and that no password protects."""
    position = upload.tell()
    try:
        upload.seek(0)
        reader = PdfReader(io.BytesIO(upload.read()))
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)
    except Exception as error:  # noqa: BLE001 - pypdf raises many types for a damaged file
        raise ValidationError(
            "Le fichier « %(name)s » n'est pas un PDF lisible (fichier endommagé ou incomplet).",
            code="pdf_unreadable",
            params={"name": _name(upload)},
        ) from error
    finally:
        upload.seek(position)
    if encrypted:
        raise ValidationError(
            "Le fichier « %(name)s » est un PDF protégé par un mot de passe : enregistrez-le sans protection.",
            code="pdf_encrypted",
            params={"name": _name(upload)},
        )


def _recognised(upload) -> str:
    head = _read_head(upload)[:1024]
    return next((what for pattern, what in _RECOGNISED if pattern.match(head)), "")


def _name(upload) -> str:
    """The file's own name, without a path, short enough for a message."""
    name = (getattr(upload, "name", "") or "fichier").replace("\\", "/").rsplit("/", 1)[-1]
    return name if len(name) <= 80 else name[:79] + "…"


def _looks_like_csv(head: bytes) -> bool:
    """Text without NUL or control characters, in UTF-8 or Windows-1252 (Excel's French CSV)."""
    if not head.strip() or b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            # A multi-byte character cut by the end of the sample is not an error.
            if encoding != "utf-8-sig" or error.start < len(head) - 3:
                continue
            text = head[: error.start].decode(encoding)
        if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
            return False
        if text.lstrip().lower().startswith(("<!doctype", "<html", "<?xml", "<svg", "<script")):
            return False
        return True
    return False


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
