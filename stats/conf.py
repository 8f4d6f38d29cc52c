"""Settings of the statistics, each with a default (override them in portal/settings.py if needed).

- STATS_EXTRACT_BLOCK_BYTES: bytes of a national extract read and cleaned at a time (its progress is saved after
  each block). Also read from the environment, so that a fault test can give a worker process small blocks.
"""

import os

from django.conf import settings


def get(name: str):
    defaults = {
        "STATS_EXTRACT_BLOCK_BYTES": int(os.environ.get("STATS_EXTRACT_BLOCK_BYTES", 8 << 20)),
    }
    return getattr(settings, name, defaults[name])
