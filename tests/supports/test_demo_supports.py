"""The demo's supports as a secretariat would judge them beside the seeds (issue 17) and as a PDF/UA checker would
read them (issue 21): rendered once for the module with WeasyPrint, read back with pypdf and pikepdf.

Rendered: the PACA–Corse sessions of 25/01/2024 (000) and 26/02/2025 (001, convocation and final versions, and its
RDD alone), the Côte-d'Or session of 17/02/2025 (004), La Réunion's session of 06/07/2023 (002) and the upcoming
demo session (convocation version, its draft RDD already written).
"""

import datetime
import io
import re
from html import unescape

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from pypdf import PdfReader

from commissions.meetings.models import AgendaAttachment, AgendaItem, Meeting
from decisions.models import Rdd
from demo.loader import load_all
from supports.context import support_context
from supports.pdf import render_pdf
from tests.supports.helpers import pdf_pages
from tests.supports.pdfua_walk import walk

D = datetime.date
PACA, COTE_DOR, REUNION = "cpr-paca-corse-lpp", "cpl-pharmaciens-cote-dor", "cpr-reunion-lpp"
RENDERED = {
    "paca-2024": (PACA, D(2024, 1, 25), "support", "final"),
    "paca-2025": (PACA, D(2025, 2, 26), "support", "final"),
    "paca-2025-convocation": (PACA, D(2025, 2, 26), "support", "convocation"),
    "paca-2025-rdd": (PACA, D(2025, 2, 26), "rdd", "final"),
    "cote-dor-2025": (COTE_DOR, D(2025, 2, 17), "support", "final"),
    "reunion-2023": (REUNION, D(2023, 7, 6), "support", "final"),
}
pytestmark = pytest.mark.django_db

ANNEX_TEXT = "Annexe de démonstration : convention signée"


def _upcoming() -> Meeting:
    return (
        Meeting.objects.filter(commission__slug=PACA, kind=Meeting.Kind.SESSION, date__gt=D(2026, 11, 22))
        .order_by("date")
        .first()
    )


def _render(meeting: Meeting, kind: str, version: str) -> dict:
    context = support_context(meeting, kind=kind, version=version)
    result = render_pdf(context)
    return {"context": context, "pdf": result.pdf, "pages": pdf_pages(result.pdf), "walk": walk(result.pdf)}


def _annexed_support() -> dict:
    """The 26/02/2025 support with a PDF, an image and a spreadsheet attached to item 03."""
    item = AgendaItem.objects.get(
        meeting__commission__slug=PACA, meeting__date=D(2025, 2, 26), title__startswith="Aides"
    )
    pdf = _annex_pdf()
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    for name, data in (("convention.pdf", pdf), ("carte.png", png), ("liste.xlsx", b"PK\x03\x04")):
        attachment = AgendaAttachment(item=item, original_name=name)
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    return _render(item.meeting, "support", "final")


def _annex_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html lang='fr'><p>{ANNEX_TEXT}</p></html>").write_pdf()


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))),
    ):
        load_all()
        result = {}
        for name, (slug, day, kind, version) in RENDERED.items():
            meeting = Meeting.objects.get(commission__slug=slug, date=day, kind=Meeting.Kind.SESSION)
            result[name] = _render(meeting, kind, version)
        upcoming = _upcoming()
        rdd = Rdd.objects.filter(meeting=upcoming).order_by("-version").first()
        result["upcoming"] = _render(upcoming, "support", "convocation")
        result["upcoming-outcomes"] = {
            "answers": [q.answer for q in rdd.questions.all() if q.answer],
            "decisions": [d.text for r in rdd.item_records.all() for d in r.decisions.all()],
            "summaries": [r.summary for r in rdd.item_records.all() if r.summary],
        }
        result["annexed"] = _annexed_support()
        transaction.set_rollback(True)
    return result


SUPPORTS = ["paca-2024", "paca-2025", "paca-2025-convocation", "cote-dor-2025", "reunion-2023", "upcoming"]
DOCUMENTS = SUPPORTS + ["paca-2025-rdd", "annexed"]


def _body(page: str, footer: str) -> str:
    """A page's text without its running footer, page number and RDD mark."""
    text = page.replace(footer, " ")
    text = re.sub(r"\b\d+ / \d+\s*$", " ", text)
    return text.replace("Relevé de décisions", " ")


# Page layout


@pytest.mark.parametrize("name", SUPPORTS)
def test_no_page_holds_only_a_heading_but_the_dividers(rendered, name):
    document = rendered[name]
    context = document["context"]
    footer = context["meta"]["footer"]
    headings = []
    for item in context["agenda"]:
        speaker = f"Intervenant : {item['speaker']}" if item["speaker"] else ""
        headings.append((f"{item['number']} {item['title']}".upper(), speaker, item["divider"]))
    title_only = []
    for number, page in enumerate(document["pages"][1:-1], start=2):
        body = _body(page, footer).upper()
        found = [(heading, divider) for heading, speaker, divider in headings if heading in body]
        for heading, speaker, _ in headings:
            body = body.replace(heading, " ").replace(speaker.upper() or "\0", " ")
        if found and not body.strip() and not all(divider for _, divider in found):
            title_only.append((number, [heading for heading, _ in found]))
    assert title_only == []


@pytest.mark.parametrize("name", SUPPORTS)
def test_no_item_heading_ends_a_page_away_from_its_first_block(rendered, name):
    document = rendered[name]
    context = document["context"]
    footer = context["meta"]["footer"]
    stranded = []
    for number, page in enumerate(document["pages"][1:-1], start=2):
        body = " ".join(_body(page, footer).split()).upper()
        for item in context["agenda"]:
            heading = f"{item['number']} {item['title']}".upper()
            speaker = f"INTERVENANT : {item['speaker'].upper()}" if item["speaker"] else ""
            if item["divider"] or body.startswith("ORDRE DU JOUR") or heading not in body:
                continue
            rest = body.split(heading, 1)[1].replace(speaker, "", 1).strip() if speaker else body.split(heading, 1)[1]
            if not rest.strip():
                stranded.append((number, heading))
    assert stranded == []


def test_the_divider_pages_are_the_level_one_items_with_sub_items(rendered):
    context = rendered["paca-2025"]["context"]
    assert [item["number"] for item in context["agenda"] if item["divider"]] == ["02", "04", "05"]


def test_a_level_one_item_opens_a_page_and_its_sub_items_flow(rendered):
    pages = rendered["paca-2025"]["pages"]
    assert any(page.startswith("06 TRANSITION ÉCOLOGIQUE") for page in pages)
    # 5.2 and 5.3 share a page: sub-items flow while they fit.
    assert any("5.2 E-SANTÉ" in page and "5.3 ORDONNANCE NUMÉRIQUE" in page for page in pages)


def test_the_final_support_is_shorter_than_one_slide_per_item(rendered):
    document = rendered["paca-2025"]
    assert len(document["pages"]) <= 34  # 39 with a page per item and sub-item


def test_presidency_and_composition_are_shown_once(rendered):
    text = " ".join(rendered["paca-2025"]["pages"])
    assert text.count("élisent chacune un président parmi leurs membres") == 1
    assert text.count("UNDPM M. MEUNIER Jean-Roch M. LAFON Grégory") == 1
    assert "PRÉSIDENCE DE LA COMMISSION La section" not in text  # not in the front pages: in item 2.1


def _cell_words(context: dict) -> set[str]:
    """Every word of five letters or more printed in a table cell of the support."""
    cells = []
    for item in context["agenda"] if context["kind"] == "support" else []:
        for table in item["tables"]:
            cells += [table["label_header"]] + [cell["text"] for row in table["header_rows"] for cell in row]
            cells += [row["label"] for row in table["rows"]]
        cells += re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", item["content"], re.S)
        for section in item["composition_sections"]:
            cells += [value for row in section["rows"] for value in row.values()]
    for section in context["composition"]:
        cells += [value for row in section["rows"] for value in row.values()]
    rdd = context["rdd"] or {}
    cells += [row["carried_by"] for row in rdd.get("follow_ups", []) + rdd.get("commitments", [])]
    words = set()
    for cell in cells:
        words |= {word for word in re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", cell))) if len(word) >= 5}
    return words


@pytest.mark.parametrize("name", ["paca-2025", "paca-2024", "cote-dor-2025", "paca-2025-rdd"])
def test_no_word_is_broken_inside_a_table_cell(rendered, name):
    document = rendered[name]
    printed = set(re.findall(r"\w+", " ".join(document["pages"]).casefold()))
    words = _cell_words(document["context"])
    assert words or name == "paca-2025-rdd"
    assert sorted(word for word in words if word.casefold() not in printed) == []


def test_porte_par_is_never_cut(rendered):
    text = " ".join(rendered["paca-2025"]["pages"])
    assert "Section professionnelle" in text
    assert "Secti on" not in text and "Secti/on" not in text


def test_tables_are_set_at_nine_points_at_least(rendered):
    sizes = set()
    reader = PdfReader(io.BytesIO(rendered["paca-2025"]["pdf"]))
    page = next(reader.pages[i] for i, text in enumerate(rendered["paca-2025"]["pages"]) if "261 355 100" in text)

    def visitor(text, cm, tm, font, size):
        if text.strip() and re.fullmatch(r"[\d  ,%-]+", text.strip()):
            sizes.add(round(size * tm[0], 1) if tm[0] else size)

    page.extract_text(visitor_text=visitor)
    assert sizes and min(sizes) >= 9


# The right content in each version


def test_the_convocation_of_the_upcoming_session_holds_none_of_its_outcomes(rendered):
    text = " ".join(rendered["upcoming"]["pages"])
    outcomes = rendered["upcoming-outcomes"]
    assert outcomes["answers"] and outcomes["decisions"]
    for said in outcomes["answers"] + outcomes["decisions"] + outcomes["summaries"]:
        assert " ".join(said.split())[:60].replace("'", "’") not in text
    assert "Réponse :" not in text
    assert "Décision actée" not in text
    assert "Relevé de décisions" not in text
    assert not any("relevé de décisions" in alt for alt in rendered["upcoming"]["walk"].figures)


def test_the_convocation_of_the_upcoming_session_holds_its_questions_and_follow_up(rendered):
    text = " ".join(rendered["upcoming"]["pages"])
    assert "1- Question :" in text
    assert "SUIVI DES ENGAGEMENTS" in text


def test_the_2025_convocation_does_not_name_the_presidency_designated_in_that_session(rendered):
    convocation = " ".join(rendered["paca-2025-convocation"]["pages"])
    final = " ".join(rendered["paca-2025"]["pages"])
    assert "La désignation du président et du vice-président de la commission sera réalisée en séance." in convocation
    assert "Présidente de la commission Mme KERN Colette" not in convocation
    assert "Présidente de la commission Mme KERN Colette" in final
    assert "Séance présidée par" not in convocation


def test_the_pictogram_is_only_on_the_pages_of_an_rdd(rendered):
    for name in ("cote-dor-2025", "upcoming", "paca-2025-convocation"):
        assert rendered[name]["context"]["rdd_pages"] is False
        assert not any("relevé de décisions" in alt.casefold() for alt in rendered[name]["walk"].figures)
    final = rendered["paca-2025"]
    decision_pages = [page for page in final["pages"] if "Décision actée :" in page]
    assert decision_pages and all("Relevé de décisions" in page for page in decision_pages)


def test_a_commission_without_a_presidency_rule_shows_a_designation_in_session(rendered):
    text = " ".join(rendered["reunion-2023"]["pages"])
    assert "Présidence : désignée en séance." in text
    assert "non déterminée" not in text
    assert "n’est pas renseignée" not in text


def test_the_2024_support_cites_article_49_and_the_2025_one_article_48(rendered):
    support_2024 = " ".join(rendered["paca-2024"]["pages"])
    support_2025 = " ".join(rendered["paca-2025"]["pages"])
    assert "L’article 49 paragraphe 1 de la convention nationale" in support_2024
    assert "article 48" not in support_2024
    assert "L’article 48 paragraphe 1 de la convention nationale" in support_2025
    assert "article 49" not in support_2025


@pytest.mark.parametrize("name", SUPPORTS)
def test_one_apostrophe_and_source_said_once(rendered, name):
    text = " ".join(rendered[name]["pages"])
    assert re.findall(r"\w'\w", text) == []
    assert "Source : Source" not in text


# Charts


@pytest.mark.parametrize("name", ["paca-2025", "cote-dor-2025"])
def test_text_and_charts_are_set_in_the_same_fonts(rendered, name):
    fonts = set()
    with pikepdf.open(io.BytesIO(rendered[name]["pdf"])) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts.add(str(font.BaseFont).split("+", 1)[-1])
            for xobject in page.Resources.get("/XObject", {}).values():
                for font in xobject.get("/Resources", {}).get("/Font", {}).values():
                    fonts.add(str(font.BaseFont).split("+", 1)[-1])
    assert fonts and {font.split("-")[0] for font in fonts} == {"Liberation"}


def test_the_amounts_tables_show_the_charts_of_the_seeds(rendered):
    titles = [
        chart["title"]
        for item in rendered["paca-2025"]["context"]["agenda"]
        for table in item["tables"]
        for chart in table["charts"]
    ]
    assert "Évolution des montants par poste (PCAP)" in titles
    assert "Répartition des montants par poste" in titles
    assert "Répartition des montants par régime" in titles
    assert "Taux de professionnels en SESAM-Vitale et en SCOR par département" in titles


# Annexes


def test_pdf_attachments_are_appended_as_bookmarked_annexes(rendered):
    document = rendered["annexed"]
    assert ANNEX_TEXT in document["pages"][-1]
    bookmarks = document["walk"].bookmarks
    assert (1, "Annexes") in bookmarks
    assert (2, "Annexe 1 – 03 convention.pdf") in bookmarks
    text = " ".join(document["pages"])
    assert "convention.pdf — en annexe 1 de ce support" in text
    assert "liste.xlsx" in text
    assert "carte.png" in text  # the image placed in its item, with its name as caption


# PDF/UA: the structure tree walked with pikepdf


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_structure_element_is_orphaned(rendered, name):
    assert rendered[name]["walk"].orphans == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_table_header_has_a_scope(rendered, name):
    tree = rendered[name]["walk"]
    assert tree.headers > 0
    assert tree.headers_without_scope == 0


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_h1_and_headings_nested_without_skipping_a_level(rendered, name):
    tree = rendered[name]["walk"]
    assert tree.h1 == 1
    assert tree.nested_headings == []
    assert tree.skipped_levels == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_figure_has_an_alternative_text_and_the_language_is_in_the_xmp(rendered, name):
    tree = rendered[name]["walk"]
    assert tree.figures_without_alt == 0
    assert tree.lang == "fr"
    assert tree.language_in_xmp == ["fr"]


def test_the_rdd_pictogram_is_reachable_with_its_alternative_text(rendered):
    for name in ("paca-2025", "paca-2025-rdd"):
        assert "Pictogramme du relevé de décisions : page du relevé de décisions" in rendered[name]["walk"].figures


@pytest.mark.parametrize("name", DOCUMENTS)
def test_bookmarks_are_numbered_nested_and_once_each(rendered, name):
    bookmarks = rendered[name]["walk"].bookmarks
    titles = [title for _, title in bookmarks]
    assert len(titles) == len(set(titles))
    context = rendered[name]["context"]
    for item in context["agenda"]:
        label = f"{item['number']} {item['title']}"
        if label in titles:
            assert (item["depth"], label) in bookmarks
    if context["kind"] == "support":
        expected = [f"{item['number']} {item['title']}" for item in context["agenda"]]
        assert [title for title in titles if re.match(r"\d", title)] == expected
    else:
        assert titles[0] == "Relevé de décisions"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_catalog_and_metadata_say_what_pdf_ua_asks(rendered, name):
    tree = rendered[name]["walk"]
    assert tree.catalog["marked"] and tree.catalog["display_doc_title"]
    assert tree.catalog["title"]
    assert tree.catalog["pdfua_part"] == "1"
    assert tree.pages_with_annotations_not_in_structure_order == []
