"""Settings of the service, read once from the environment.

Why: `create_app(settings)` is the one door through which configuration (and tests)
get in; everything else receives a frozen `Settings` and never reads `os.environ`.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from service.handoff import SNAPSHOT_FD
from service.query.names import STYLES

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_CSV = Path("data/expanses.csv")


@dataclass(frozen=True)
class Settings:
    """What an operator can change without touching code."""

    csv_path: Path = DEFAULT_CSV
    #: An open descriptor of the master's snapshot of `csv_path` (service/data/snapshot.py), mapped instead of the file.
    snapshot_fd: int | None = None
    default_page_size: int = 20
    max_page_size: int = 1000
    log_level: str = "INFO"
    cache_max_age: int = 60
    response_cache_mb: int = 32
    #: Networks of the proxies whose X-Request-Id is taken (FORWARDED_ALLOW_IPS; None: any).
    trusted_proxies: tuple[Network, ...] | None = ()
    #: How member names are written: "as-is" (as in the data), "dasherize" or "camelize" (MEMBER_NAME_FORMAT).
    member_names: str = "as-is"
    #: Exports streamed at once by all workers (EXPORT_SLOTS; default half the workers, at least one).
    export_slots: int = 1
    #: The directory every worker of this server shares (the master's, PROMETHEUS_MULTIPROC_DIR): export slots.
    shared_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `EXPANSES_CSV`, `LOG_LEVEL`, `CACHE_MAX_AGE`, `RESPONSE_CACHE_MB`, `MEMBER_NAME_FORMAT`,
        `EXPORT_SLOTS`
        (docs/operations.md).

        `EXPANSES_SNAPSHOT_FD` (service/handoff.py), when set, is the descriptor of the data snapshot the gunicorn
        master hands its workers (service/ops/data_supervisor.py); the data is mapped from it.
        """
        env = os.environ if environ is None else environ
        snapshot = env.get(SNAPSHOT_FD)
        return cls(
            csv_path=Path(env.get("EXPANSES_CSV", str(DEFAULT_CSV))),
            snapshot_fd=int(snapshot) if snapshot else None,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            cache_max_age=_whole_number(env, "CACHE_MAX_AGE", 60),
            response_cache_mb=_whole_number(env, "RESPONSE_CACHE_MB", 32),
            trusted_proxies=_networks(env, "FORWARDED_ALLOW_IPS"),
            member_names=_one_of(env, "MEMBER_NAME_FORMAT", STYLES),
            export_slots=_whole_number(env, "EXPORT_SLOTS", max(1, _whole_number(env, "WORKERS", 2) // 2)),
            shared_dir=Path(env["PROMETHEUS_MULTIPROC_DIR"]) if env.get("PROMETHEUS_MULTIPROC_DIR") else None,
        )


def default_snapshot_dir(warn: Callable[[str], object]) -> Path:
    """Where the gunicorn master keeps data snapshots when EXPANSES_SNAPSHOT_DIR is unset: a place no other
    user can take first (docs/operations.md). The user's cache directory when it can be written; else
    `$TMPDIR/expanses-snapshots-<uid>` if that is free or ours; else a new private directory, with a
    warning, as the next start will not find it again.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    if _own_and_writable(cache) or (not cache.exists() and _own_and_writable(cache.parent)):
        return cache / "expanses-snapshots"
    shared = Path(tempfile.gettempdir()) / f"expanses-snapshots-{os.getuid()}"
    if not shared.exists() and not shared.is_symlink():
        return shared
    status = shared.lstat()
    if stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid() and not status.st_mode & 0o022:
        return shared
    private = Path(tempfile.mkdtemp(prefix="expanses-snapshots-"))
    warn(f"{shared} belongs to another user or is open to others; snapshots go to {private} for this run only")
    return private


def _own_and_writable(directory: Path) -> bool:
    try:
        return directory.is_dir() and directory.stat().st_uid == os.getuid() and os.access(directory, os.W_OK)
    except OSError:
        return False


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and the value."""


def _networks(env: Mapping[str, str], name: str) -> tuple[Network, ...] | None:
    try:
        networks = parse_networks(env.get(name, ""))
    except ValueError as error:
        raise SettingsError(f"{name} must list IP addresses or networks, or be *: {error}") from None
    return None if networks is None else tuple(networks)


def parse_networks(text: str) -> list[Network] | None:
    """FORWARDED_ALLOW_IPS as gunicorn reads it: comma-separated addresses or networks, `*` for any."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if "*" in items:
        return None
    return [ipaddress.ip_network(item, strict=False) for item in items]


def _one_of(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    text = env.get(name, choices[0]).strip()
    if text not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {text!r}")
    return text


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, str(default)).strip()
    if not text.isdigit():
        raise SettingsError(f"{name} must be a whole number of 0 or more, not {text!r}")
    return int(text)
