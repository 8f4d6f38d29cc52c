"""Fixtures of the support tests: meetings of Alice's commission, PDF text extraction, a stand-in renderer.

Rendering costs about a second per twenty pages: only the tests about the
document itself render for real; the task and view tests count calls to a
stand-in that returns a one-page PDF.
"""

import datetime
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from supports import services
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


@pytest.fixture
def session(commission, frozen_today):
    """A session of Alice's commission with a numbered agenda (01 with two sub-items, 02)."""
    meeting = meeting_create(
        commission=commission,
        date=datetime.date(2026, 12, 3),
        start_time=datetime.time(10, 0),
        place="CPAM des Bouches-du-Rhône",
    )
    first = agenda_item_add(meeting=meeting, title="Validation du relevé de décisions", speaker="secretariat")
    agenda_item_add(meeting=meeting, parent=first, title="Approbation du relevé de décisions")
    agenda_item_add(meeting=meeting, title="Ordonnance numérique", speaker="sociale", content="<p>Texte.</p>")
    return meeting


class FakeRenderer:
    """Stands in for supports.pdf.render_pdf: counts its calls and returns a one-page PDF."""

    def __init__(self):
        self.calls = 0

    def __call__(self, context: dict) -> RenderResult:
        from pypdf import PdfWriter

        self.calls += 1
        writer = PdfWriter()
        writer.add_blank_page(width=842, height=595)
        buffer = io.BytesIO()
        writer.write(buffer)
        return RenderResult(pdf=buffer.getvalue(), page_count=1, seconds=0.01)


@pytest.fixture
def fake_renderer(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer
