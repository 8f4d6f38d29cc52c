"""Signals the meetings room sends for the apps above it, which it must not import.

`meeting_created` is sent by `meeting_create` inside its transaction, with `meeting` and `standard_items`
(True when the secretariat's form creates the meeting): the decisions app then adds a new session's standard
items (approval of the previous RDD, follow-up of commitments, questions…), so that the meeting and its
standard agenda are saved together or not at all.
"""

from django.dispatch import Signal

meeting_created = Signal()
