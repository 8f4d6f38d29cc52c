"""Uploaded files: limited in size and recognised by their content (magic bytes), not their name.

    from portal.uploads import FileContentValidator, Kind
    file = forms.FileField(validators=[FileContentValidator(kinds={Kind.PDF, Kind.PNG, Kind.JPEG})])

or `kind = check_upload(upload, kinds=…)` in a form's clean method or a service. Files are then
only ever served as attachments (Content-Disposition: attachment, X-Content-Type-Options: nosniff).
"""

import zipfile
from collections.abc import Iterable
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


class Kind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    XLSX = "xlsx"
    DOCX = "docx"
    PPTX = "pptx"
    CSV = "csv"


LABELS = {
    Kind.PDF: "PDF",
    Kind.PNG: "PNG",
    Kind.JPEG: "JPEG",
    Kind.XLSX: "Excel (XLSX)",
    Kind.DOCX: "Word (DOCX)",
    Kind.PPTX: "PowerPoint (PPTX)",
    Kind.CSV: "CSV",
}
CONTENT_TYPES = {
    Kind.PDF: "application/pdf",
    Kind.PNG: "image/png",
    Kind.JPEG: "image/jpeg",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Kind.CSV: "text/csv",
}
# The part that tells an Office Open XML package's kind, beside [Content_Types].xml.
OOXML_MAIN_PARTS = {Kind.XLSX: "xl/workbook.xml", Kind.DOCX: "word/document.xml", Kind.PPTX: "ppt/presentation.xml"}
SNIFF_BYTES = 64 * 1024


def detect_kind(upload) -> Kind | None:
    """The kind of a file from its first bytes (and, for a ZIP, its parts); None when unknown."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    if _looks_like_csv(head):
        return Kind.CSV
    return None


def check_upload(upload, *, kinds: Iterable[str], max_size: int | None = None) -> Kind:
    """The upload's kind if it is one of `kinds` and not too large; ValidationError (in French) otherwise."""
    accepted = {Kind(kind) for kind in kinds}
    max_size = settings.UPLOAD_MAX_SIZE if max_size is None else max_size
    if upload.size > max_size:
        raise ValidationError(
            "Le fichier pèse %(size)s Mo : %(max)s Mo au plus sont acceptés.",
            code="file_too_large",
            params={"size": _megabytes(upload.size), "max": _megabytes(max_size)},
        )
    kind = detect_kind(upload)
    if kind not in accepted:
        expected = ", ".join(LABELS[each] for each in Kind if each in accepted)
        raise ValidationError(
            "Le contenu de ce fichier n'est pas d'un type accepté (%(expected)s).",
            code="file_type",
            params={"expected": expected},
        )
    return kind


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


def _ooxml_kind(upload) -> Kind | None:
    position = upload.tell()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:  # reads the central directory only, not the contents
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(position)
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in OOXML_MAIN_PARTS.items():
        if part in names:
            return kind
    return None


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
