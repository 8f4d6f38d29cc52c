"""Everything a support shows, as plain data (strings, numbers, lists, dicts), read once from the other apps.

`support_context(meeting)` is the only reader: the PDF template gets its result
and nothing else, and `inputs_hash` hashes it, so an unchanged support is
never rendered twice. Rich text is sanitised again here, whatever was stored.

Where the data come from:
- the meeting, its agenda and composition: commissions (presidency_for, composition_on, agenda_flat);
- the RDD parts (final version of a session only: summaries, decisions, approval block, commitments taken)
  and, for every session, the follow-up of earlier commitments and the questions of the profession:
  decisions (selectors);
- the statistics tables attached to agenda items, with their charts: stats (selectors, chart, export).

The CNIL notice is a reusable content block whose title contains "CNIL" (the
commission's own block first, else the common one), so that the secretariat
edits it in the block library; without such a block, the setting
SUPPORTS_CNIL_TEXT (default: the text of the source documents) is used.
"""

import datetime
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from commissions.composition.models import Commission, SectionKind
from commissions.composition.presidency import PresidencyUnknown, presidency_article_on, presidency_for
from commissions.composition.selectors import composition_on
from commissions.meetings.models import ContentBlock, Meeting
from commissions.meetings.selectors import agenda_flat, next_meeting_label
from members.models import Person
from portal.formats import date_long, date_short, format_number
from portal.sanitize import sanitize_html

from . import conf

INSTITUTION = "l'Assurance Maladie"
MOTTO = "Agir ensemble, protéger chacun"
EMPTY_QUESTIONS = "A ce jour, la section professionnelle n'a fait remonter aucune question."
TO_BE_SET = "Date à fixer"
VACANT = "à pourvoir"


def support_context(meeting: Meeting, *, kind: str = "support", version: str = "convocation") -> dict:
    """The support (kind "support") or the RDD alone (kind "rdd") of a meeting, as plain data.

    The convocation version (sent before the meeting) holds only what is known before it: the agenda, the tables,
    the questions received and the follow-up prepared; none of the session's own outcomes (answers, decisions,
    designations made in session, the RDD's pages and pictogram).
    """
    meeting = Meeting.objects.select_related("commission__secretariat_organisation", "presided_by").get(pk=meeting.pk)
    commission = meeting.commission
    is_session = meeting.is_session
    final = version == "final" or kind == "rdd"
    # The RDD document and the final support state the session as the RDD does (its attendance list, seed 001).
    rdd = rdd_context(meeting, include_records=final, stated=final) if is_session else None
    # The RDD's pages (with their pictogram) exist only where an RDD records the session: its final version.
    rdd_pages = bool(rdd and rdd["exists"] and final)
    # An information meeting (003) is not a session of the commission: no presidency nor composition pages.
    with_sections = kind == "support" and is_session
    presidency = presidency_context(commission, meeting, final=final) if with_sections else None
    composition = composition_context(commission, meeting.date) if with_sections else []
    if presidency is not None and presidency["known"]:
        presidency["section_presidents"] = [
            {"label": section["president_label"], "name": section["president"]}
            for section in composition
            if section["president"]
        ]
    agenda = agenda_context(meeting, rdd, rdd_pages=rdd_pages, presidency=presidency, composition=composition)
    placed = {label for item in agenda for label in item["composition_here"]}
    meta = meta_context(meeting, final=final)
    if rdd and rdd.get("facts"):
        # The RDD document prints the session as its RDD states it (its snapshot once submitted), not as the
        # directory has it since.
        meta = stated_meta(meta, rdd["facts"])
    context = {
        "agenda_has_follow_up": any(item["holds_follow_up"] for item in agenda),
        "agenda_has_questions": any(item["holds_questions"] for item in agenda),
        "kind": kind,
        "version": version,
        "final": final,
        "rdd_pages": rdd_pages,
        "meta": meta,
        "agenda": agenda,
        "presidency": presidency,
        "presidency_in_agenda": any(item["presidency_here"] for item in agenda),
        "composition": [section for section in composition if section["label"] not in placed],
        "secretariat": secretariat_context(commission),
        "rdd": rdd,
        "cnil": cnil_notice(commission) if kind == "support" else "",
        "next_meeting": next_meeting_label(meeting) or TO_BE_SET,
    }
    return typeset(context)


# Typography: one apostrophe (the typographic one) in every text the support prints, markup and charts aside.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NOT_TEXT = {"svg", "digest", "src", "path", "trail_head", "email"}


def typeset(value, key: str = ""):
    """The context with ' between two letters written ’ (the seeds mix both); SVG, paths and digests untouched."""
    if key in _NOT_TEXT:
        return value
    if isinstance(value, str):
        return _APOSTROPHE.sub("’", value)
    if isinstance(value, dict):
        return {name: typeset(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [typeset(item, key) for item in value]
    if isinstance(value, tuple):
        return tuple(typeset(item, key) for item in value)
    return value


def inputs_hash(context: dict) -> str:
    """SHA-256 of the data and of the layout (template, stylesheet, pictogram): what a rendering depends on."""
    payload = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((layout_digest() + payload).encode()).hexdigest()


@lru_cache(maxsize=1)
def layout_digest() -> str:
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder, pattern in (("templates/supports", "pdf*.html"), ("static/supports", "*")):
        for path in sorted((root / folder).glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


# The meeting


def meta_context(meeting: Meeting, *, final: bool = True) -> dict:
    commission = meeting.commission
    label = meeting.title or ("Séance de la commission" if meeting.is_session else "Réunion d'information")
    when = date_long(meeting.date, weekday=True)
    hours = f"{meeting.start_time:%H}h{meeting.start_time:%M}"
    if meeting.end_time:
        hours += f" – {meeting.end_time:%H}h{meeting.end_time:%M}"
    return {
        "meeting_id": meeting.pk,
        "institution": INSTITUTION,
        "motto": MOTTO,
        "commission": commission.name,
        "level": commission.get_level_display(),
        "profession": commission.profession,
        "territory": commission.territory,
        "title": label,
        "is_session": meeting.is_session,
        "date": date_short(meeting.date),
        "date_long": when,
        "hours": hours,
        "place": meeting.place,
        # Who presided is an outcome of the session: not in the convocation version.
        "presided_by": meeting.presided_by.display_name if meeting.presided_by and final else "",
        "document_title": f"{label} du {date_short(meeting.date)} — {commission.name}",
        "footer": f"{commission.name} – {date_short(meeting.date)}",
    }


def stated_meta(meta: dict, facts: dict) -> dict:
    """The meeting's part of `meta_context` taken from the facts an RDD states (decisions.facts)."""
    day = datetime.date.fromisoformat(facts["date"])
    hours = facts["start_time"].replace(":", "h")
    if facts.get("end_time"):
        hours += " – " + facts["end_time"].replace(":", "h")
    commission = facts["commission"]
    presided_by = facts.get("presided_by") or {}
    return {
        **meta,
        "commission": commission,
        "date": date_short(day),
        "date_long": date_long(day, weekday=True),
        "hours": hours,
        "place": facts.get("place", ""),
        "presided_by": presided_by.get("name", ""),
        "document_title": f"{meta['title']} du {date_short(day)} — {commission}",
        "footer": f"{commission} – {date_short(day)}",
    }


def agenda_context(
    meeting: Meeting,
    rdd: dict | None,
    *,
    rdd_pages: bool = False,
    presidency: dict | None = None,
    composition: list[dict] | None = None,
) -> list[dict]:
    """The agenda in reading order, each item with its sanitised content, tables, attachments and RDD record.

    The standard items on the presidency and the composition show the generated sections (the presidency in
    force, the composition on the meeting's date) in their place, instead of repeating them by hand: the rule's
    paragraphs and the composition tables typed in such an item are left out.
    """
    records = (rdd or {}).get("records_by_item", {})
    tables = stat_tables_context(meeting)
    attachments = attachments_context(meeting)
    nodes = list(agenda_flat(meeting))
    presidency_id = _deepest(nodes, "présidence") if presidency is not None else None
    composition_id = _deepest(nodes, "composition") if composition else None
    items = []
    annex_count = 0
    for node in nodes:
        item = node.item
        title_key = item.title.casefold()
        level = min(node.depth + 1, 6)
        content = demote_headings(sanitize_html(item.content), level)
        presidency_here = item.pk == presidency_id
        composition_here = _sections_named(item.title, composition or []) if item.pk == composition_id else []
        if presidency_here:
            content = _without_rule(content, presidency)
        if composition_here:
            content = _TABLE.sub("", content)
        item_tables = tables.get(item.pk, [])
        item_files = attachments.get(item.pk, [])
        for file in item_files:
            if file["kind"] == "pdf":
                annex_count += 1
                file["annex_number"] = annex_count
        own = bool(content or item_tables or item_files or presidency_here or composition_here)
        entry = {
            "id": item.pk,
            "empty": not own and not node.children,
            "number": node.number,
            "depth": node.depth,
            "level": level,
            "title": item.title,
            "speaker": item.get_speaker_display() if item.speaker else "",
            "content": content,
            "tables": item_tables,
            "images": [file for file in item_files if file["kind"] == "image"],
            "files": [file for file in item_files if file["kind"] != "image"],
            "presidency_here": presidency_here,
            "composition_here": composition_here,
            "composition_sections": [section for section in composition or [] if section["label"] in composition_here],
            "record": records.get(str(item.pk)) if rdd_pages else None,
            "has_children": bool(node.children),
            # A level-1 item with nothing of its own (its sub-items, or only its title: "Questions diverses")
            # is a divider page, the one page that holds only a heading.
            "divider": node.depth == 1 and not own,
            "holds_follow_up": "suivi des engagements" in title_key,
            "holds_questions": "questions de la profession" in title_key,
        }
        # Follow-up and questions: on the RDD's pages once it records the session, in the item before.
        standard = entry["holds_follow_up"] or entry["holds_questions"]
        entry["rdd_part"] = rdd_pages and standard
        entry["inline_part"] = rdd is not None and not rdd_pages and standard
        # An item with nothing of its own is shown once, on its RDD page, rather than on an empty slide first.
        entry["merged_into_rdd"] = entry["empty"] and bool(entry["record"] or entry["rdd_part"])
        entry["divider"] = entry["divider"] and not entry["merged_into_rdd"] and not entry["inline_part"]
        items.append(entry)
    return items


def _deepest(nodes, word: str) -> int | None:
    """The item whose title holds `word` and none of whose sub-items does (the first one)."""
    matching = [node for node in nodes if word in node.item.title.casefold()]
    for node in matching:
        if not any(child in matching for child in _descendants(node)):
            return node.item.pk
    return None


def _descendants(node) -> list:
    found = []
    for child in node.children:
        found.append(child)
        found.extend(_descendants(child))
    return found


def _sections_named(title: str, composition: list[dict]) -> list[str]:
    """The sections an item on the composition is about: the one its title names, else all."""
    key = title.casefold()
    named = [section["label"] for section in composition if section["label"].casefold() in key]
    return named or [section["label"] for section in composition]


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.I)


def _plain(html: str) -> str:
    text = _TAG.sub(" ", html).replace("\u2019", "'").replace("\xa0", " ")
    return " ".join(text.split()).casefold()


def _without_rule(content: str, presidency: dict | None) -> str:
    """The item's content without the paragraphs the generated presidency section already says."""
    said = _plain(" ".join([presidency.get("rule", ""), presidency.get("sentence", "")])) if presidency else ""

    def keep(match: re.Match) -> str:
        text = _plain(match.group(1))
        repeated = text and (text in said or (text.startswith("l'article") and "convention nationale" in text))
        return "" if repeated else match.group(0)

    return _PARAGRAPH.sub(keep, content)


def demote_headings(html: str, level: int) -> str:
    """Headings typed in an item's content placed under the item's own heading (h<level>), their steps kept:
    the content's highest heading becomes h<level + 1> (one H1 per document, no level skipped)."""
    found = [int(match.group(2)) for match in _HEADING.finditer(html)]
    if not found:
        return html
    shift = level + 1 - min(found)

    def move(match: re.Match) -> str:
        return f"<{match.group(1)}h{min(max(int(match.group(2)) + shift, 1), 6)}"

    return _HEADING.sub(move, html)


def attachments_context(meeting: Meeting) -> dict[int, list[dict]]:
    """The files attached to the agenda items: PDFs appended as annexes, images placed in their item, others listed."""
    from commissions.meetings.models import AgendaAttachment

    result: dict[int, list[dict]] = {}
    for attachment in AgendaAttachment.objects.filter(item__meeting=meeting).order_by("item_id", "uploaded_at", "pk"):
        name = attachment.original_name or Path(attachment.file.name).name
        suffix = Path(name).suffix.casefold()
        kind = "pdf" if suffix == ".pdf" else "image" if suffix in IMAGE_SUFFIXES else "file"
        result.setdefault(attachment.item_id, []).append(
            {
                "id": attachment.pk,
                "name": name,
                "kind": kind,
                "path": attachment.file.name,
                "src": settings.MEDIA_URL + attachment.file.name if kind == "image" else "",
                "uploaded_at": attachment.uploaded_at.isoformat(),
            }
        )
    return result


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}


# Presidency, composition, secretariat


def _titled(person, title: str) -> str:
    """'Présidente' for Mme, 'Président' otherwise."""
    return f"{title}e" if person is not None and person.civility == "Mme" else title


def presidency_context(commission: Commission, meeting: Meeting, *, final: bool = True) -> dict:
    """The presidency section: the rule with the article in force on the meeting's date, the presidency of the year.

    A commission without a rule (or without section presidents) shows that the presidency is designated in
    session, never an error; a presidency designated in this very session is not named in the convocation version.
    """
    article = presidency_article_on(commission, meeting.date)
    rule = (
        "La section professionnelle et la section sociale élisent chacune un président parmi leurs membres. "
        f"{'L’' + article if article else 'La convention nationale'}"
        f"{' de la convention nationale' if article else ''} précise que le président de la section "
        "professionnelle et celui de la section sociale assurent à tour de rôle, par période d’un an, "
        "la Présidence et la Vice-Présidence de la commission."
    )
    year = meeting.date.year
    unknown = {"year": year, "article": article, "rule": rule, "known": False, "sentence": "", "lines": []}
    try:
        presidency = presidency_for(commission, on=meeting.date)
    except PresidencyUnknown:
        return {**unknown, "message": "Présidence : désignée en séance."}
    sentence = (
        f"Au titre de l’année {year}, la présidence de la commission est assurée par le président "
        f"de la {presidency.president_section.label.lower()}."
    )
    designation = presidency.designation
    if designation is not None and designation.designated_on >= meeting.date and not final:
        return {
            **unknown,
            "sentence": sentence,
            "message": "La désignation du président et du vice-président de la commission sera réalisée en séance.",
        }
    president, vice = presidency.president, presidency.vice_president
    lines = [
        (_titled(president, "Président") + " de la commission", president.display_name),
        (_titled(vice, "Vice-Président") + " de la commission", vice.display_name),
    ]
    return {
        "year": year,
        "article": article,
        "rule": rule,
        "known": True,
        "sentence": sentence,
        "source": presidency.source_label,
        "lines": [{"label": label, "name": name} for label, name in lines],
        "message": "",
    }


def composition_context(commission: Commission, day: datetime.date) -> list[dict]:
    sections = []
    for composition in composition_on(commission, day):
        kind = SectionKind(composition.section.kind)
        rows, vacancies = [], []
        for row in composition.rows:
            organisation = row.seat.organisation.acronym
            titular = row.titular.person.display_name if row.titular else ""
            substitute = row.substitute.person.display_name if row.substitute else ""
            rows.append({"organisation": organisation, "titular": titular, "substitute": substitute})
            for role, name in (("titulaire", titular), ("suppléant", substitute)):
                if not name:
                    vacancies.append(f"Le poste de {role} pour {organisation} reste {VACANT}.")
        president = composition.president
        sections.append(
            {
                "label": kind.label,
                "president_label": _titled(president, "Président") + f" de la {kind.label.lower()}",
                "president": president.display_name if president else "",
                "rows": rows,
                "vacancies": vacancies,
            }
        )
    return sections


def secretariat_context(commission: Commission) -> dict:
    organisation = commission.secretariat_organisation
    return {
        "organisation": organisation.acronym if organisation else "",
        "organisation_name": organisation.name if organisation else "",
        "department": commission.secretariat_department,
        "contacts": [
            {"name": person.display_name, "email": person.email, "phone": person.phone}
            # Asked directly rather than through the commission's manager: the commission may come from the cache
            # (commissions.composition.access.commission_for), read by no query of this request.
            for person in Person.objects.filter(secretariat_of=commission).order_by("last_name", "first_name")
        ],
    }


def cnil_notice(commission: Commission) -> str:
    blocks = ContentBlock.objects.filter(title__icontains="cnil").order_by("title")
    block = blocks.filter(commission=commission).first() or blocks.filter(commission__isnull=True).first()
    return sanitize_html(block.content if block else conf.get("SUPPORTS_CNIL_TEXT"))


# RDD (decisions app)


def rdd_context(meeting: Meeting, *, include_records: bool, stated: bool = False) -> dict:
    """The RDD parts of a session. Records, decisions and approvals only in the final version.

    `stated`: with the facts the RDD states about its session (the RDD document): the meeting, the presiding
    person, the attendance and the section presidents, from its snapshot once submitted.
    """
    from decisions.facts import rdd_facts
    from decisions.models import Rdd, TrailEntry
    from decisions.selectors import (
        approval_lines,
        commitment_history,
        follow_ups,
        open_commitments,
        rdd_with_content,
    )

    rdd = rdd_with_content(Rdd.objects.filter(meeting=meeting)).order_by("-version").first()
    data: dict = {
        "exists": rdd is not None,
        "include_records": include_records,
        "status": "",
        "version": None,
        "preamble": "",
        "approvals": [],
        "transmitted_on": "",
        "trail_head": "",
        "records_by_item": {},
        "other_records": [],
        "commitments": [],
        "follow_ups": [],
        "questions": [],
        "empty_questions": EMPTY_QUESTIONS,
        "facts": None,
    }
    if rdd is not None and stated:
        data["facts"] = rdd_facts(rdd)
    if rdd is not None and include_records:
        agenda_ids = set(meeting.agenda_items.values_list("pk", flat=True))
        data.update(
            status=rdd.get_status_display(),
            approved=rdd.status in (Rdd.Status.APPROVED, Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED),
            version=rdd.version,
            preamble=rdd.preamble,
            approvals=approval_lines(rdd),
            transmitted_on=date_short(rdd.transmitted_at.date()) if rdd.transmitted_at else "",
        )
        head = TrailEntry.objects.filter(rdd=rdd).order_by("-sequence").values_list("entry_hash", flat=True).first()
        data["trail_head"] = head or ""
        for record in rdd.item_records.all():
            entry = {
                "number": record.number,
                "title": record.title,
                "speaker": record.speaker,
                "summary": record.summary,
                "decisions": [decision.text for decision in record.decisions.all()],
            }
            if not (entry["summary"] or entry["decisions"]):
                continue
            if record.agenda_item_id in agenda_ids:
                data["records_by_item"][str(record.agenda_item_id)] = entry
            else:
                data["other_records"].append(entry)
        data["commitments"] = [
            {"text": commitment.text, "carried_by": commitment.get_carried_by_display()}
            for commitment in rdd.commitments.all()
        ]
    if rdd is not None and include_records:
        rows = [(row.commitment, row.history + row.here) for row in follow_ups(rdd)]
    else:
        rows = [
            (commitment, [u for u in commitment_history(commitment) if u.rdd.meeting.date < meeting.date])
            for commitment in open_commitments(meeting.commission, before=meeting)
        ]
    data["follow_ups"] = [
        {
            "text": commitment.text,
            "carried_by": commitment.get_carried_by_display(),
            "taken_on": date_short(commitment.rdd.meeting.date),
            "states": [
                {"date": date_short(update.date), "status": update.status, "note": update.note, "closes": update.closes}
                for update in updates
            ],
        }
        for commitment, updates in rows
    ]
    if rdd is not None:
        # Before the session, the questions received; their answers are given in session.
        data["questions"] = [
            {
                "text": question.text,
                "answer": question.answer if include_records else "",
                "out_of_scope": question.out_of_scope and include_records,
                "post_commission": question.post_commission and include_records,
            }
            for question in rdd.questions.all()
        ]
    return data


# Statistics tables (stats app)


def stat_tables_context(meeting: Meeting) -> dict[int, list[dict]]:
    """The tables attached to the meeting's agenda items, keyed by item id, long ones cut to their first rows."""
    from stats.chart import table_charts
    from stats.models import StatTable
    from stats.selectors import table_view

    limit = conf.get("SUPPORTS_TABLE_MAX_ROWS")
    result: dict[int, list[dict]] = {}
    for table in StatTable.objects.filter(agenda_item__meeting=meeting).order_by("agenda_item_id", "title", "pk"):
        view = table_view(table)
        headers = [column.header for column in view.columns]
        all_rows = [
            {
                "label": row.row.label,
                "group": row.row.group_label
                if index == 0 or view.rows[index - 1].row.group_label != row.row.group_label
                else "",
                "subtotal": row.row.is_subtotal or row.row.label.strip().upper().startswith("TOTAL"),
                "cells": [
                    {"text": cell.text, "number": not cell.flag and cell.value is not None} for cell in row.cells
                ],
            }
            for index, row in enumerate(view.rows)
        ]
        shown, truncated, head_count = all_rows, False, len(all_rows)
        if len(all_rows) > limit:
            totals = [row for row in all_rows if row["subtotal"]][: max(limit // 3, 1)]
            head = [row for row in all_rows if not row["subtotal"]][: limit - len(totals)]
            shown, truncated, head_count = head + totals, True, len(head)
        digest = hashlib.sha256(json.dumps(all_rows, ensure_ascii=False).encode()).hexdigest()
        result.setdefault(table.agenda_item_id, []).append(
            {
                "id": table.pk,
                "title": table.title,
                "period": f"du {date_short(table.period_start)} au {date_short(table.period_end)}",
                "source": _SOURCE_WORD.sub("", table.source.strip()),
                "label_header": table.label_header or "Intitulé",
                "header_rows": _header_rows(headers),
                "has_groups": view.has_groups,
                "rows": shown,
                "row_count": format_number(len(all_rows)),
                "head_count": head_count,
                "truncated": truncated,
                "annex": f"tableau-{table.pk}.xlsx" if truncated else "",
                "digest": digest,
                "charts": []
                if truncated
                else [{"key": chart.key, "title": chart.title, "svg": chart.svg} for chart in table_charts(view)],
            }
        )
    return result


_SOURCE_WORD = re.compile(r"^source\s*:?\s*", re.I)


def _header_rows(headers: list[str]) -> list[list[dict]]:
    """Column headers "RG / Montants" as two rows (group cells merged), flat headers spanning both rows."""
    split = [header.split(" / ", 1) for header in headers]
    if not any(len(parts) == 2 for parts in split):
        return [[{"text": header, "span": 1, "rows": 1} for header in headers]]
    top: list[dict] = []
    bottom: list[dict] = []
    for parts in split:
        if len(parts) == 1:
            top.append({"text": parts[0], "span": 1, "rows": 2})
            continue
        group, measure = parts
        if top and top[-1]["text"] == group and top[-1]["rows"] == 1:
            top[-1]["span"] += 1
        else:
            top.append({"text": group, "span": 1, "rows": 1})
        bottom.append({"text": measure, "span": 1, "rows": 1})
    return [top, bottom]
