"""The one sanitiser of rich text: every HTML content is passed through `sanitize_html` before it is saved.

Agenda items and library blocks carry what the source documents show on their
pages: headings, lists, tables, links and images. Images may only come from the
portal itself (MEDIA_URL or a relative address), never from another site: the
portal runs on an intranet and must not leak who reads what.

Rich text is shown inside cached fragments of pages, where `portal.generations` puts each reader's CSRF token
in place of a fixed marker: the marker is removed from every content, or a link in an agenda item
("https://ailleurs.example/?t=<marker>") would carry the token of whoever clicks it to another site.
"""

from urllib.parse import urlsplit

import nh3
from django.conf import settings

from .generations import CSRF_PLACEHOLDER

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "blockquote",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "a",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def is_portal_image(src: str) -> bool:
    """An image address under MEDIA_URL or relative to the portal (no scheme, no host).

    Browsers read a backslash as a slash and drop tabs and line breaks inside an address, so
    "/\\tracker.example/p.gif" would load from another host: such characters, and any "..",
    make the address refused. The editor's images are uploaded to MEDIA_URL + "agenda/<meeting>/images/"
    or "contenus/<commission>/images/" (commissions.meetings.views.images), which pass.
    """
    src = src.strip()
    if not src or any(char == "\\" or ord(char) < 32 or char.isspace() for char in src):
        return False
    if ".." in src.split("?", 1)[0].split("/"):
        return False
    if settings.MEDIA_URL and src.startswith(settings.MEDIA_URL):
        return True
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc and not src.startswith("//")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_portal_image(value) else None
    return value


def sanitize_html(html: str | None) -> str:
    """Rich text reduced to the allowed tags and attributes; scripts, styles and their content removed."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # After cleaning, which decodes entities ("csrf&#45;token…"); again until none is left, since removing
    # one may join the two halves of another around it.
    while CSRF_PLACEHOLDER in cleaned:
        cleaned = cleaned.replace(CSRF_PLACEHOLDER, "")
    return cleaned.strip()
