"""A walk of a PDF's structure tree with pikepdf: what veraPDF's PDF/UA-1 rules check that pikepdf can check too.

Written apart from supports.pdfua (which repairs WeasyPrint's output) so that the tests do not take the repair's
word for it: the walk reads the file as any checker would.
"""

import io
import re
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

HEADING = re.compile(r"^/H([1-6])$")


@dataclass
class Walk:
    elements: int = 0
    orphans: list[str] = field(default_factory=list)  # in the parent tree or the file, not reachable from the root
    headers_without_scope: int = 0
    headers: int = 0
    h1: int = 0
    nested_headings: list[str] = field(default_factory=list)
    skipped_levels: list[str] = field(default_factory=list)
    figures_without_alt: int = 0
    figures: list[str] = field(default_factory=list)  # the alternative texts
    language_in_xmp: list[str] = field(default_factory=list)
    lang: str = ""
    bookmarks: list[tuple[int, str]] = field(default_factory=list)  # (depth, title)
    catalog: dict = field(default_factory=dict)  # MarkInfo/Marked, DisplayDocTitle, dc:title, pdfuaid:part
    pages_with_annotations_not_in_structure_order: list[int] = field(default_factory=list)


def _kids(element) -> list:
    kids = element.get("/K")
    if isinstance(kids, Array):
        return [kid for kid in kids if isinstance(kid, Dictionary)]
    return [kids] if isinstance(kids, Dictionary) else []


def _text(element) -> str:
    return str(element.get("/Alt", "")) or str(element.get("/T", "")) or str(element.get("/S"))


def _check_element(result: Walk, element, tag: str, inside_heading: str, last_level: int) -> int:
    """Records what one element breaks; returns the level of the last heading seen."""
    heading = HEADING.match(tag)
    if heading:
        level = int(heading.group(1))
        if inside_heading:
            result.nested_headings.append(f"{tag} dans {inside_heading}")
        result.h1 += level == 1
        if level > last_level + 1:
            result.skipped_levels.append(f"H{last_level} puis {tag}")
        last_level = level
    if tag == "/TH":
        result.headers += 1
        attributes = element.get("/A")
        dictionaries = attributes if isinstance(attributes, Array) else [attributes]
        if not any(isinstance(a, Dictionary) and "/Scope" in a for a in dictionaries):
            result.headers_without_scope += 1
    if tag == "/Figure":
        if "/Alt" in element and str(element.Alt).strip():
            result.figures.append(str(element.Alt))
        else:
            result.figures_without_alt += 1
    return last_level


def _walk_tree(result: Walk, root) -> set:
    reachable: set = set()
    last_level = 0
    stack = [(kid, "") for kid in reversed(_kids(root))]
    while stack:
        element, inside_heading = stack.pop()
        if element.get("/Type") in (Name.MCR, Name.OBJR) or element.objgen in reachable:
            continue
        reachable.add(element.objgen)
        result.elements += 1
        tag = str(element.get("/S"))
        last_level = _check_element(result, element, tag, inside_heading, last_level)
        inside = tag if HEADING.match(tag) else inside_heading
        stack.extend((kid, inside) for kid in reversed(_kids(element)))
    return reachable


def _orphans(pdf, root, reachable: set) -> list[str]:
    found = []
    nums = root.ParentTree.Nums
    for index in range(1, len(nums), 2):
        entries = nums[index] if isinstance(nums[index], Array) else [nums[index]]
        for element in entries:
            if isinstance(element, Dictionary) and element.objgen not in reachable:
                found.append(f"{element.get('/S')} (arbre parent, clé {nums[index - 1]})")
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.StructElem and obj.objgen not in reachable:
            found.append(f"{obj.get('/S')} (objet {obj.objgen[0]})")
    return found


def _bookmarks(items, depth: int = 1) -> list[tuple[int, str]]:
    found = []
    for item in items:
        found.append((depth, item.title))
        found.extend(_bookmarks(item.children, depth + 1))
    return found


def walk(data: bytes) -> Walk:
    result = Walk()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        result.lang = str(pdf.Root.get("/Lang", ""))
        reachable = _walk_tree(result, root)
        result.orphans = _orphans(pdf, root, reachable)
        with pdf.open_metadata() as metadata:
            language = metadata.get("dc:language")
            result.language_in_xmp = list(language) if language else []
            result.catalog = {
                "marked": bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)),
                "display_doc_title": bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
                "title": str(metadata.get("dc:title", "")),
                "pdfua_part": str(metadata.get("pdfuaid:part", "")),
            }
        result.pages_with_annotations_not_in_structure_order = [
            number
            for number, page in enumerate(pdf.pages, start=1)
            if page.obj.get("/Annots") and page.obj.get("/Tabs") != Name.S
        ]
        with pdf.open_outline() as outline:
            result.bookmarks = _bookmarks(outline.root)
    return result
