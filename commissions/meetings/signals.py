"""Signals the meetings room sends for the apps above it, which it must not import.

`meeting_created` is sent by `meeting_create` inside its transaction, with `meeting` and `standard_items`
(True when the secretariat's form creates the meeting): the decisions app then adds a new session's standard
items (approval of the previous RDD, follow-up of commitments, questions…), so that the meeting and its
standard agenda are saved together or not at all.

`convocation_attachments` is sent with `meeting` when a convocation is prepared or sent: each receiver returns a
file to attach as (name, bytes, MIME type), or None (the supports app: the convocation support, when current).
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

meeting_created = Signal()
convocation_attachments = Signal()


def attachments_for(meeting) -> list[tuple[str, bytes, str]]:
    """The files the apps above attach to the meeting's convocation (a receiver's failure attaches nothing: the
    convocation still leaves, with the portal's link to the documents)."""
    files = []
    for receiver, result in convocation_attachments.send_robust(sender=type(meeting), meeting=meeting):
        if isinstance(result, Exception):
            logger.error("Pièce jointe de la convocation %s non préparée (%s)", meeting.pk, receiver, exc_info=result)
        elif result:
            files.append(result)
    return files
