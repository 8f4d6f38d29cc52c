"""OpenDocument spreadsheets (.ods) written by hand, as LibreOffice saves them, for the import tests.

No ODS writer is among the portal's dependencies (it only reads them, with python-calamine): this writes the
three parts a reader needs — the uncompressed `mimetype` first, the manifest, the content — with text, number,
percentage and date cells.
"""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


class Percent(float):
    """A percentage cell: Percent(0.099) is shown 9,9 %."""


def _cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        shown = value.strftime("%d/%m/%Y")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, Percent):
        return (
            f'<table:table-cell office:value-type="percentage" office:value="{float(value)!r}">'
            f"<text:p>{float(value) * 100:.1f} %</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p>'
            "</table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(rows: list[list], *, sheet: str = "Feuille1") -> bytes:
    """A workbook of one sheet holding `rows`."""
    body = "".join("<table:table-row>" + "".join(_cell(value) for value in row) + "</table:table-row>" for row in rows)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}><office:body>'
        f'<office:spreadsheet><table:table table:name="{escape(sheet)}">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)  # stored, first: how a reader recognises an ODS
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
