"""The WSGI application gunicorn serves: `gunicorn bench.drf_peer.wsgi` from the repository root."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.drf_peer.settings")
application = get_wsgi_application()
