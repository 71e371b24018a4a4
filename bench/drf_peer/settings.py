"""Settings of the DJA peer: DJA's documented REST_FRAMEWORK block, production switches, one SQLite file.

What differs from a `startproject` default, and why: no admin, auth, sessions or templates (a
public read-only API needs none, so DRF runs without authentication); DEBUG off; persistent
database connections (`CONN_MAX_AGE`), a tuning Django's docs name. What differs from DJA's
suggested block: the browsable API renderer and the search filter are left out (the race sends
no `Accept: text/html` and no search), and the page size is ours (20).
"""

from __future__ import annotations

import os

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 - loopback benchmark, no sessions or signing
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.drf_peer.urls"
WSGI_APPLICATION = "bench.drf_peer.wsgi.application"

INSTALLED_APPS = [
    "rest_framework",
    "rest_framework_json_api",
    "django_filters",
    "bench.drf_peer.apps.DrfPeerConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DRF_PEER_DB", "drf-peer.db"),
        "CONN_MAX_AGE": None,  # one connection per worker thread, kept
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

# Resource types are named on each model (`JSONAPIMeta.resource_name`), not derived by DJA's
# JSON_API_FORMAT_TYPES / JSON_API_PLURALIZE_TYPES: those run the inflection library's regular
# expressions for every relationship of every record (60% of a list request's time, cProfile).

REST_FRAMEWORK = {
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "rest_framework_json_api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework_json_api.pagination.JsonApiPageNumberPagination",
    "DEFAULT_PARSER_CLASSES": (
        "rest_framework_json_api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework_json_api.renderers.JSONRenderer",),
    "DEFAULT_METADATA_CLASS": "rest_framework_json_api.metadata.JSONAPIMetadata",
    "DEFAULT_FILTER_BACKENDS": (
        "rest_framework_json_api.filters.QueryParameterValidationFilter",
        "rest_framework_json_api.filters.OrderingFilter",
        "rest_framework_json_api.django_filters.DjangoFilterBackend",
    ),
    "DEFAULT_AUTHENTICATION_CLASSES": (),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.AllowAny",),
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_RENDERER_CLASSES": ("rest_framework_json_api.renderers.JSONRenderer",),
    "TEST_REQUEST_DEFAULT_FORMAT": "vnd.api+json",
}
