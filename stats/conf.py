"""Settings of the statistics, each with a default (override them in portal/settings.py if needed).

- STATS_EXTRACT_BLOCK_BYTES: bytes of a national extract read and cleaned at a time (its progress is saved after
  each block). 2 MiB: a few blocks are in flight between the reading, the cleaning threads and the COPY, and the
  worker's memory stays near 450 MiB whatever the file's size (8 MiB blocks: 780 MiB at 10 million lines, for the
  same processor time). Also read from the environment, so that a fault test can give a worker small blocks.
"""

import os

from django.conf import settings


def get(name: str):
    defaults = {
        "STATS_EXTRACT_BLOCK_BYTES": int(os.environ.get("STATS_EXTRACT_BLOCK_BYTES", 2 << 20)),
    }
    return getattr(settings, name, defaults[name])
