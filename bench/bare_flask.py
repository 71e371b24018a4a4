"""The ceiling of the race: Flask answering a precomputed 2 KB JSON body, nothing else.

Why: it shows what a sync gunicorn worker and Flask cost per request on this machine, the
floor under any Flask service; `bench/compare.py` serves it with 2 sync workers.
"""

from __future__ import annotations

import json

from flask import Flask, Response

_BODY = json.dumps({"data": [{"type": "expanses", "id": str(n), "attributes": {"note": "x" * 40}} for n in range(20)]})

app = Flask(__name__)


@app.get("/")
def precomputed() -> Response:
    return Response(_BODY, mimetype="application/json")
