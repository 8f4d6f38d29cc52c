"""Helpers of the support tests: PDF text extraction, page rasterising, a stand-in renderer."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from supports.pdf import RenderResult

NBSP = ("\u00a0", "\u202f")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, no-break spaces turned into spaces and runs of blanks collapsed."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        text = page.extract_text() or ""
        for space in NBSP:
            text = text.replace(space, " ")
        pages.append(" ".join(text.split()))
    return pages


def pdftoppm_pages(data: bytes, tmp_path) -> list:
    """Rasterise every page with poppler's pdftoppm; the PNG files written."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) n'est pas installé : make system-deps l'installe")
    source = tmp_path / "support.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(source), str(tmp_path / "page")], check=True, timeout=120)
    return sorted(tmp_path.glob("page-*.png"))


class FakeRenderer:
    """Stands in for supports.pdf.render_pdf: counts its calls and returns a one-page PDF."""

    def __init__(self):
        self.calls = 0

    def __call__(self, context: dict) -> RenderResult:
        self.calls += 1
        writer = PdfWriter()
        writer.add_blank_page(width=842, height=595)
        buffer = io.BytesIO()
        writer.write(buffer)
        return RenderResult(pdf=buffer.getvalue(), page_count=1, seconds=0.01)
