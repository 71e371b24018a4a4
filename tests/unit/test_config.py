"""Settings from the environment: defaults, overrides, and a clear refusal of unusable numbers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from service.config import Settings, SettingsError, default_snapshot_dir


def test_defaults_and_overrides() -> None:
    assert Settings.from_env({}) == Settings()
    settings = Settings.from_env({"CACHE_MAX_AGE": "0", "RESPONSE_CACHE_MB": "8", "EXPANSES_CSV": "x.csv"})
    assert (settings.cache_max_age, settings.response_cache_mb, settings.csv_path) == (0, 8, Path("x.csv"))


@pytest.mark.parametrize("name", ["CACHE_MAX_AGE", "RESPONSE_CACHE_MB"])
@pytest.mark.parametrize("value", ["abc", "-1", "1.5", ""])
def test_unusable_numbers_are_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} must be a whole number of 0 or more, not '{value}'"):
        Settings.from_env({name: value})


def test_snapshots_go_to_the_users_cache_when_it_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    assert default_snapshot_dir(print) == tmp_path / "cache" / "expanses-snapshots"


@pytest.mark.skipif(os.geteuid() != 0, reason="taking a directory as another user needs root")
def test_a_shared_directory_another_user_made_first_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another local user who creates /tmp/expanses-snapshots-<uid> first must not stop the start (issue 23)."""
    unwritable_home = tmp_path / "home"
    unwritable_home.mkdir(mode=0o500)
    os.chown(unwritable_home, 65534, 65534)
    monkeypatch.setenv("XDG_CACHE_HOME", str(unwritable_home / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    taken = tmp_path / f"expanses-snapshots-{os.getuid()}"
    taken.mkdir(mode=0o777)
    os.chown(taken, 65534, 65534)
    warnings: list[str] = []
    chosen = default_snapshot_dir(warnings.append)
    assert chosen != taken and chosen.is_dir() and chosen.stat().st_uid == os.getuid()
    assert chosen.stat().st_mode & 0o077 == 0
    assert warnings and str(taken) in warnings[0]
