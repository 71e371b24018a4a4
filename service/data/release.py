"""A fingerprint of this release's files: what cached answers and data snapshots were made by.

Why its own module: the answer memory (service/web/caching.py) and the data snapshots
(service/data/snapshot_store.py) must both be told apart from an older release's, and the
snapshot side runs in the gunicorn master's check process, which needs no web framework.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: The service's own code (the `service` package): the parsers and the snapshot layout live here.
SERVICE_CODE = Path(__file__).resolve().parents[1]


def release_fingerprint(places: tuple[Path, ...]) -> str:
    """SHA-256 of every file under `places`, so that a new release never answers 304 for an old body."""
    digest = hashlib.sha256()
    for place in places:
        for path in sorted(place.rglob("*")) if place.is_dir() else [place]:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(place.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
