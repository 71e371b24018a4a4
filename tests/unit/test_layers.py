"""The core runs without the web: importing the engine (and so the query model and the data) loads no framework."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers.live_server import REPO

WEB = ("flask", "werkzeug", "flask_rest_jsonapi_next", "marshmallow", "gunicorn")


def test_importing_the_engine_loads_no_web_framework() -> None:
    script = (
        "import json, sys\n"
        "import service.engine.table, service.query.parser\n"
        f"print(json.dumps(sorted(name for name in {WEB!r} if name in sys.modules)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(loaded.stdout) == []


def test_the_check_finds_a_framework_where_one_is_loaded() -> None:
    """The same check sees the framework in the app, so an empty list above means something."""
    script = f"import json, sys\nimport service.app\nprint(json.dumps([n for n in {WEB!r} if n in sys.modules]))\n"
    loaded = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert "flask" in json.loads(loaded.stdout)
