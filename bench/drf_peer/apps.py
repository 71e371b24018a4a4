from __future__ import annotations

from django.apps import AppConfig


class DrfPeerConfig(AppConfig):
    name = "bench.drf_peer"
    label = "drf_peer"
