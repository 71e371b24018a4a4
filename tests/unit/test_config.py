"""Settings from the environment: defaults, overrides, and a clear refusal of unusable numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings, SettingsError


def test_defaults_and_overrides() -> None:
    assert Settings.from_env({}) == Settings()
    settings = Settings.from_env({"CACHE_MAX_AGE": "0", "RESPONSE_CACHE_MB": "8", "EXPANSES_CSV": "x.csv"})
    assert (settings.cache_max_age, settings.response_cache_mb, settings.csv_path) == (0, 8, Path("x.csv"))


@pytest.mark.parametrize("name", ["CACHE_MAX_AGE", "RESPONSE_CACHE_MB"])
@pytest.mark.parametrize("value", ["abc", "-1", "1.5", ""])
def test_unusable_numbers_are_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} must be a whole number of 0 or more, not '{value}'"):
        Settings.from_env({name: value})
