"""The PDF under production static settings: DEBUG off, `collectstatic` run with WhiteNoise's manifest storage,
so that `{% static %}` writes hashed names ("supports/support.d85821e3a561.css") that no finder knows.

The support must come out with its stylesheet (its fonts, Liberation Sans, are then embedded) and its RDD
pictogram; without them, no PDF: the rendering fails with a French reason the secretariat reads.
"""

import datetime
import io
import shutil

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from decisions import services as rdd_services
from supports.context import support_context
from supports.fetcher import BASE_URL, PortalURLFetcher, StaticFileMissing
from supports.models import SupportRender
from supports.pdf import SupportTemplateError, render_pdf
from supports.services import support_render, support_request

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def production_static(static_root) -> override_settings:
    return override_settings(
        DEBUG=False,
        STATIC_ROOT=str(static_root),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": MANIFEST_STORAGE},
        },
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled once per test session by a real `collectstatic` with the manifest storage.

    Only the project's own folder (static/) is collected: the admin's and the packages' files are not in a
    support, and compressing them all would take a minute and a half.
    """
    root = tmp_path_factory.mktemp("staticfiles")
    with (
        production_static(root),
        override_settings(STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"]),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(collected_static):
    with production_static(collected_static):
        yield collected_static


@pytest.fixture
def rdd_session(commission, alice, frozen_today):
    """A session with an RDD draft: its document carries the stylesheet and the RDD pictogram."""
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10, 0))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker="sociale")
    rdd_services.rdd_create(meeting=meeting, user=alice)
    return meeting


def font_names(pdf: bytes) -> set[str]:
    """The base fonts of every page, without the subset prefix ("ABCDEF+Liberation-Sans" → "Liberation-Sans")."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def page_drawings(pdf: bytes) -> list[bytes]:
    """The content stream of each page (WeasyPrint draws an SVG image inline, as a /Figure)."""
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_collectstatic_gave_the_support_files_hashed_names(production):
    name = staticfiles_storage.stored_name("supports/support.css")
    assert name != "supports/support.css" and name.startswith("supports/support.")
    assert (production / name).exists()


def test_the_fetcher_reads_the_hashed_names_of_the_manifest(production):
    fetcher = PortalURLFetcher()
    for source, start in (("supports/support.css", b"/* The PDF"), ("supports/rdd.svg", b"<svg")):
        url = BASE_URL + staticfiles_storage.url(source).lstrip("/")
        assert ".css" in url or ".svg" in url
        assert staticfiles_storage.stored_name(source) in url  # the hashed name, which no finder knows
        assert fetcher.fetch(url).read().startswith(start)
    assert fetcher.refused == []


def test_a_support_rendered_with_production_settings_has_its_fonts_and_pictogram(production, rdd_session):
    result = render_pdf(support_context(rdd_session, kind="rdd", version="final"))

    assert result.refused == []
    # The stylesheet's font; without the stylesheet WeasyPrint falls back to a serif font (DejaVu Serif).
    assert {"Liberation-Sans", "Liberation-Sans-Bold"} <= font_names(result.pdf)
    assert not any("Serif" in name for name in font_names(result.pdf))
    # The pictogram (static/supports/rdd.svg) at the top of each RDD page: its check mark's path, in white on
    # an orange disc (#e07b00).
    rdd_pages = page_drawings(result.pdf)[1:]
    assert rdd_pages
    for page in rdd_pages:
        assert b"/Figure" in page and b"0.878431 0.482353 0 rg" in page and b"39.5 45.2 m\n42.7 48.4 l" in page


@pytest.fixture
def stylesheet_lost(production, tmp_path):
    """The collected files with the support's stylesheet gone (a deployment that lost it)."""
    root = tmp_path / "static"
    shutil.copytree(production, root)
    (root / staticfiles_storage.stored_name("supports/support.css")).unlink()
    with production_static(root):
        yield staticfiles_storage.stored_name("supports/support.css")


def test_a_support_whose_stylesheet_cannot_be_read_is_not_rendered(stylesheet_lost, rdd_session):
    with pytest.raises(SupportTemplateError) as error:
        render_pdf(support_context(rdd_session, kind="rdd", version="final"))

    assert f"le fichier statique « {stylesheet_lost} » est introuvable" in str(error.value)
    assert "collectstatic" in str(error.value)


def test_the_rendering_job_fails_with_a_french_message(stylesheet_lost, rdd_session):
    render, _ = support_request(meeting=rdd_session, queue=False)

    support_render(render_id=render.pk)

    render.refresh_from_db()
    assert render.status == SupportRender.Status.ERROR
    assert render.error.startswith(f"Le rendu a échoué : le fichier statique « {stylesheet_lost} » est introuvable")
    assert not render.file


def test_the_missing_file_stops_weasyprint_instead_of_a_pdf_without_it(stylesheet_lost):
    fetcher = PortalURLFetcher()
    url = BASE_URL + "static/" + stylesheet_lost

    with pytest.raises(StaticFileMissing):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
