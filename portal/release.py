"""The release the code and templates make: a hash of every Python file, template and static file of the project,
computed once at start-up (PORTAL_RELEASE overrides it).

It is the cache's KEY_PREFIX, so that a deployment that changes a template or the code that fills a cached
part never serves a part rendered by the previous release, and nothing has to empty the cache at deploy time.
"""

import hashlib
import os
from pathlib import Path

_SOURCES = (".py", ".html", ".txt", ".css", ".js")
_SKIPPED = {".venv", "node_modules", "staticfiles", "media", ".git", "tests", "bench", "__pycache__"}


def code_release(base_dir: Path) -> str:
    """Twelve hex digits that change whenever a source file's path or content changes."""
    digest = hashlib.sha256()
    files = []
    for folder, subfolders, names in os.walk(base_dir):
        subfolders[:] = [name for name in subfolders if name not in _SKIPPED and not name.startswith(".")]
        files.extend(Path(folder, name) for name in names if name.endswith(_SOURCES))
    files.sort()
    for path in files:
        digest.update(str(path.relative_to(base_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]
