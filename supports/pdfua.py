"""What WeasyPrint's PDF/UA-1 output lacks, added to the rendered PDF with pikepdf; the PDF attachments appended.

WeasyPrint 70 tags the page margins (running footer, page number, RDD pictogram) but leaves their structure
elements outside the tree (`pdf/tags.py`: "could be included in tree as Artifact, but that's only allowed in
PDF 2.0"), writes no `/Scope` on table headers and no `dc:language` in the XMP. `pdfua_finish`:

- turns every marked-content sequence whose structure element is not reachable from the tree's root into a
  pagination artifact (`/Artifact <</Type /Pagination>> BDC`) and drops it from the parent tree;
- gives every `TH` a `/Scope`: `/Column` in a row of headers only, `/Row` otherwise;
- writes `dc:language` (the document's `/Lang`) in the XMP;
- appends the PDF files attached to agenda items as annexes, each page a `Figure` of its own `Sect`
  (with its alternative text) in the tree, each annex bookmarked under "Annexes".
"""

import io
import logging
import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Annex:
    """A PDF attached to an agenda item, appended after the support."""

    number: int
    title: str
    data: bytes


def _key(obj) -> tuple[int, int]:
    return obj.objgen


def _reachable(root) -> set[tuple[int, int]]:
    """The structure elements reachable from the StructTreeRoot through /K."""
    seen: set[tuple[int, int]] = set()
    stack = list(_kids(root))
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary) or element.objgen == (0, 0) or _key(element) in seen:
            continue
        if element.get("/Type") in (Name.MCR, Name.OBJR):
            continue
        seen.add(_key(element))
        stack.extend(_kids(element))
    return seen


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    if isinstance(kids, Array):
        return [kid for kid in kids if isinstance(kid, Dictionary)]
    return [kids] if isinstance(kids, Dictionary) else []


# How pydyf writes WeasyPrint's marked content: "/Span <</MCID 12>> BDC".
_MARKED = re.compile(rb"/([A-Za-z0-9]+) <</MCID (\d+)>> BDC")
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


def _rewrite(data: bytes, orphans: set[int]) -> tuple[bytes, int]:
    count = 0

    def artifact(match: re.Match) -> bytes:
        nonlocal count
        if int(match.group(2)) not in orphans:
            return match.group(0)
        count += 1
        return _PAGINATION

    return _MARKED.sub(artifact, data), count


def _artifact_orphans(pdf: pikepdf.Pdf, reachable: set) -> int:
    """Marked content of unreachable elements becomes pagination artifacts. Returns how many were changed.

    The page's content stream is rewritten at the byte level (one regular expression), not parsed operator by
    operator: a page of tables holds tens of thousands of operators.
    """
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    changed = 0
    for index in range(0, len(nums), 2):
        page_number, mapping = int(nums[index]), nums[index + 1]
        if not isinstance(mapping, Array) or page_number >= len(pdf.pages):
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(mapping)
            if isinstance(element, Dictionary) and _key(element) not in reachable
        }
        if not orphans:
            continue
        page = pdf.pages[page_number]
        contents = page.obj.Contents
        for stream in list(contents) if isinstance(contents, Array) else [contents]:
            data = stream.read_bytes()
            rewritten, count = _rewrite(data, orphans)
            if count:
                stream.write(rewritten)
                changed += count
        for mcid in orphans:
            mapping[mcid] = None
    return changed


def _scope_headers(pdf: pikepdf.Pdf, reachable: set) -> int:
    """/Scope on every TH: a header in a row of headers heads its column, any other heads its row."""
    count = 0
    for objgen in reachable:
        element = pdf.get_object(objgen)
        if element.get("/S") != Name.TH:
            continue
        row = element.get("/P")
        cells = _kids(row) if row is not None else []
        all_headers = all(cell.get("/S") == Name.TH for cell in cells if cell.get("/S") in (Name.TH, Name.TD))
        scope = Name.Column if all_headers else Name.Row
        attributes = element.get("/A")
        if isinstance(attributes, Dictionary):
            attributes.Scope = scope
        elif isinstance(attributes, Array):
            table = next((a for a in attributes if isinstance(a, Dictionary) and a.get("/O") == Name.Table), None)
            if table is None:
                attributes.append(Dictionary(O=Name.Table, Scope=scope))
            else:
                table.Scope = scope
        else:
            element.A = Dictionary(O=Name.Table, Scope=scope)
        count += 1
    return count


def _language(pdf: pikepdf.Pdf) -> None:
    lang = str(pdf.Root.get("/Lang", "")) or "fr"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        metadata["dc:language"] = [lang]


def _append_annexes(pdf: pikepdf.Pdf, annexes: list[Annex]) -> list[str]:
    """Each annex's pages after the support, in the tree (Sect > Figure per page) and in the bookmarks.

    An annex that is not a readable PDF is left out and named in the returned list (shown in the log).
    """
    refused = []
    if not annexes:
        return refused
    document = pdf.Root.StructTreeRoot.K[0] if isinstance(pdf.Root.StructTreeRoot.K, Array) else None
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    with pdf.open_outline() as outline:
        group = pikepdf.OutlineItem("Annexes", len(pdf.pages))
        for annex in annexes:
            try:
                source = pikepdf.open(io.BytesIO(annex.data))
            except pikepdf.PdfError:
                refused.append(annex.title)
                continue
            first = len(pdf.pages)
            label = f"Annexe {annex.number} – {annex.title}"
            section = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Sect, P=document, K=Array(), T=String(label))
            )
            heading = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.H2, P=section, K=Array(), Alt=String(label))
            )
            section.K.append(heading)
            for page_index, source_page in enumerate(source.pages, start=1):
                pdf.pages.append(source_page)
                page = pdf.pages[-1]
                parent_key = _next_parent_key(nums)
                figure = pdf.make_indirect(
                    Dictionary(
                        Type=Name.StructElem,
                        S=Name.Figure,
                        P=section,
                        Pg=page.obj,
                        K=Array([0]),
                        Alt=String(f"{label}, page {page_index} sur {len(source.pages)}"),
                    )
                )
                section.K.append(figure)
                page.obj.StructParents = parent_key
                page.obj.Tabs = Name.S
                nums.append(parent_key)
                nums.append(Array([figure]))
                # The annex's own marks mean nothing in this tree: its whole page is one Figure.
                wrapped = [([Name.Figure, Dictionary(MCID=0)], pikepdf.Operator("BDC"))]
                for operands, operator in pikepdf.parse_content_stream(page):
                    if str(operator) in ("BDC", "BMC"):
                        operands, operator = [Name.Span], pikepdf.Operator("BMC")
                    wrapped.append((operands, operator))
                wrapped.append(([], pikepdf.Operator("EMC")))
                page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(wrapped))
                for annotation in page.obj.get("/Annots", []):
                    if annotation.get("/StructParent") is not None:
                        del annotation["/StructParent"]
            if document is not None:
                document.K.append(section)
            group.children.append(pikepdf.OutlineItem(label, first))
        if group.children:
            outline.root.append(group)
    return refused


def _next_parent_key(nums: Array) -> int:
    keys = [int(nums[index]) for index in range(0, len(nums), 2)]
    return max(keys, default=-1) + 1


def pdfua_finish(pdf_bytes: bytes, *, annexes: list[Annex] | None = None) -> tuple[bytes, list[str], int]:
    """The PDF with its margins as artifacts, its headers scoped, its language in the XMP and its annexes.

    Returns the bytes, the titles of annexes that could not be read and the number of pages.
    """
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        reachable = _reachable(pdf.Root.StructTreeRoot)
        _artifact_orphans(pdf, reachable)
        _scope_headers(pdf, reachable)
        refused = _append_annexes(pdf, annexes or [])
        _language(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        pages = len(pdf.pages)
    return out.getvalue(), refused, pages
