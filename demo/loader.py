"""All the demo data, in the order they depend on each other, in one transaction."""

from dataclasses import dataclass

from django.db import transaction

from portal import generations

from .compositions import load_demo as load_compositions
from .meetings import load_demo_meetings
from .tables import load_demo_tables


@dataclass(frozen=True)
class DemoSummary:
    accounts: list[tuple[str, str]]
    meetings: list[str]
    tables: list


@transaction.atomic
def load_all() -> DemoSummary:
    """Compositions and accounts, then meetings and RDDs (they need the presidents), then tables (on agenda items)."""
    accounts = load_compositions()
    meetings = load_demo_meetings()
    tables = load_demo_tables()
    generations.bump_all()  # some rows are written in bulk, without the signals the cached pages listen to
    return DemoSummary(accounts=accounts, meetings=meetings, tables=tables)
