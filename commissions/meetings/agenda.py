"""Writes of a meeting's agenda: items numbered in a tree of three levels, moved, deleted, attachments and
library blocks inserted. Each write locks the meeting's row first (`_lock_agenda`) so that concurrent edits
renumber one after the other.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from portal import generations
from portal.sanitize import sanitize_html

from .lifecycle import Fact, require_open
from .models import (
    AGENDA_MAX_LEVEL,
    AgendaAttachment,
    AgendaItem,
    ContentBlock,
    Meeting,
)


def _siblings(meeting: Meeting, parent_id: int | None):
    return AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).order_by("position", "id")


def _renumber(ordered: list[AgendaItem]) -> None:
    """Give siblings the positions 1..n in that order, without ever breaking the unique (parent, position)."""
    if not ordered:
        return
    # Row by row in two passes: PostgreSQL checks a non-deferrable unique index at each row.
    top = max(item.position for item in ordered) + len(ordered) + 1
    for offset, item in enumerate(ordered):
        AgendaItem.objects.filter(pk=item.pk).update(position=top + offset)
    for rank, item in enumerate(ordered, start=1):
        AgendaItem.objects.filter(pk=item.pk).update(position=rank)
        item.position = rank


def _subtree_height(item: AgendaItem) -> int:
    """0 for a leaf, 1 when it has children, 2 with grandchildren."""
    children = list(item.children.all())
    if not children:
        return 0
    return 1 + max(_subtree_height(child) for child in children)


def _set_levels(item: AgendaItem, level: int) -> None:
    AgendaItem.objects.filter(pk=item.pk).update(level=level)
    item.level = level
    for child in item.children.all():
        _set_levels(child, level + 1)


def _lock_agenda(meeting: Meeting) -> Meeting:
    # Agenda edits of one meeting are serialised on the meeting row. They renumber items with update(), which
    # sends no signal: the commission's cached meeting pages are let go here (portal.generations).
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_open(locked, Fact.AGENDA)
    generations.bump(generations.part_of(generations.MEETINGS, locked.commission_id))
    return locked


def _place_among(meeting: Meeting, parent: AgendaItem | None, before: AgendaItem | None) -> AgendaItem | None:
    """The parent an item placed `before` an item (or at the end of `parent`'s sub-items) gets, both checked."""
    if before is not None:
        before = AgendaItem.objects.filter(pk=before.pk, meeting=meeting).first()
        if before is None:
            raise ValidationError({"before": "Ce point n'appartient pas à cette réunion (ou vient d'être supprimé)."})
        if parent is not None and parent.pk != before.parent_id:
            raise ValidationError({"before": "Ce point n'est pas un sous-point du point choisi."})
        return before.parent
    if parent is not None and parent.meeting_id != meeting.pk:
        raise ValidationError({"parent": "Ce point n'appartient pas à cette réunion."})
    return parent


def _insert(ordered: list[AgendaItem], item: AgendaItem, before: AgendaItem | None) -> list[AgendaItem]:
    """`ordered` (siblings, `item` left out) with `item` put before `before`, or at the end."""
    rest = [sibling for sibling in ordered if sibling.pk != item.pk]
    index = next((i for i, sibling in enumerate(rest) if before is not None and sibling.pk == before.pk), len(rest))
    return [*rest[:index], item, *rest[index:]]


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    parent: AgendaItem | None = None,
    before: AgendaItem | None = None,
    speaker: str = "",
    content: str = "",
    standard: bool = False,
) -> AgendaItem:
    """A new item at the end of the agenda, or at the end of a parent's sub-items, or before the item `before`
    (at its level: the items from there on are renumbered). `standard`: one of a new session's standard items."""
    _lock_agenda(meeting)
    parent = _place_among(meeting, parent, before)
    level = 1
    if parent is not None:
        level = parent.level + 1
        if level > AGENDA_MAX_LEVEL:
            raise ValidationError({"parent": f"L'ordre du jour compte au plus {AGENDA_MAX_LEVEL} niveaux."})
    last = _siblings(meeting, parent.pk if parent else None).aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        parent=parent,
        level=level,
        position=last + 1,
        title=title.strip(),
        speaker=speaker,
        content=sanitize_html(content),
        standard=standard,
    )
    item.full_clean()
    item.save()
    if before is not None:
        _renumber(_insert(list(_siblings(meeting, item.parent_id)), item, before))
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, title: str, speaker: str = "", content: str = "") -> AgendaItem:
    _lock_agenda(item.meeting)
    item.title = title.strip()
    item.speaker = speaker
    item.content = sanitize_html(content)
    item.full_clean()
    item.save(update_fields=["title", "speaker", "content", "updated_at"])
    return item


class Move:
    UP = "up"
    DOWN = "down"
    INDENT = "indent"
    OUTDENT = "outdent"
    ALL = (UP, DOWN, INDENT, OUTDENT)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item up or down among its siblings, under its previous sibling (indent) or beside its parent.

    The numbering follows, since it is computed from the positions.
    """
    if direction not in Move.ALL:
        raise ValidationError("Déplacement inconnu.")
    meeting = _lock_agenda(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    siblings = list(_siblings(meeting, item.parent_id))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)

    if direction in (Move.UP, Move.DOWN):
        target = index - 1 if direction == Move.UP else index + 1
        if not 0 <= target < len(siblings):
            where = "en tête" if direction == Move.UP else "en dernière position"
            raise ValidationError(f"Le point est déjà {where}.")
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
    elif direction == Move.INDENT:
        if index == 0:
            raise ValidationError("Le premier point d'un niveau ne peut devenir un sous-point : aucun point au-dessus.")
        new_parent = siblings[index - 1]
        if new_parent.level + 1 + _subtree_height(item) > AGENDA_MAX_LEVEL:
            raise ValidationError(f"L'ordre du jour compte au plus {AGENDA_MAX_LEVEL} niveaux.")
        children = list(_siblings(meeting, new_parent.pk))
        top = max([child.position for child in children], default=0) + 1
        AgendaItem.objects.filter(pk=item.pk).update(parent=new_parent, position=top, level=new_parent.level + 1)
        item.parent, item.position = new_parent, top
        _set_levels(item, new_parent.level + 1)
        _renumber([*children, item])
        _renumber([sibling for sibling in siblings if sibling.pk != item.pk])
    else:
        if item.parent_id is None:
            raise ValidationError("Ce point est déjà au premier niveau.")
        parent = item.parent
        uncles = list(_siblings(meeting, parent.parent_id))
        top = max(uncle.position for uncle in uncles) + 1
        AgendaItem.objects.filter(pk=item.pk).update(parent=parent.parent, position=top, level=parent.level)
        item.parent, item.position = parent.parent, top
        _set_levels(item, parent.level)
        at = next(i for i, uncle in enumerate(uncles) if uncle.pk == parent.pk)
        uncles.insert(at + 1, item)
        _renumber(uncles)
        _renumber([sibling for sibling in siblings if sibling.pk != item.pk])
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_place(
    *, item: AgendaItem, parent: AgendaItem | None = None, before: AgendaItem | None = None
) -> AgendaItem:
    """Move an item, with its sub-items, before the item `before` (at its level), or at the end of `parent`'s
    sub-items (of the agenda's top level without a parent): what a drag and drop does.

    Refused under itself or one of its own sub-items, and beyond three levels. Both the siblings it leaves and
    the ones it joins are renumbered.
    """
    meeting = _lock_agenda(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    parent = _place_among(meeting, parent, before)
    if before is not None and before.pk == item.pk:
        return item  # dropped where it was
    if parent is not None and parent.pk in _descendants_and_self(item):
        raise ValidationError("Un point ne peut devenir un sous-point de lui-même ni de l'un de ses sous-points.")
    level = parent.level + 1 if parent is not None else 1
    if level + _subtree_height(item) > AGENDA_MAX_LEVEL:
        raise ValidationError(f"L'ordre du jour compte au plus {AGENDA_MAX_LEVEL} niveaux.")
    parent_id = parent.pk if parent is not None else None
    siblings = list(_siblings(meeting, parent_id))
    left = item.parent_id
    if left != parent_id:
        # Parked after the new siblings first, so that no (parent, position) is ever taken twice.
        top = max((sibling.position for sibling in siblings), default=0) + 1
        AgendaItem.objects.filter(pk=item.pk).update(parent=parent, position=top, level=level)
        item.parent, item.position = parent, top
        _set_levels(item, level)
    _renumber(_insert(siblings, item, before))
    if left != parent_id:
        _renumber(list(_siblings(meeting, left)))
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    """Delete an item with its sub-items and attachments; the following items are renumbered."""
    meeting = _lock_agenda(item.meeting)
    parent_id = item.parent_id
    files = [attachment.file for attachment in AgendaAttachment.objects.filter(item__in=_descendants_and_self(item))]
    item.delete()
    _renumber(list(_siblings(meeting, parent_id)))
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))


def _descendants_and_self(item: AgendaItem) -> list[int]:
    ids = [item.pk]
    for child in item.children.all():
        ids.extend(_descendants_and_self(child))
    return ids


@transaction.atomic
def agenda_attachment_add(*, item: AgendaItem, upload, user=None) -> AgendaAttachment:
    name = (upload.name or "fichier").rsplit("/", 1)[-1][:255]
    attachment = AgendaAttachment(item=item, original_name=name, uploaded_by=user)
    attachment.file.save(name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def agenda_attachment_delete(*, attachment: AgendaAttachment) -> None:
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def agenda_item_insert_block(*, item: AgendaItem, block: ContentBlock) -> AgendaItem:
    """Append a library block's content to an item's content (a copy: later edits of the block do not follow)."""
    if block.commission_id not in (None, item.meeting.commission_id):
        raise ValidationError("Ce bloc n'appartient pas à cette commission.")
    return agenda_item_update(
        item=item,
        title=item.title,
        speaker=item.speaker,
        content="\n".join(part for part in (item.content, block.content) if part),
    )
